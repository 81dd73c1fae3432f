package graph

import (
	"context"
	"slices"

	"github.com/cccs13/cccs-graph/analysis"
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
)

// measures name the analysis measures in the schema.
var measures = map[model.CentralityMeasure]analysis.Measure{
	model.CentralityMeasureDegree:      analysis.Degree,
	model.CentralityMeasureBetweenness: analysis.Betweenness,
	model.CentralityMeasureCloseness:   analysis.Closeness,
	model.CentralityMeasurePagerank:    analysis.PageRank,
}

// scoreFilter keeps the scores of nodes of some kinds, or of some ids.
type scoreFilter struct {
	kinds []domain.Kind
	ids   []string
}

// newScoreFilter checks the ids. Returns BAD_USER_INPUT for a malformed one.
func newScoreFilter(nodeKinds []model.NodeKind, ids []string) (scoreFilter, error) {
	f := scoreFilter{ids: ids}
	for _, k := range nodeKinds {
		f.kinds = append(f.kinds, model.StoreKind(k))
	}
	return f, checkID(ids...)
}

func (f scoreFilter) keeps(n *domain.Node) bool {
	return (len(f.kinds) == 0 || slices.Contains(f.kinds, n.Kind)) && (len(f.ids) == 0 || slices.Contains(f.ids, n.ID))
}

func scoreOf(s analysis.Score) *model.CentralityScore {
	return &model.CentralityScore{Node: model.Wrap(s.Node), Score: s.Score, Rank: s.Rank}
}

// rankings computes a measure at each date.
func (r *Resolver) rankings(ctx context.Context, measure model.CentralityMeasure, kinds []model.RelationKind, dates ...domain.Date) ([]*analysis.Ranking, error) {
	out := make([]*analysis.Ranking, len(dates))
	for i, d := range dates {
		rk, err := r.Analysis.Centrality(ctx, measures[measure], d, model.StoreRelKinds(kinds))
		if err != nil {
			return nil, err
		}
		out[i] = rk
	}
	return out, nil
}

// centralityChanges pairs the scores of the nodes at two dates, by rank at
// the second date, then the nodes absent then by rank at the first.
func centralityChanges(before, after *analysis.Ranking, f scoreFilter, size int) []*model.CentralityChange {
	out := []*model.CentralityChange{}
	add := func(s analysis.Score, old, now *analysis.Score) {
		if len(out) == size || !f.keeps(s.Node) {
			return
		}
		c := &model.CentralityChange{Node: model.Wrap(s.Node)}
		if old != nil {
			c.From = scoreOf(*old)
		}
		if now != nil {
			c.To = scoreOf(*now)
		}
		if old != nil && now != nil {
			moved := old.Rank - now.Rank
			c.RankChange = &moved
		}
		out = append(out, c)
	}
	for _, s := range after.Scores {
		old, ok := before.Rank(s.Node.ID)
		add(s, ptrIf(&old, ok), &s)
	}
	for _, s := range before.Scores {
		if _, ok := after.Rank(s.Node.ID); !ok {
			add(s, &s, nil)
		}
	}
	return out
}

func ptrIf[T any](p *T, ok bool) *T {
	if !ok {
		return nil
	}
	return p
}

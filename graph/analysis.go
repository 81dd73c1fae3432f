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

// listing says which nodes of a ranking an answer lists: the first size of
// some kinds (all when empty), or of some ids.
type listing struct {
	size  int
	kinds []domain.Kind
	ids   []string
}

// newListing checks the arguments. Returns BAD_USER_INPUT for a bad first
// or a malformed id.
func newListing(first *int, nodeKinds []model.NodeKind, ids []string) (listing, error) {
	size, err := model.PageSize(first, nil)
	if err != nil {
		return listing{}, err
	}
	l := listing{size: size, ids: ids}
	for _, k := range nodeKinds {
		l.kinds = append(l.kinds, model.StoreKind(k))
	}
	return l, checkID(ids...)
}

func (l listing) keeps(n *domain.Node) bool {
	return (len(l.kinds) == 0 || slices.Contains(l.kinds, n.Kind)) && (len(l.ids) == 0 || slices.Contains(l.ids, n.ID))
}

// scores lists the ranking's first nodes kept, best first.
func (l listing) scores(rk *analysis.Ranking) []*model.CentralityScore {
	out := []*model.CentralityScore{}
	for _, s := range rk.Scores {
		if len(out) == l.size {
			break
		}
		if l.keeps(s.Node) {
			out = append(out, scoreOf(s))
		}
	}
	return out
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

// changes pairs the scores of the nodes kept at two dates, by rank at the
// second date, then the nodes absent then by rank at the first.
func (l listing) changes(before, after *analysis.Ranking) []*model.CentralityChange {
	out := []*model.CentralityChange{}
	add := func(s analysis.Score, old, now *analysis.Score) {
		if len(out) == l.size || !l.keeps(s.Node) {
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

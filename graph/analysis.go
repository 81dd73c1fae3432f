package graph

import (
	"cmp"
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

// listing says which nodes of a ranking an answer lists: a page of size
// nodes of some kinds (all when empty), or of some ids, after the node
// after (from the first when "").
type listing struct {
	size  int
	after string
	kinds []domain.Kind
	ids   []string
}

// newListing checks the arguments. Returns BAD_USER_INPUT for a bad first
// or a malformed id.
func newListing(first *int, after *string, nodeKinds []model.NodeKind, ids []string) (listing, error) {
	size, err := model.PageSize(first, nil)
	if err != nil {
		return listing{}, err
	}
	l := listing{size: size, after: or(after, ""), ids: ids}
	for _, k := range nodeKinds {
		l.kinds = append(l.kinds, model.StoreKind(k))
	}
	if l.after != "" {
		err = checkID(l.after)
	}
	return l, cmp.Or(err, checkID(ids...))
}

func (l listing) keeps(n *domain.Node) bool {
	return (len(l.kinds) == 0 || slices.Contains(l.kinds, n.Kind)) && (len(l.ids) == 0 || slices.Contains(l.ids, n.ID))
}

// page returns the kept nodes of a list that the page holds, as indexes into
// the list. Returns BAD_USER_INPUT when after is not listed.
func (l listing) page(nodes []*domain.Node) ([]int, error) {
	var out []int
	started := l.after == ""
	for i, n := range nodes {
		switch {
		case len(out) == l.size:
			return out, nil
		case !l.keeps(n):
		case started:
			out = append(out, i)
		case n.ID == l.after:
			started = true
		}
	}
	if !started {
		return nil, domain.Errorf(domain.EBADINPUT, "after: %q is not in the list", l.after)
	}
	return out, nil
}

// scores lists a page of the ranking's nodes kept, best first.
func (l listing) scores(rk *analysis.Ranking) ([]*model.CentralityScore, error) {
	nodes := make([]*domain.Node, len(rk.Scores))
	for i, s := range rk.Scores {
		nodes[i] = s.Node
	}
	page, err := l.page(nodes)
	out := make([]*model.CentralityScore, len(page))
	for i, j := range page {
		out[i] = scoreOf(rk.Scores[j])
	}
	return out, err
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
// second date, then the nodes absent then by rank at the first: a page of
// them.
func (l listing) changes(before, after *analysis.Ranking) ([]*model.CentralityChange, error) {
	var all []*model.CentralityChange
	add := func(s analysis.Score, old, now *analysis.Score) {
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
		all = append(all, c)
	}
	var nodes []*domain.Node
	for _, s := range after.Scores {
		old, ok := before.Rank(s.Node.ID)
		add(s, ptrIf(&old, ok), &s)
		nodes = append(nodes, s.Node)
	}
	for _, s := range before.Scores {
		if _, ok := after.Rank(s.Node.ID); !ok {
			add(s, &s, nil)
			nodes = append(nodes, s.Node)
		}
	}
	page, err := l.page(nodes)
	out := make([]*model.CentralityChange, len(page))
	for i, j := range page {
		out[i] = all[j]
	}
	return out, err
}

func ptrIf[T any](p *T, ok bool) *T {
	if !ok {
		return nil
	}
	return p
}

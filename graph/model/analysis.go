package model

import (
	"context"
	"github.com/cccs13/cccs-graph/analysis"
	"github.com/cccs13/cccs-graph/domain"
)

// CommunityPartition is a partition of the network at a date.
type CommunityPartition struct {
	P    *analysis.Partition
	Date domain.Date
}

// AsOf is the date of the network, nil for all time.
func (p *CommunityPartition) AsOf() *domain.Date { return datePtr(p.Date) }

// Modularity is Newman's Q.
func (p *CommunityPartition) Modularity() float64 { return p.P.Modularity }

// Count is the number of communities.
func (p *CommunityPartition) Count() int { return len(p.P.Communities) }

// Communities lists the first communities. Returns BAD_USER_INPUT for a bad first.
func (p *CommunityPartition) Communities(first *int) ([]*Community, error) {
	cs, err := firstOf(p.P.Communities, first)
	out := make([]*Community, len(cs))
	for i, c := range cs {
		out[i] = &Community{Index: i + 1, C: c}
	}
	return out, err
}

// Membership lists the first nodes with their community. Returns
// BAD_USER_INPUT for a bad first.
func (p *CommunityPartition) Membership(first *int) ([]*CommunityMember, error) {
	size, err := PageSize(first, nil)
	out := []*CommunityMember{}
	for i, c := range p.P.Communities {
		for _, n := range c.Nodes {
			if len(out) == size {
				return out, err
			}
			out = append(out, &CommunityMember{Node: Wrap(n), Community: i + 1})
		}
	}
	return out, err
}

// Community is one community of a partition.
type Community struct {
	Index int
	C     analysis.Community
}

// Size is the number of nodes.
func (c *Community) Size() int { return len(c.C.Nodes) }

// Nodes lists the first nodes. Returns BAD_USER_INPUT for a bad first.
func (c *Community) Nodes(first *int) ([]Node, error) {
	ns, err := firstOf(c.C.Nodes, first)
	return wrapAll(ns), err
}

// Diff is what changed between two dates.
type Diff struct{ D *analysis.Diff }

// From is the first date.
func (d *Diff) From() domain.Date { return d.D.From }

// To is the second date.
func (d *Diff) To() domain.Date { return d.D.To }

// RelationKinds counts the changes of relations by kind.
func (d *Diff) RelationKinds() []*RelationKindDiff {
	out := make([]*RelationKindDiff, len(d.D.Relations))
	for i, g := range d.D.Relations {
		out[i] = &RelationKindDiff{Kind: enumOf[RelationKind](string(g.Kind)), Started: len(g.Started), Ended: len(g.Ended), Changed: len(g.Changed)}
	}
	return out
}

// NodeKinds counts the changes of nodes by kind.
func (d *Diff) NodeKinds() []*NodeKindDiff {
	out := make([]*NodeKindDiff, len(d.D.Nodes))
	for i, g := range d.D.Nodes {
		out[i] = &NodeKindDiff{Kind: enumOf[NodeKind](string(g.Kind)), Appeared: len(g.Appeared), Disappeared: len(g.Disappeared)}
	}
	return out
}

// Started lists the first relations started. Returns BAD_USER_INPUT for a bad first.
func (d *Diff) Started(ctx context.Context, first *int) ([]*Relation, error) {
	return diffRelations(ctx, d.D.Relations, first, func(g analysis.RelationKindDiff) []*domain.Relation { return g.Started })
}

// Ended lists the first relations ended. Returns BAD_USER_INPUT for a bad first.
func (d *Diff) Ended(ctx context.Context, first *int) ([]*Relation, error) {
	return diffRelations(ctx, d.D.Relations, first, func(g analysis.RelationKindDiff) []*domain.Relation { return g.Ended })
}

// Changed lists the first links held by another record. Returns BAD_USER_INPUT for a bad first.
func (d *Diff) Changed(ctx context.Context, first *int) ([]*RelationChange, error) {
	cs, err := firstOf(flatten(d.D.Relations, func(g analysis.RelationKindDiff) []analysis.RelationChange { return g.Changed }), first)
	if err != nil {
		return nil, err
	}
	rels := make([]*domain.Relation, 0, 2*len(cs))
	for _, c := range cs {
		rels = append(rels, c.Before, c.After)
	}
	models, err := NewRelations(ctx, rels)
	if err != nil {
		return nil, err
	}
	out := make([]*RelationChange, len(cs))
	for i := range cs {
		out[i] = &RelationChange{Before: models[2*i], After: models[2*i+1]}
	}
	return out, nil
}

// Appeared lists the first nodes that appeared. Returns BAD_USER_INPUT for a bad first.
func (d *Diff) Appeared(first *int) ([]Node, error) {
	ns, err := firstOf(flatten(d.D.Nodes, func(g analysis.NodeKindDiff) []*domain.Node { return g.Appeared }), first)
	return wrapAll(ns), err
}

// Disappeared lists the first nodes that disappeared. Returns BAD_USER_INPUT for a bad first.
func (d *Diff) Disappeared(first *int) ([]Node, error) {
	ns, err := firstOf(flatten(d.D.Nodes, func(g analysis.NodeKindDiff) []*domain.Node { return g.Disappeared }), first)
	return wrapAll(ns), err
}

func diffRelations(ctx context.Context, groups []analysis.RelationKindDiff, first *int, list func(analysis.RelationKindDiff) []*domain.Relation) ([]*Relation, error) {
	rs, err := firstOf(flatten(groups, list), first)
	if err != nil {
		return nil, err
	}
	return NewRelations(ctx, rs)
}

// flatten joins one list of every group, in the groups' order.
func flatten[G, T any](groups []G, list func(G) []T) []T {
	var out []T
	for _, g := range groups {
		out = append(out, list(g)...)
	}
	return out
}

// firstOf cuts the first items of a list (the default page size when first
// is nil). Returns BAD_USER_INPUT for a bad first.
func firstOf[T any](items []T, first *int) ([]T, error) {
	size, err := PageSize(first, nil)
	if err != nil {
		return nil, err
	}
	return items[:min(size, len(items))], nil
}

func wrapAll(nodes []*domain.Node) []Node {
	out := make([]Node, len(nodes))
	for i, n := range nodes {
		out[i] = Wrap(n)
	}
	return out
}

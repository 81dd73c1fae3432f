package model

import (
	"github.com/cccs13/cccs-graph/analysis"
	"github.com/cccs13/cccs-graph/store"
)

// CommunityPartition is a partition of the network at a date.
type CommunityPartition struct {
	P    *analysis.Partition
	Date store.Date
}

// AsOf is the date of the network, nil for all time.
func (p *CommunityPartition) AsOf() *store.Date { return datePtr(p.Date) }

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
func (d *Diff) From() store.Date { return d.D.From }

// To is the second date.
func (d *Diff) To() store.Date { return d.D.To }

// Relations are the changes of relations, by kind.
func (d *Diff) Relations() []*RelationKindDiff {
	out := make([]*RelationKindDiff, len(d.D.Relations))
	for i := range d.D.Relations {
		out[i] = &RelationKindDiff{G: &d.D.Relations[i]}
	}
	return out
}

// Nodes are the changes of nodes, by kind.
func (d *Diff) Nodes() []*NodeKindDiff {
	out := make([]*NodeKindDiff, len(d.D.Nodes))
	for i := range d.D.Nodes {
		out[i] = &NodeKindDiff{G: &d.D.Nodes[i]}
	}
	return out
}

// RelationKindDiff is the change of the relations of one kind.
type RelationKindDiff struct{ G *analysis.RelationKindDiff }

// Kind is the relation kind.
func (g *RelationKindDiff) Kind() RelationKind { return enumOf[RelationKind](string(g.G.Kind)) }

// StartedCount counts the relations started.
func (g *RelationKindDiff) StartedCount() int { return len(g.G.Started) }

// EndedCount counts the relations ended.
func (g *RelationKindDiff) EndedCount() int { return len(g.G.Ended) }

// ChangedCount counts the links held by another record.
func (g *RelationKindDiff) ChangedCount() int { return len(g.G.Changed) }

// Started lists the first relations started. Returns BAD_USER_INPUT for a bad first.
func (g *RelationKindDiff) Started(first *int) ([]*Relation, error) {
	rs, err := firstOf(g.G.Started, first)
	return relationsAll(rs), err
}

// Ended lists the first relations ended. Returns BAD_USER_INPUT for a bad first.
func (g *RelationKindDiff) Ended(first *int) ([]*Relation, error) {
	rs, err := firstOf(g.G.Ended, first)
	return relationsAll(rs), err
}

// Changed lists the first links held by another record. Returns BAD_USER_INPUT for a bad first.
func (g *RelationKindDiff) Changed(first *int) ([]*RelationChange, error) {
	cs, err := firstOf(g.G.Changed, first)
	out := make([]*RelationChange, len(cs))
	for i, c := range cs {
		out[i] = &RelationChange{Before: &Relation{R: c.Before}, After: &Relation{R: c.After}}
	}
	return out, err
}

// NodeKindDiff is the change of the nodes of one kind.
type NodeKindDiff struct{ G *analysis.NodeKindDiff }

// Kind is the node kind.
func (g *NodeKindDiff) Kind() NodeKind { return enumOf[NodeKind](string(g.G.Kind)) }

// AppearedCount counts the nodes that appeared.
func (g *NodeKindDiff) AppearedCount() int { return len(g.G.Appeared) }

// DisappearedCount counts the nodes that disappeared.
func (g *NodeKindDiff) DisappearedCount() int { return len(g.G.Disappeared) }

// Appeared lists the first nodes that appeared. Returns BAD_USER_INPUT for a bad first.
func (g *NodeKindDiff) Appeared(first *int) ([]Node, error) {
	ns, err := firstOf(g.G.Appeared, first)
	return wrapAll(ns), err
}

// Disappeared lists the first nodes that disappeared. Returns BAD_USER_INPUT for a bad first.
func (g *NodeKindDiff) Disappeared(first *int) ([]Node, error) {
	ns, err := firstOf(g.G.Disappeared, first)
	return wrapAll(ns), err
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

func wrapAll(nodes []*store.Node) []Node {
	out := make([]Node, len(nodes))
	for i, n := range nodes {
		out[i] = Wrap(n)
	}
	return out
}

func relationsAll(rels []*store.Relation) []*Relation {
	out := make([]*Relation, len(rels))
	for i, r := range rels {
		out[i] = &Relation{R: r}
	}
	return out
}

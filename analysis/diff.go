package analysis

import (
	"cmp"
	"slices"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// Diff is what changed in valid time between two dates: the relations in
// force at To and not at From (started), the other way round (ended), or
// in force at both through another record (changed: a new period, role or
// note between the same nodes), and the nodes that are in the network at To
// and not at From (appeared) or the other way round (disappeared). Both
// dates are read as everywhere else: a relation is in force at "2015" when
// it is at some time during 2015. Groups come in schema order, each holding
// at least one change; relations in the order they started (ended ones in
// the order they ended), then by id; nodes by id.
type Diff struct {
	From, To  domain.Date
	Relations []RelationKindDiff
	Nodes     []NodeKindDiff
}

// RelationKindDiff is the change of the relations of one kind.
type RelationKindDiff struct {
	Kind           domain.RelKind
	Started, Ended []*domain.Relation
	Changed        []RelationChange
}

// RelationChange is a link between two nodes held by one record at the
// first date and another at the second.
type RelationChange struct{ Before, After *domain.Relation }

// NodeKindDiff is the change of the nodes of one kind.
type NodeKindDiff struct {
	Kind                  domain.Kind
	Appeared, Disappeared []*domain.Node
}

// link is what a relation joins, whatever its period: from, kind, to, and
// the organization acted for.
type link struct {
	from, to, onBehalfOf string
	kind                 domain.RelKind
}

func linkOf(r *domain.Relation) link { return link{r.From, r.To, r.OnBehalfOf, r.Kind} }

// diffOf compares two networks (their snapshots reduced to the same kinds).
func diffOf(before, after *store.Snapshot) *Diff {
	d := &Diff{From: before.AsOf, To: after.AsOf}
	was, is := linksOf(before.Relations), linksOf(after.Relations)
	groups := map[domain.RelKind]*RelationKindDiff{}
	group := func(k domain.RelKind) *RelationKindDiff {
		if groups[k] == nil {
			groups[k] = &RelationKindDiff{Kind: k}
		}
		return groups[k]
	}
	for _, r := range after.Relations {
		old := was[linkOf(r)]
		switch {
		case old == nil:
			group(r.Kind).Started = append(group(r.Kind).Started, r)
		case is[linkOf(r)] == r && domain.RelationID(old) != domain.RelationID(r):
			group(r.Kind).Changed = append(group(r.Kind).Changed, RelationChange{old, r})
		}
	}
	for _, r := range before.Relations {
		if is[linkOf(r)] == nil {
			group(r.Kind).Ended = append(group(r.Kind).Ended, r)
		}
	}
	for _, k := range domain.RelKinds {
		if g := groups[k.Kind]; g != nil {
			slices.SortStableFunc(g.Started, byDate(func(r *domain.Relation) domain.Date { return r.ValidFrom }))
			slices.SortStableFunc(g.Ended, byDate(func(r *domain.Relation) domain.Date { return r.ValidTo }))
			slices.SortStableFunc(g.Changed, func(a, b RelationChange) int {
				return byDate(func(r *domain.Relation) domain.Date { return r.ValidFrom })(a.After, b.After)
			})
			d.Relations = append(d.Relations, *g)
		}
	}
	d.Nodes = nodeDiffs(before.Nodes, after.Nodes)
	return d
}

// byDate orders relations by a date (an undated one first: the zero
// Date's first day is before any other), then by id.
func byDate(date func(*domain.Relation) domain.Date) func(a, b *domain.Relation) int {
	return func(a, b *domain.Relation) int {
		da, db := date(a), date(b)
		return cmp.Or(da.First().Compare(db.First()), cmp.Compare(domain.RelationID(a), domain.RelationID(b)))
	}
}

// linksOf maps each link to its latest record (relations come in key order,
// so by start within a link).
func linksOf(rels []*domain.Relation) map[link]*domain.Relation {
	out := make(map[link]*domain.Relation, len(rels))
	for _, r := range rels {
		out[linkOf(r)] = r
	}
	return out
}

func nodeDiffs(before, after []*domain.Node) []NodeKindDiff {
	was, is := ids(before), ids(after)
	groups := map[domain.Kind]*NodeKindDiff{}
	group := func(k domain.Kind) *NodeKindDiff {
		if groups[k] == nil {
			groups[k] = &NodeKindDiff{Kind: k}
		}
		return groups[k]
	}
	for _, n := range after {
		if !was[n.ID] {
			group(n.Kind).Appeared = append(group(n.Kind).Appeared, n)
		}
	}
	for _, n := range before {
		if !is[n.ID] {
			group(n.Kind).Disappeared = append(group(n.Kind).Disappeared, n)
		}
	}
	var out []NodeKindDiff
	for _, k := range domain.Kinds {
		if g := groups[k.Kind]; g != nil {
			out = append(out, *g)
		}
	}
	return out
}

func ids(nodes []*domain.Node) map[string]bool {
	out := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		out[n.ID] = true
	}
	return out
}

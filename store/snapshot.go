package store

import (
	"cmp"
	"context"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// Snapshot is the network as of a date, read in one transaction: the nodes
// that exist then, by kind then id, and the relations in force then between
// two of them, in key order (from, kind, to, start). The zero AsOf is the
// whole graph over all time.
type Snapshot struct {
	AsOf      domain.Date
	Nodes     []*domain.Node
	Relations []*domain.Relation
}

// Snapshot reads the network as of asOf (everything when zero).
func (s *Store) Snapshot(ctx context.Context, asOf domain.Date) (*Snapshot, error) {
	snap := &Snapshot{AsOf: asOf, Nodes: []*domain.Node{}, Relations: []*domain.Relation{}}
	err := s.view(ctx, func(txn *badger.Txn) error {
		exists := map[string]bool{}
		err := scanKeys(ctx, txn, []byte{pKindIndex}, func(key []byte) error {
			k, err := ParseKey(key)
			if err != nil {
				return err
			}
			var n domain.Node
			if err := readNode(txn, k.ID, &n, decodeSeen[domain.Node]); err != nil {
				return err
			}
			if n.ExistsDuring(asOf) {
				exists[n.ID] = true
				snap.Nodes = append(snap.Nodes, &n)
			}
			return nil
		})
		if err != nil {
			return err
		}
		rels, err := scanEdges(ctx, txn, []byte{pEdgeOut}, asOf)
		for _, r := range rels {
			if exists[r.From] && exists[r.To] {
				snap.Relations = append(snap.Relations, r)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// KindCount is a number of nodes of one kind.
type KindCount struct {
	Kind  domain.Kind
	Count int
}

// RelKindCount is a number of relations of one kind.
type RelKindCount struct {
	Kind  domain.RelKind
	Count int
}

// BodyMembers is a governance body with the organizations that sit on it.
type BodyMembers struct {
	Body    *domain.Node
	Members []*domain.Node
}

// Degree counts the relations of one node: In and Out by direction, and the
// distinct nodes at their other ends.
type Degree struct {
	Node          *domain.Node
	In, Out       int
	NeighborCount int
}

// Total is In + Out.
func (d Degree) Total() int { return d.In + d.Out }

// Stats are counts over a snapshot.
type Stats struct {
	AsOf            domain.Date
	NodesByKind     []KindCount    // every kind, in schema order, zeros included
	RelationsByKind []RelKindCount // likewise
	BodyMembers     []BodyMembers  // every body, by name
	Degrees         []Degree       // organizations, most relations first
}

// Stats counts the snapshot's nodes and relations.
func (snap *Snapshot) Stats() *Stats {
	st := &Stats{AsOf: snap.AsOf}
	byID := make(map[string]*domain.Node, len(snap.Nodes))
	nodes := map[domain.Kind]int{}
	for _, n := range snap.Nodes {
		byID[n.ID] = n
		nodes[n.Kind]++
	}
	for _, k := range domain.Kinds {
		st.NodesByKind = append(st.NodesByKind, KindCount{k.Kind, nodes[k.Kind]})
	}
	rels := map[domain.RelKind]int{}
	for _, r := range snap.Relations {
		rels[r.Kind]++
	}
	for _, k := range domain.RelKinds {
		st.RelationsByKind = append(st.RelationsByKind, RelKindCount{k.Kind, rels[k.Kind]})
	}
	st.BodyMembers = snap.bodyMembers(byID)
	st.Degrees = snap.degrees(byID)
	return st
}

// bodyMembers lists every body with the organizations that are member-of it.
func (snap *Snapshot) bodyMembers(byID map[string]*domain.Node) []BodyMembers {
	members := map[string][]*domain.Node{}
	for _, r := range snap.Relations {
		if r.Kind == domain.RelMemberOf && !slices.Contains(members[r.To], byID[r.From]) {
			members[r.To] = append(members[r.To], byID[r.From])
		}
	}
	var out []BodyMembers
	for _, n := range snap.Nodes {
		if n.Kind == domain.KindBody {
			ms := members[n.ID]
			slices.SortFunc(ms, byName)
			out = append(out, BodyMembers{Body: n, Members: ms})
		}
	}
	slices.SortFunc(out, func(a, b BodyMembers) int { return byName(a.Body, b.Body) })
	return out
}

// degrees counts the relations of every organization, most first.
func (snap *Snapshot) degrees(byID map[string]*domain.Node) []Degree {
	deg := map[string]*Degree{}
	neighbors := map[string]map[string]bool{}
	for _, n := range snap.Nodes {
		if n.Kind == domain.KindOrganization {
			deg[n.ID], neighbors[n.ID] = &Degree{Node: n}, map[string]bool{}
		}
	}
	count := func(id, other string, out bool) {
		d := deg[id]
		if d == nil {
			return
		}
		if out {
			d.Out++
		} else {
			d.In++
		}
		neighbors[id][other] = true
	}
	for _, r := range snap.Relations {
		count(r.From, r.To, true)
		count(r.To, r.From, false)
	}
	out := make([]Degree, 0, len(deg))
	for id, d := range deg {
		d.NeighborCount = len(neighbors[id])
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Degree) int {
		return cmp.Or(cmp.Compare(b.Total(), a.Total()), byName(a.Node, b.Node))
	})
	return out
}

// byName orders nodes by folded name, then id.
func byName(a, b *domain.Node) int {
	return cmp.Or(cmp.Compare(Fold(a.Name), Fold(b.Name)), cmp.Compare(a.ID, b.ID))
}

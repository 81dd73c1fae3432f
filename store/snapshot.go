package store

import (
	"cmp"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// Snapshot is the network as of a date, read in one transaction: the nodes
// that exist then, by kind then id, and the relations in force then between
// two of them, in key order (from, kind, to, start). The zero AsOf is the
// whole graph over all time.
type Snapshot struct {
	AsOf      Date
	Nodes     []*Node
	Relations []*Relation
}

// Snapshot reads the network as of asOf (everything when zero).
func (s *Store) Snapshot(asOf Date) (*Snapshot, error) {
	snap := &Snapshot{AsOf: asOf, Nodes: []*Node{}, Relations: []*Relation{}}
	err := s.view(func(txn *badger.Txn) error {
		exists := map[string]bool{}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pKindIndex}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k, err := ParseKey(it.Item().Key())
			if err != nil {
				return err
			}
			var n Node
			if err := getNode(txn, k.ID, &n); err != nil {
				return err
			}
			if n.ExistsDuring(asOf) {
				exists[n.ID] = true
				snap.Nodes = append(snap.Nodes, &n)
			}
		}
		rels, err := scanEdges(txn, []byte{pEdgeOut}, asOf)
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
	Kind  Kind
	Count int
}

// RelKindCount is a number of relations of one kind.
type RelKindCount struct {
	Kind  RelKind
	Count int
}

// BodyMembers is a governance body with the organizations that sit on it.
type BodyMembers struct {
	Body    *Node
	Members []*Node
}

// Degree counts the relations of one node: In and Out by direction, and the
// distinct nodes at their other ends.
type Degree struct {
	Node          *Node
	In, Out       int
	NeighborCount int
}

// Total is In + Out.
func (d Degree) Total() int { return d.In + d.Out }

// Stats are counts over a snapshot.
type Stats struct {
	AsOf            Date
	NodesByKind     []KindCount    // every kind, in schema order, zeros included
	RelationsByKind []RelKindCount // likewise
	BodyMembers     []BodyMembers  // every body, by name
	Degrees         []Degree       // organizations, most relations first
}

// Stats counts the snapshot's nodes and relations.
func (snap *Snapshot) Stats() *Stats {
	st := &Stats{AsOf: snap.AsOf}
	byID := make(map[string]*Node, len(snap.Nodes))
	nodes := map[Kind]int{}
	for _, n := range snap.Nodes {
		byID[n.ID] = n
		nodes[n.Kind]++
	}
	for _, k := range Kinds {
		st.NodesByKind = append(st.NodesByKind, KindCount{k.Kind, nodes[k.Kind]})
	}
	rels := map[RelKind]int{}
	for _, r := range snap.Relations {
		rels[r.Kind]++
	}
	for _, k := range RelKinds {
		st.RelationsByKind = append(st.RelationsByKind, RelKindCount{k, rels[k]})
	}
	st.BodyMembers = snap.bodyMembers(byID)
	st.Degrees = snap.degrees(byID)
	return st
}

// bodyMembers lists every body with the organizations that are member-of it.
func (snap *Snapshot) bodyMembers(byID map[string]*Node) []BodyMembers {
	members := map[string][]*Node{}
	for _, r := range snap.Relations {
		if r.Kind == "member-of" && !slices.Contains(members[r.To], byID[r.From]) {
			members[r.To] = append(members[r.To], byID[r.From])
		}
	}
	var out []BodyMembers
	for _, n := range snap.Nodes {
		if n.Kind == "body" {
			ms := members[n.ID]
			slices.SortFunc(ms, byName)
			out = append(out, BodyMembers{Body: n, Members: ms})
		}
	}
	slices.SortFunc(out, func(a, b BodyMembers) int { return byName(a.Body, b.Body) })
	return out
}

// degrees counts the relations of every organization, most first.
func (snap *Snapshot) degrees(byID map[string]*Node) []Degree {
	deg := map[string]*Degree{}
	neighbors := map[string]map[string]bool{}
	for _, n := range snap.Nodes {
		if n.Kind == "organization" {
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
func byName(a, b *Node) int {
	return cmp.Or(cmp.Compare(Fold(a.Name), Fold(b.Name)), cmp.Compare(a.ID, b.ID))
}

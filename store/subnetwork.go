package store

import (
	"context"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// OfKinds is the part of the snapshot made of relations of some kinds: those
// relations and the nodes at their ends, in the snapshot's order. No kinds
// is the whole snapshot (isolated nodes included), as the API reads it.
func (snap *Snapshot) OfKinds(kinds []domain.RelKind) *Snapshot {
	if len(kinds) == 0 {
		return snap
	}
	sub := &Snapshot{AsOf: snap.AsOf, Nodes: []*domain.Node{}, Relations: []*domain.Relation{}}
	ends := map[string]bool{}
	for _, r := range snap.Relations {
		if slices.Contains(kinds, r.Kind) {
			sub.Relations = append(sub.Relations, r)
			ends[r.From], ends[r.To] = true, true
		}
	}
	for _, n := range snap.Nodes {
		if ends[n.ID] {
			sub.Nodes = append(sub.Nodes, n)
		}
	}
	return sub
}

// Centroids returns the centroid of every node of ids that has a stored
// geometry (a territory's outline, a facility's point), in one read.
func (s *Store) Centroids(ctx context.Context, ids []string) (map[string]Point, error) {
	out := map[string]Point{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		for _, id := range ids {
			err := withGeometry(txn, id, func(g *Geometry) error {
				out[id] = g.Centroid
				return nil
			})
			if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Degrees counts the relations of kinds (all when empty) of every
// organization of the snapshot, most first, as Stats does for all kinds.
func (snap *Snapshot) Degrees(kinds []domain.RelKind) []Degree {
	sub := &Snapshot{AsOf: snap.AsOf, Nodes: snap.Nodes, Relations: snap.Relations}
	if len(kinds) > 0 {
		sub.Relations = nil
		for _, r := range snap.Relations {
			if slices.Contains(kinds, r.Kind) {
				sub.Relations = append(sub.Relations, r)
			}
		}
	}
	return sub.degrees(nil)
}

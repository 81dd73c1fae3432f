package model

import (
	"slices"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// Stats are counts of the network at a date, computed once per request from
// one snapshot.
type Stats struct {
	S         *store.Stats
	Snap      *store.Snapshot
	Nodes     int
	Relations int
}

// NewStats counts a snapshot.
func NewStats(snap *store.Snapshot) *Stats {
	return &Stats{S: snap.Stats(), Snap: snap, Nodes: len(snap.Nodes), Relations: len(snap.Relations)}
}

// AsOf is the date counted, nil for all time.
func (s *Stats) AsOf() *domain.Date { return datePtr(s.S.AsOf) }

// NodeCount is the number of nodes.
func (s *Stats) NodeCount() int { return s.Nodes }

// RelationCount is the number of relations.
func (s *Stats) RelationCount() int { return s.Relations }

// NodesByKind counts nodes by kind.
func (s *Stats) NodesByKind() []*NodeKindCount {
	out := make([]*NodeKindCount, len(s.S.NodesByKind))
	for i, c := range s.S.NodesByKind {
		out[i] = &NodeKindCount{Kind: enumOf[NodeKind](string(c.Kind)), Count: c.Count}
	}
	return out
}

// RelationsByKind counts relations by kind.
func (s *Stats) RelationsByKind() []*RelationKindCount {
	out := make([]*RelationKindCount, len(s.S.RelationsByKind))
	for i, c := range s.S.RelationsByKind {
		out[i] = &RelationKindCount{Kind: enumOf[RelationKind](string(c.Kind)), Count: c.Count}
	}
	return out
}

// BodyMembers lists every body with its members.
func (s *Stats) BodyMembers() []*BodyMemberCount {
	out := make([]*BodyMemberCount, len(s.S.BodyMembers))
	for i, b := range s.S.BodyMembers {
		members := make([]*Organization, 0, len(b.Members))
		for _, m := range b.Members {
			if o, ok := As[*Organization](m); ok {
				members = append(members, o)
			}
		}
		body, _ := As[*Body](b.Body)
		out[i] = &BodyMemberCount{Body: body, Count: len(members), Members: members}
	}
	return out
}

// OrganizationDegrees lists the first organizations by degree, of some
// categories, counting relations of some kinds (all when empty). Returns
// BAD_USER_INPUT for a bad first.
func (s *Stats) OrganizationDegrees(first *int, categories []OrganizationCategory, kinds []RelationKind) ([]*OrganizationDegree, error) {
	size, err := PageSize(first, nil)
	if err != nil {
		return nil, err
	}
	degrees := s.S.Degrees
	if len(kinds) > 0 {
		degrees = s.Snap.Degrees(StoreRelKinds(kinds))
	}
	out := []*OrganizationDegree{}
	for _, d := range degrees {
		if len(out) == size {
			break
		}
		if len(categories) > 0 && !slices.Contains(categories, enumOf[OrganizationCategory](d.Node.Field("category"))) {
			continue
		}
		o, _ := As[*Organization](d.Node)
		out = append(out, &OrganizationDegree{Organization: o, Degree: d.Total(), InDegree: d.In, OutDegree: d.Out, Neighbors: d.NeighborCount})
	}
	return out, nil
}

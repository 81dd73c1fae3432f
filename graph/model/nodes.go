package model

import (
	"context"
	"slices"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/loaders"
)

// Node is the GraphQL Node interface: every node type embeds base.
type Node interface {
	IsNode()
	StoreNode() *domain.Node
}

// base holds a store node and resolves the fields every node type shares.
type base struct{ N *domain.Node }

// IsNode marks the Node interface.
func (b base) IsNode() {}

// StoreNode returns the underlying store node.
func (b base) StoreNode() *domain.Node { return b.N }

// ID is the node id.
func (b base) ID() string { return b.N.ID }

// Kind is the node kind.
func (b base) Kind() NodeKind { return enumOf[NodeKind](string(b.N.Kind)) }

// Name is the node name.
func (b base) Name() string { return b.N.Name }

// Sources are the node's citations.
func (b base) Sources() []*Citation { return citations(b.N.Sources) }

// Description is the description field, shared by most kinds.
func (b base) Description() *string { return textPtr(b.N.Field("description")) }

// Relations resolves Node.relations (knownAt is read by the handler, which
// gives the field the reader of that version).
func (b base) Relations(ctx context.Context, direction *Direction, kinds []RelationKind, asOf *domain.Date, first *int, after *string, knownAt *time.Time) (*RelationConnection, error) {
	return RelationsOf(ctx, b.N.ID, direction, kinds, asOf, first, after)
}

// The node types. Each embeds base; their own fields are methods below.
type (
	Organization struct{ base }
	Territory    struct{ base }
	Facility     struct{ base }
	FacilityType struct{ base }
	Body         struct{ base }
	Agreement    struct{ base }
	Amendment    struct{ base }
	Article      struct{ base }
	Programme    struct{ base }
	Orientation  struct{ base }
	Theme        struct{ base }
	Objective    struct{ base }
	Event        struct{ base }
	Person       struct{ base }
	Source       struct{ base }
	Figure       struct{ base }
)

// wrappers make the GraphQL type of each node kind; a test checks that
// every kind of the registry has one, named as domain.KindInfo.GraphQLType.
var wrappers = map[domain.Kind]func(base) Node{
	domain.KindSource:       func(b base) Node { return &Source{b} },
	domain.KindOrganization: func(b base) Node { return &Organization{b} },
	domain.KindTerritory:    func(b base) Node { return &Territory{b} },
	domain.KindFacility:     func(b base) Node { return &Facility{b} },
	domain.KindFacilityType: func(b base) Node { return &FacilityType{b} },
	domain.KindBody:         func(b base) Node { return &Body{b} },
	domain.KindAgreement:    func(b base) Node { return &Agreement{b} },
	domain.KindAmendment:    func(b base) Node { return &Amendment{b} },
	domain.KindArticle:      func(b base) Node { return &Article{b} },
	domain.KindProgramme:    func(b base) Node { return &Programme{b} },
	domain.KindOrientation:  func(b base) Node { return &Orientation{b} },
	domain.KindTheme:        func(b base) Node { return &Theme{b} },
	domain.KindObjective:    func(b base) Node { return &Objective{b} },
	domain.KindEvent:        func(b base) Node { return &Event{b} },
	domain.KindPerson:       func(b base) Node { return &Person{b} },
	domain.KindFigure:       func(b base) Node { return &Figure{b} },
}

// Wrap returns the GraphQL type for a stored node; nil for nil or for a kind
// the registry does not know (the importer refuses those).
func Wrap(n *domain.Node) Node {
	if n == nil {
		return nil
	}
	if wrap, ok := wrappers[n.Kind]; ok {
		return wrap(base{n})
	}
	return nil
}

// As returns the node as type T, false when it is nil or of another kind.
func As[T Node](n *domain.Node) (T, bool) {
	w, ok := Wrap(n).(T)
	return w, ok
}

// RelatedNodes returns the distinct nodes at the other end of id's relations
// of a kind in a direction, in force at asOf (any time when nil), in relation order.
func RelatedNodes(ctx context.Context, id string, dir domain.Direction, kind domain.RelKind, asOf *domain.Date) ([]*domain.Node, error) {
	l := loaders.For(ctx)
	rels, err := l.Relations(ctx, id, dir, kind)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range rels {
		if other := otherEnd(r, dir); (asOf == nil || r.InForce(*asOf)) && !slices.Contains(ids, other) {
			ids = append(ids, other)
		}
	}
	nodes, err := l.Nodes(ctx, ids)
	return slices.DeleteFunc(nodes, func(n *domain.Node) bool { return n == nil }), err
}

// related is RelatedNodes as type T, leaving out nodes of other kinds.
func related[T Node](ctx context.Context, id string, dir domain.Direction, kind domain.RelKind, asOf *domain.Date) ([]T, error) {
	nodes, err := RelatedNodes(ctx, id, dir, kind, asOf)
	out := []T{}
	for _, n := range nodes {
		if t, ok := As[T](n); ok {
			out = append(out, t)
		}
	}
	return out, err
}

// relatedOne is related for a field that holds at most one node: the one in
// force at asOf (today when nil, falling back to any), the latest to start.
func relatedOne[T Node](ctx context.Context, id string, dir domain.Direction, kind domain.RelKind, asOf *domain.Date) (T, error) {
	var best T
	l := loaders.For(ctx)
	rels, err := l.Relations(ctx, id, dir, kind)
	if err != nil {
		return best, err
	}
	ends := make([]string, len(rels))
	for i, r := range rels {
		ends[i] = otherEnd(r, dir)
	}
	nodes, err := l.Nodes(ctx, ends)
	if err != nil {
		return best, err
	}
	at := domain.Today()
	if asOf != nil {
		at = *asOf
	}
	var bestRel *domain.Relation
	for i, r := range rels {
		t, ok := As[T](nodes[i])
		if !ok || asOf != nil && !r.InForce(at) {
			continue
		}
		if bestRel == nil || preferred(r, bestRel, at) {
			best, bestRel = t, r
		}
	}
	return best, nil
}

// preferred reports whether a is a better answer than b for a single-valued
// field at a date: in force beats not in force, then the later start wins.
func preferred(a, b *domain.Relation, at domain.Date) bool {
	if inA, inB := a.InForce(at), b.InForce(at); inA != inB {
		return inA
	}
	return a.ValidFrom.First().After(b.ValidFrom.First())
}

// relationsOf returns n's relations of a kind in a direction, as models.
func relationsOf(ctx context.Context, id string, dir domain.Direction, kind domain.RelKind) ([]*Relation, error) {
	rels, err := loaders.For(ctx).Relations(ctx, id, dir, kind)
	if err != nil {
		return nil, err
	}
	return NewRelations(ctx, rels)
}

func otherEnd(r *domain.Relation, dir domain.Direction) string {
	if dir == domain.In {
		return r.From
	}
	return r.To
}

func nodesByID(ctx context.Context, ids []string) ([]*domain.Node, error) {
	return loaders.For(ctx).Nodes(ctx, ids)
}

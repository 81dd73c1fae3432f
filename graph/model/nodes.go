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
// Every node type is a struct{ base }, so one view converts to any of them.
var wrappers = map[domain.Kind]func(*view) Node{
	domain.KindSource:       func(v *view) Node { return (*Source)(v) },
	domain.KindOrganization: func(v *view) Node { return (*Organization)(v) },
	domain.KindTerritory:    func(v *view) Node { return (*Territory)(v) },
	domain.KindFacility:     func(v *view) Node { return (*Facility)(v) },
	domain.KindFacilityType: func(v *view) Node { return (*FacilityType)(v) },
	domain.KindBody:         func(v *view) Node { return (*Body)(v) },
	domain.KindAgreement:    func(v *view) Node { return (*Agreement)(v) },
	domain.KindAmendment:    func(v *view) Node { return (*Amendment)(v) },
	domain.KindArticle:      func(v *view) Node { return (*Article)(v) },
	domain.KindProgramme:    func(v *view) Node { return (*Programme)(v) },
	domain.KindOrientation:  func(v *view) Node { return (*Orientation)(v) },
	domain.KindTheme:        func(v *view) Node { return (*Theme)(v) },
	domain.KindObjective:    func(v *view) Node { return (*Objective)(v) },
	domain.KindEvent:        func(v *view) Node { return (*Event)(v) },
	domain.KindPerson:       func(v *view) Node { return (*Person)(v) },
	domain.KindFigure:       func(v *view) Node { return (*Figure)(v) },
}

// view is the layout of every node type, which wrappers convert.
type view struct{ base }

// Wrap returns the GraphQL type for a stored node; nil for nil or for a kind
// the registry does not know (the importer refuses those).
func Wrap(n *domain.Node) Node {
	if n == nil {
		return nil
	}
	return wrapIn(new(view), n)
}

// WrapAll is Wrap of each node, the models made in one allocation.
func WrapAll(nodes []*domain.Node) []Node {
	out := make([]Node, len(nodes))
	views := make([]view, len(nodes))
	for i, n := range nodes {
		out[i] = wrapIn(&views[i], n)
	}
	return out
}

// wrapIn is Wrap with the model made in v, which callers allocate for
// many nodes at once (WrapAll, NewRelations).
func wrapIn(v *view, n *domain.Node) Node {
	if n == nil {
		return nil
	}
	wrap, ok := wrappers[n.Kind]
	if !ok {
		return nil
	}
	*v = view{base{n}}
	return wrap(v)
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

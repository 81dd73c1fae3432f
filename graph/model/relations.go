package model

import (
	"context"
	"fmt"
	"slices"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/loaders"
	"github.com/cccs13/cccs-graph/store"
)

// Citation is a reference to a source document.
type Citation struct{ C domain.Citation }

func citations(cs []domain.Citation) []*Citation {
	out := make([]*Citation, len(cs))
	for i, c := range cs {
		out[i] = &Citation{c}
	}
	return out
}

// Source resolves the cited document.
func (c *Citation) Source(ctx context.Context) (*Source, error) {
	n, err := loaders.For(ctx).Node(ctx, c.C.Source)
	if err != nil {
		return nil, err
	}
	src, ok := As[*Source](n)
	if !ok { // the importer refuses such citations: a fault of the store
		return nil, fmt.Errorf("citation of %q, which is no source node", c.C.Source)
	}
	return src, nil
}

// Excerpt is the quotation.
func (c *Citation) Excerpt() *string { return textPtr(c.C.Excerpt) }

// Relation is a typed, directed relation, with its two end nodes read when
// it was made (NewRelations): From and To then take no context, so gqlgen
// resolves them in line instead of starting a goroutine for each.
type Relation struct {
	R        *domain.Relation
	from, to Node // nil when not read
}

// NewRelations makes the models of rels with their ends, read through the
// operation's loaders in one batch (usually cached already: relation
// batches bring their ends, walks prime their nodes).
func NewRelations(ctx context.Context, rels []*domain.Relation) ([]*Relation, error) {
	ids := make([]string, 0, 2*len(rels))
	for _, r := range rels {
		ids = append(ids, r.From, r.To)
	}
	nodes, err := loaders.For(ctx).Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	ends := make([]view, len(nodes)) // one allocation for all the ends, one for the relations
	models := make([]Relation, len(rels))
	out := make([]*Relation, len(rels))
	for i, r := range rels {
		models[i] = Relation{R: r, from: wrapIn(&ends[2*i], nodes[2*i]), to: wrapIn(&ends[2*i+1], nodes[2*i+1])}
		out[i] = &models[i]
	}
	return out, nil
}

// Kind is the relation kind.
func (r *Relation) Kind() RelationKind { return enumOf[RelationKind](string(r.R.Kind)) }

// From is the start node.
func (r *Relation) From() (Node, error) { return end(r.from, r.R.From) }

// To is the end node.
func (r *Relation) To() (Node, error) { return end(r.to, r.R.To) }

// end is a relation's end read with it; the importer refuses relations to
// unknown nodes, so none is a fault of the store.
func end(n Node, id string) (Node, error) {
	if n == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "no node with id %q", id)
	}
	return n, nil
}

// ValidFrom is the start of validity.
func (r *Relation) ValidFrom() *domain.Date { return datePtr(r.R.ValidFrom) }

// ValidTo is the end of validity.
func (r *Relation) ValidTo() *domain.Date { return datePtr(r.R.ValidTo) }

// Role is the role or title.
func (r *Relation) Role() *string { return textPtr(r.R.Role) }

// Note explains the relation.
func (r *Relation) Note() *string { return textPtr(r.R.Note) }

// Sources are the relation's citations.
func (r *Relation) Sources() []*Citation { return citations(r.R.Sources) }

// OnBehalfOf resolves the organization a person acted for.
func (r *Relation) OnBehalfOf(ctx context.Context) (*Organization, error) {
	if r.R.OnBehalfOf == "" {
		return nil, nil
	}
	n, err := loaders.For(ctx).Node(ctx, r.R.OnBehalfOf)
	o, _ := As[*Organization](n)
	return o, err
}

// inForce keeps the relations in force at asOf; all of them when asOf is nil.
func inForce(rels []*Relation, asOf *domain.Date) []*Relation {
	if asOf == nil {
		return rels
	}
	return slices.DeleteFunc(rels, func(r *Relation) bool { return !r.R.InForce(*asOf) })
}

func nodeByID(ctx context.Context, id string) (Node, error) {
	n, err := loaders.For(ctx).Node(ctx, id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "no node with id %q", id)
	}
	return Wrap(n), nil
}

// RelationsOf resolves a relations(direction, kinds, asOf, first, after)
// field: a page of the store's relation order (a seek and k reads, counted
// only when totalCount is asked), or, in a view of the past from before
// that order was built, the node's relations sorted by cursor.
func RelationsOf(ctx context.Context, id string, direction *Direction, kinds []RelationKind, asOf *domain.Date, first *int, after *string) (*RelationConnection, error) {
	q, err := RelationPageQuery(ctx, id, direction, kinds, asOf, first, after)
	if err != nil {
		return nil, err
	}
	page, covered, err := loaders.For(ctx).RelationPage(ctx, q)
	if err != nil {
		return nil, err
	}
	if !covered {
		if page, err = sortedRelations(ctx, q, kinds, asOf); err != nil {
			return nil, err
		}
	}
	models, err := NewRelations(ctx, page.Items)
	if err != nil {
		return nil, err
	}
	c := &struct { // the connection and its PageInfo in one allocation
		conn RelationConnection
		info PageInfo
	}{info: PageInfo{HasPreviousPage: page.HasPrev, HasNextPage: page.HasNext, cursors: page.Cursors}}
	c.conn = RelationConnection{TotalCount: page.Total, PageInfo: &c.info, Edges: NewEdges(models, page.Cursors), Nodes: models}
	return &c.conn, nil
}

// RelationPageQuery is the store query of a relations field: RelationsOf
// reads it, and the planner reads a list's in one batch before (through
// loaders.PrimeRelationPages).
func RelationPageQuery(ctx context.Context, id string, direction *Direction, kinds []RelationKind, asOf *domain.Date, first *int, after *string) (store.RelPageQuery, error) {
	args, err := PageArgs(first, after, nil, nil)
	if err != nil {
		return store.RelPageQuery{}, err
	}
	args.Order = "relations"
	if err := args.Check(); err != nil {
		return store.RelPageQuery{}, err
	}
	q := store.RelPageQuery{ID: id, Dir: domain.Both, Args: args, Count: Selected(ctx, "totalCount")}
	if direction != nil && *direction == DirectionOut {
		q.Dir = domain.Out
	} else if direction != nil && *direction == DirectionIn {
		q.Dir = domain.In
	}
	for _, k := range kinds {
		q.Kinds = append(q.Kinds, StoreRelKind(k))
	}
	if asOf != nil {
		q.AsOf = *asOf
	}
	return q, nil
}

// sortedRelations cuts the page q asks for from the node's relations read
// whole and sorted by cursor.
func sortedRelations(ctx context.Context, q store.RelPageQuery, kinds []RelationKind, asOf *domain.Date) (store.Page[*domain.Relation], error) {
	var all []*domain.Relation
	for _, dir := range []domain.Direction{domain.Out, domain.In} {
		if q.Dir != domain.Both && q.Dir != dir {
			continue
		}
		rels, err := loaders.For(ctx).Relations(ctx, q.ID, dir, "")
		if err != nil {
			return store.Page[*domain.Relation]{}, err
		}
		for _, r := range rels {
			if (len(kinds) == 0 || slices.Contains(kinds, enumOf[RelationKind](string(r.Kind)))) && (asOf == nil || r.InForce(*asOf)) {
				all = append(all, r)
			}
		}
	}
	cursors := make(map[*domain.Relation]store.Cursor, len(all)) // each built once, not per comparison
	for _, r := range all {
		cursors[r] = store.RelationCursor(q.ID, r)
	}
	key := func(r *domain.Relation) store.Cursor { return cursors[r] }
	slices.SortFunc(all, func(a, b *domain.Relation) int { return key(a).Compare(key(b)) })
	return store.Paginate(all, key, false, q.Args)
}

// ID is the relation's stable id, the one the exports use.
func (r *Relation) ID() string { return domain.RelationID(r.R) }

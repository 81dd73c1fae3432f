package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/loaders"
	"github.com/cccs13/cccs-graph/store"
)

// page is one page of nodes, ready to become a connection.
type page struct {
	store.Page[*store.Node]
	Info *model.PageInfo
}

// pageArgs checks Relay arguments. Returns BAD_USER_INPUT for bad sizes.
func pageArgs(first *int, after *string, last *int, before *string) (store.PageArgs, error) {
	size, err := model.PageSize(first, last)
	if err != nil {
		return store.PageArgs{}, err
	}
	args := store.PageArgs{After: after, Before: before}
	if last != nil {
		args.Last = &size
	} else {
		args.First = &size
	}
	return args, nil
}

// orderTag names an ordering inside its cursors.
func orderTag(order *model.NodeOrder) string {
	if order == nil {
		return string(model.NodeOrderFieldName) + " " + string(model.OrderDirectionAsc)
	}
	return string(order.Field) + " " + string(order.Direction)
}

// sortKey returns how nodes are keyed for an order.
func sortKey(order *model.NodeOrder) (func(*store.Node) store.Cursor, bool) {
	field, desc := model.NodeOrderFieldName, false
	if order != nil {
		field, desc = order.Field, order.Direction == model.OrderDirectionDesc
	}
	switch field {
	case model.NodeOrderFieldID:
		return func(n *store.Node) store.Cursor { return store.Cursor{ID: n.ID} }, desc
	case model.NodeOrderFieldDate:
		return func(n *store.Node) store.Cursor {
			d := model.SortDate(n)
			if d == "" && !desc {
				d = "~" // undated nodes come last, whichever the direction
			}
			return store.Cursor{Key: d, ID: n.ID}
		}, desc
	}
	return func(n *store.Node) store.Cursor { return store.Cursor{Key: store.Fold(n.Name), ID: n.ID} }, desc
}

// paginate orders nodes and cuts a page, and reads the page's relations
// ahead in one store read (see loaders.Prime).
func paginate(ctx context.Context, nodes []*store.Node, order *model.NodeOrder, args store.PageArgs) (*page, error) {
	keyOf, desc := sortKey(order)
	keys := make(map[*store.Node]store.Cursor, len(nodes)) // each key computed once
	for _, n := range nodes {
		keys[n] = keyOf(n)
	}
	key := func(n *store.Node) store.Cursor { return keys[n] }
	slices.SortFunc(nodes, func(a, b *store.Node) int {
		c := key(a).Compare(key(b))
		if desc {
			return -c
		}
		return c
	})
	args.Order = orderTag(order)
	p, err := store.Paginate(nodes, key, desc, args)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(p.Items))
	for i, n := range p.Items {
		ids[i] = n.ID
	}
	if err := loaders.For(ctx).Prime(ids); err != nil {
		return nil, err
	}
	return &page{Page: p, Info: model.PageInfoOf(p.Cursors, p.HasPrev, p.HasNext)}, nil
}

// list reads a collection: every node of a kind that keep accepts, ordered and paginated.
func (r *Resolver) list(ctx context.Context, kind store.Kind, keep func(*store.Node) bool, order *model.NodeOrder, args store.PageArgs) (*page, error) {
	all, err := r.Store.NodesOfKind(kind)
	if err != nil {
		return nil, err
	}
	args.List = string(kind)
	return paginate(ctx, slices.DeleteFunc(all, func(n *store.Node) bool { return !keep(n) }), order, args)
}

// fill converts a page into a connection's nodes and edges.
func fill[T model.Node, E any](p *page, edge func(cursor string, node T) E) ([]T, []E) {
	nodes, edges := make([]T, 0, len(p.Items)), make([]E, 0, len(p.Items))
	for i, n := range p.Items {
		t, _ := model.As[T](n)
		nodes = append(nodes, t)
		edges = append(edges, edge(p.Cursors[i].String(), t))
	}
	return nodes, edges
}

// filter is a conjunction of node predicates.
type predicates []func(*store.Node) bool

func (f predicates) keep(n *store.Node) bool {
	for _, p := range f {
		if !p(n) {
			return false
		}
	}
	return true
}

// common adds the NodeFilter fields (ids, nameContains).
func (f predicates) common(ids []string, nameContains *string) predicates {
	if ids != nil {
		set := setOf(ids)
		f = append(f, func(n *store.Node) bool { return set[n.ID] })
	}
	if nameContains != nil {
		q := store.Fold(*nameContains)
		f = append(f, func(n *store.Node) bool { return nameMatches(n, q) })
	}
	return f
}

// dated adds the DatedFilter fields (from, to) on the node's main date.
func (f predicates) dated(from, to *store.Date) predicates {
	if from == nil && to == nil {
		return f
	}
	return append(f, func(n *store.Node) bool {
		d := model.SortDate(n)
		if d == "" {
			return false
		}
		day := d[:10]
		return (from == nil || day >= from.First().Format("2006-01-02")) && (to == nil || day <= to.Last().Format("2006-01-02"))
	})
}

// field keeps nodes whose field is one of values (store names).
func (f predicates) field(name string, values []string) predicates {
	if values == nil {
		return f
	}
	set := setOf(values)
	return append(f, func(n *store.Node) bool { return set[n.Field(name)] })
}

// setOf returns the set of the values.
func setOf(values []string) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	return set
}

func nameMatches(n *store.Node, folded string) bool {
	if strings.Contains(store.Fold(n.Name), folded) || strings.Contains(store.Fold(n.ShortName), folded) {
		return true
	}
	return slices.ContainsFunc(n.Aliases, func(a string) bool { return strings.Contains(store.Fold(a), folded) })
}

func storeNames[T ~string](vs []T) []string {
	if vs == nil {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = model.StoreName(v)
	}
	return out
}

// signatories pages the organizations that are signatories of an agreement at
// asOf (today when nil), by name.
func signatories(ctx context.Context, agreementID string, asOf *store.Date, first *int, after *string) (*model.OrganizationConnection, error) {
	args, err := pageArgs(first, after, nil, nil)
	if err != nil {
		return nil, err
	}
	at := store.Today()
	if asOf != nil {
		at = *asOf
	}
	nodes, err := model.RelatedNodes(ctx, agreementID, store.In, "signatory", &at)
	if err != nil {
		return nil, err
	}
	p, err := paginate(ctx, nodes, nil, args)
	if err != nil {
		return nil, err
	}
	return organizationConnection(p), nil
}

func organizationConnection(p *page) *model.OrganizationConnection {
	c := &model.OrganizationConnection{TotalCount: p.Total, PageInfo: p.Info}
	c.Nodes, c.Edges = fill(p, func(cur string, n *model.Organization) *model.OrganizationEdge {
		return &model.OrganizationEdge{Cursor: cur, Node: n}
	})
	return c
}

func territoryConnection(p *page) *model.TerritoryConnection {
	c := &model.TerritoryConnection{TotalCount: p.Total, PageInfo: p.Info}
	c.Nodes, c.Edges = fill(p, func(cur string, n *model.Territory) *model.TerritoryEdge {
		return &model.TerritoryEdge{Cursor: cur, Node: n}
	})
	return c
}

func facilityConnection(p *page) *model.FacilityConnection {
	c := &model.FacilityConnection{TotalCount: p.Total, PageInfo: p.Info}
	c.Nodes, c.Edges = fill(p, func(cur string, n *model.Facility) *model.FacilityEdge {
		return &model.FacilityEdge{Cursor: cur, Node: n}
	})
	return c
}

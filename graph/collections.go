package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

// page is one page of nodes, ready to become a connection.
type page struct {
	store.Page[*domain.Node]
	Info *model.PageInfo
}

// orderTag names an ordering inside its cursors.
func orderTag(order *model.NodeOrder) string {
	if order == nil {
		return string(model.NodeOrderFieldName) + " " + string(model.OrderDirectionAsc)
	}
	return string(order.Field) + " " + string(order.Direction)
}

// sortKey returns how nodes are keyed for an order (store.SortCursor).
func sortKey(order *model.NodeOrder) (func(*domain.Node) store.Cursor, bool) {
	o, desc := storeOrder(order)
	return store.SortCursor(o, desc), desc
}

// storeOrder is the store's name of an order, and its direction.
func storeOrder(order *model.NodeOrder) (store.Order, bool) {
	if order == nil {
		return store.ByName, false
	}
	desc := order.Direction == model.OrderDirectionDesc
	switch order.Field {
	case model.NodeOrderFieldID:
		return store.ByID, desc
	case model.NodeOrderFieldDate:
		return store.ByDate, desc
	}
	return store.ByName, desc
}

// paginate orders nodes and cuts a page (see cut).
func paginate(ctx context.Context, nodes []*domain.Node, order *model.NodeOrder, args store.PageArgs) (*page, error) {
	l := sortNodes(nodes, order)
	return cut(ctx, l.nodes, l, order, args)
}

// cut cuts a page out of nodes sorted as l sorts them. What the page's
// fields read next is read ahead by the planner (prefetch.go) or batched by
// the loaders, not here: a read-ahead of every node's relations cost a
// quarter of a page of 50 that reads its relations as pages.
func cut(ctx context.Context, nodes []*domain.Node, l *orderedList, order *model.NodeOrder, args store.PageArgs) (*page, error) {
	args.Order = orderTag(order)
	p, info, err := model.Cut(nodes, l.key, l.desc, args)
	if err != nil {
		return nil, err
	}
	return &page{Page: p, Info: info}, nil
}

// list reads a collection: the nodes of a kind that f accepts, ordered and
// paginated. With no filter the page is read from the store's ordered
// index (a seek and k reads), counted only when totalCount is asked; a
// filter is a predicate on the node, which no index serves: its pages are
// cut from the lists kept sorted per data version (ordered.go), as are the
// pages of a view of the past from before the indexes were built.
func (r *Resolver) list(ctx context.Context, kind domain.Kind, f predicates, order *model.NodeOrder, args store.PageArgs) (*page, error) {
	args.List = string(kind)
	if len(f) == 0 {
		o, desc := storeOrder(order)
		args.Order = orderTag(order)
		p, covered, err := r.reader(ctx).OrderedPage(ctx, store.PageQuery{Kind: kind, Order: o, Desc: desc, Args: args, Count: model.Selected(ctx, "totalCount")})
		if err != nil {
			return nil, err
		}
		if covered {
			return &page{Page: p, Info: model.InfoOf(p)}, nil
		}
	}
	l, err := r.ordered.list(ctx, r.reader(ctx), kind, order)
	if err != nil {
		return nil, err
	}
	return cut(ctx, l.kept(f), l, order, args)
}

// connection is the one builder of the connections of node collections:
// the page's nodes as type T, with their cursors.
func connection[T model.Node](p *page) *model.Connection[T] {
	nodes := make([]T, len(p.Items))
	for i, n := range model.WrapAll(p.Items) {
		nodes[i], _ = n.(T)
	}
	return &model.Connection[T]{TotalCount: p.Total, PageInfo: p.Info, Nodes: nodes, Edges: model.NewEdges(nodes, p.Cursors)}
}

// connect is connection for the results of a page read.
func connect[T model.Node](p *page, err error) (*model.Connection[T], error) {
	if err != nil {
		return nil, err
	}
	return connection[T](p), nil
}

// filter is a conjunction of node predicates.
type predicates []func(*domain.Node) bool

func (f predicates) keep(n *domain.Node) bool {
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
		f = append(f, func(n *domain.Node) bool { return set[n.ID] })
	}
	if nameContains != nil {
		q := store.Fold(*nameContains)
		f = append(f, func(n *domain.Node) bool { return nameMatches(n, q) })
	}
	return f
}

// dated adds the DatedFilter fields (from, to) on the node's main date.
func (f predicates) dated(from, to *domain.Date) predicates {
	if from == nil && to == nil {
		return f
	}
	return append(f, func(n *domain.Node) bool {
		d := n.SortDate()
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
	return append(f, func(n *domain.Node) bool { return set[n.Field(name)] })
}

// setOf returns the set of the values.
func setOf(values []string) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	return set
}

func nameMatches(n *domain.Node, folded string) bool {
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
func signatories(ctx context.Context, agreementID string, asOf *domain.Date, first *int, after *string) (*model.OrganizationConnection, error) {
	at := domain.Today()
	if asOf != nil {
		at = *asOf
	}
	return relatedConnection[*model.Organization](ctx, agreementID, domain.In, domain.RelSignatory, &at, nil, first, after)
}

// relatedConnection pages, by name, the nodes of type T at the other end of
// id's relations of a kind in a direction, in force at asOf (any time when
// nil), that keep accepts (every one when nil).
func relatedConnection[T model.Node](ctx context.Context, id string, dir domain.Direction, kind domain.RelKind, asOf *domain.Date, keep func(*domain.Node) bool, first *int, after *string) (*model.Connection[T], error) {
	args, err := model.PageArgs(first, after, nil, nil)
	if err != nil {
		return nil, err
	}
	nodes, err := model.RelatedNodes(ctx, id, dir, kind, asOf)
	if err != nil {
		return nil, err
	}
	nodes = slices.DeleteFunc(nodes, func(n *domain.Node) bool {
		_, ok := model.As[T](n)
		return !ok || keep != nil && !keep(n)
	})
	return connect[T](paginate(ctx, nodes, nil, args))
}

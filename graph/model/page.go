package model

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// The one way a list becomes a page: PageArgs checks the Relay arguments,
// Cut orders nothing (the caller has sorted) and cuts the page with its
// cursors and PageInfo. Every connection of the schema goes through it.

// PageArgs checks Relay arguments. Returns BAD_USER_INPUT for bad sizes.
func PageArgs(first *int, after *string, last *int, before *string) (store.PageArgs, error) {
	size, err := PageSize(first, last)
	if err != nil {
		return store.PageArgs{}, err
	}
	args := store.PageArgs{After: after, Before: before}
	switch { // the caller's size when it gave one (every element of a list shares it), else a new one
	case last != nil:
		args.Last = last
	case first != nil:
		args.First = first
	default:
		n := size
		args.First = &n
	}
	return args, nil
}

// Cut cuts the page args asks for out of items, sorted by cursor (descending
// when desc), and returns it with its PageInfo. Returns BAD_USER_INPUT for a
// cursor of another order.
func Cut[T any](items []T, cursor func(T) store.Cursor, desc bool, args store.PageArgs) (store.Page[T], *PageInfo, error) {
	p, err := store.Paginate(items, cursor, desc, args)
	if err != nil {
		return p, nil, err
	}
	return p, pageInfoOf(p.Cursors, p.HasPrev, p.HasNext), nil
}

// InfoOf is the PageInfo of a page cut elsewhere (store.OrderedPage,
// store.SearchPage).
func InfoOf[T any](p store.Page[T]) *PageInfo { return pageInfoOf(p.Cursors, p.HasPrev, p.HasNext) }

// Selected reports whether the field being resolved selects a field of
// that name (in any fragment), true when it cannot tell: a resolver called
// outside a GraphQL operation computes everything.
func Selected(ctx context.Context, name string) bool {
	if !graphql.HasOperationContext(ctx) {
		return true
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return true
	}
	if s, ok := ctx.Value(selectionKey{}).(*selection); ok && s.fc == fc {
		return slices.Contains(s.names, name)
	}
	return graphql.FieldRequested(ctx, name)
}

// selection is what a field selects, given by its caller (WithSelected).
type selection struct {
	fc    *graphql.FieldContext
	names []string
}

type selectionKey struct{}

// WithSelected tells Selected, for the field fc, the names of the fields it
// selects: those of gqlgen's CollectFields over its selection set, with no
// type (graphql.FieldRequested's). The planner knows them from its plan and
// resolves every element of a list under one field context: Selected then
// collects nothing per element.
func WithSelected(ctx context.Context, fc *graphql.FieldContext, names []string) context.Context {
	return context.WithValue(ctx, selectionKey{}, &selection{fc: fc, names: names})
}

// Page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 500
)

// PageSize checks first and last and returns the page size. Returns
// BAD_USER_INPUT for negative or too large values, or both given.
func PageSize(first, last *int) (int, error) {
	if first != nil && last != nil {
		return 0, domain.Errorf(domain.EBADINPUT, "give first or last, not both")
	}
	n := first
	if n == nil {
		n = last
	}
	if n == nil {
		return DefaultPageSize, nil
	}
	if *n < 0 || *n > MaxPageSize {
		return 0, domain.Errorf(domain.EBADINPUT, "first and last take 0 to %d, not %d", MaxPageSize, *n)
	}
	return *n, nil
}

// PageInfo is the page information of a page; its cursors are written
// when asked.
type PageInfo struct {
	// Whether items follow this page.
	HasNextPage bool `json:"hasNextPage"`
	// Whether items precede this page.
	HasPreviousPage bool           `json:"hasPreviousPage"`
	cursors         []store.Cursor // the page's
}

// StartCursor is the cursor of the first item of the page, nil for none.
func (pi *PageInfo) StartCursor() *string { return pi.cursor(0) }

// EndCursor is the cursor of the last item of the page, nil for none.
func (pi *PageInfo) EndCursor() *string { return pi.cursor(len(pi.cursors) - 1) }

func (pi *PageInfo) cursor(i int) *string {
	if len(pi.cursors) == 0 {
		return nil
	}
	s := pi.cursors[i].String()
	return &s
}

// pageInfoOf is the page information of a page cut by store.Paginate.
func pageInfoOf(cursors []store.Cursor, hasPrev, hasNext bool) *PageInfo {
	return &PageInfo{HasPreviousPage: hasPrev, HasNextPage: hasNext, cursors: cursors}
}

package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

// orderedKinds keeps each collection sorted in each order it was asked in,
// for one data version, for the pages no ordered index of the store serves
// (filtered ones, and views of the past from before the indexes were
// built): such a page cuts a sorted list instead of reading, folding and
// sorting every node of its kind. A write bumps the data version, and the
// next such read sorts again. Bounded: at most one list per kind and order.
type orderedKinds struct {
	mu      sync.Mutex
	version uint64
	lists   map[orderedKey]*orderedList
}

type orderedKey struct {
	kind  domain.Kind
	order string // orderTag
}

// orderedList is a kind's nodes in one order, with their sort keys. Shared by
// concurrent requests: never modified once built.
type orderedList struct {
	nodes []*domain.Node
	keys  map[*domain.Node]store.Cursor
	desc  bool
}

func (l *orderedList) key(n *domain.Node) store.Cursor { return l.keys[n] }

// list returns the nodes of kind sorted by order, at the current data version.
func (o *orderedKinds) list(ctx context.Context, s Reader, kind domain.Kind, order *model.NodeOrder) (*orderedList, error) {
	v, err := s.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	k := orderedKey{kind, orderTag(order)}
	o.mu.Lock()
	if o.version != v || o.lists == nil {
		o.version, o.lists = v, map[orderedKey]*orderedList{}
	}
	l := o.lists[k]
	o.mu.Unlock()
	if l != nil {
		return l, nil
	}
	nodes, err := s.NodesOfKind(ctx, kind)
	if err != nil {
		return nil, err
	}
	l = sortNodes(nodes, order)
	o.mu.Lock()
	if o.version == v {
		o.lists[k] = l
	}
	o.mu.Unlock()
	return l, nil
}

// sortNodes orders nodes (the slice is the list's own) by the order's keys,
// each key computed once.
func sortNodes(nodes []*domain.Node, order *model.NodeOrder) *orderedList {
	keyOf, desc := sortKey(order)
	l := &orderedList{nodes: nodes, keys: make(map[*domain.Node]store.Cursor, len(nodes)), desc: desc}
	for _, n := range nodes {
		l.keys[n] = keyOf(n)
	}
	slices.SortFunc(nodes, func(a, b *domain.Node) int {
		c := l.key(a).Compare(l.key(b))
		if desc {
			return -c
		}
		return c
	})
	return l
}

// kept returns the list's nodes that keep accepts, in order (the list
// itself when there is no predicate: it is not modified).
func (l *orderedList) kept(f predicates) []*domain.Node {
	if len(f) == 0 {
		return l.nodes
	}
	out := make([]*domain.Node, 0, len(l.nodes)/4)
	for _, n := range l.nodes {
		if f.keep(n) {
			out = append(out, n)
		}
	}
	return out
}

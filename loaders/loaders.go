// Package loaders batches the related reads of one GraphQL operation: every
// node or relation list asked for while resolving one level of the answer is
// read from the store in one transaction.
package loaders

import (
	"context"
	"errors"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/cccs13/cccs-graph/store"
)

// RelKey asks for the relations of one node in one direction, of one kind or
// of all kinds (Kind ""), at any time (callers filter by date).
type RelKey struct {
	ID   string
	Dir  store.Direction
	Kind store.RelKind
}

// Loaders are created per operation, so nothing is cached across requests
// or across the operations of a long-lived connection.
type Loaders struct {
	nodes      *dataloadgen.Loader[string, *store.Node]
	relations  *dataloadgen.Loader[RelKey, []*store.Relation]
	geometries *dataloadgen.Loader[string, *store.Geometry]
}

// wait is how long a loader gathers keys before it reads: resolvers of one
// level run in parallel goroutines and ask within microseconds of each other.
const wait = 250 * time.Microsecond

// New returns loaders reading from s.
func New(s *store.Store) *Loaders {
	return &Loaders{
		nodes: byID(s.Nodes),
		relations: dataloadgen.NewMappedLoader(func(_ context.Context, keys []RelKey) (map[RelKey][]*store.Relation, error) {
			qs := make([]store.RelQuery, len(keys))
			for i, k := range keys {
				qs[i] = store.RelQuery{ID: k.ID, Dir: k.Dir}
				if k.Kind != "" {
					qs[i].Kinds = []store.RelKind{k.Kind}
				}
			}
			rels, err := s.Relations(qs)
			if err != nil {
				return nil, err
			}
			m := make(map[RelKey][]*store.Relation, len(keys))
			for i, k := range keys {
				m[k] = rels[i]
			}
			return m, nil
		}, dataloadgen.WithWait(wait)),
		geometries: byID(s.Geometries),
	}
}

// byID returns a loader over a batch read that answers in the order of the
// ids, with nil where an id has no value.
func byID[T any](read func(ids []string) ([]*T, error)) *dataloadgen.Loader[string, *T] {
	return dataloadgen.NewMappedLoader(func(_ context.Context, ids []string) (map[string]*T, error) {
		vs, err := read(ids)
		if err != nil {
			return nil, err
		}
		m := make(map[string]*T, len(ids))
		for i, v := range vs {
			if v != nil {
				m[ids[i]] = v
			}
		}
		return m, nil
	}, dataloadgen.WithWait(wait))
}

type ctxKey struct{}

// With returns a context carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of the operation in ctx. It panics when there are
// none: that is a wiring bug, caught by every test.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}

// Node returns the node with id, nil if there is none.
func (l *Loaders) Node(ctx context.Context, id string) (*store.Node, error) {
	n, err := l.nodes.Load(ctx, id)
	if isMissing(err) {
		return nil, nil
	}
	return n, err
}

// Nodes returns the nodes with these ids in order, nil where unknown.
func (l *Loaders) Nodes(ctx context.Context, ids []string) ([]*store.Node, error) {
	nodes, err := l.nodes.LoadAll(ctx, ids)
	var errs dataloadgen.ErrorSlice
	if errors.As(err, &errs) {
		for _, e := range errs {
			if e != nil && !isMissing(e) {
				return nil, e
			}
		}
		err = nil
	}
	return nodes, err
}

// isMissing reports whether a loader found no value for a key.
func isMissing(err error) bool { return errors.Is(err, dataloadgen.ErrNotFound) }

// Relations returns the relations matching k at any time.
func (l *Loaders) Relations(ctx context.Context, k RelKey) ([]*store.Relation, error) {
	rels, err := l.relations.Load(ctx, k)
	if isMissing(err) {
		return nil, nil
	}
	return rels, err
}

// Geometry returns the geometry of a territory, nil if it has none.
func (l *Loaders) Geometry(ctx context.Context, id string) (*store.Geometry, error) {
	g, err := l.geometries.Load(ctx, id)
	if isMissing(err) {
		return nil, nil
	}
	return g, err
}

package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cccs13/cccs-graph/loaders"
	"github.com/cccs13/cccs-graph/store"
)

// knownAt gives a field with a knownAt argument, and everything under it,
// loaders on the graph as it stood at that instant: the version published
// last by then (store.VersionAt). Resolvers read through reader(ctx).
func knownAt(s *store.Store) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Args == nil {
			return next(ctx)
		}
		t, ok := fc.Args["knownAt"].(*time.Time)
		if !ok || t == nil {
			return next(ctx)
		}
		v, err := s.VersionAt(*t)
		if err != nil {
			return nil, err
		}
		return next(loaders.With(ctx, loaders.New(s.At(v))))
	}
}

// reader is the store a read resolver reads: the operation's, or that of
// a knownAt above it. Writes go to r.Store.
func (r *Resolver) reader(ctx context.Context) *store.Store { return loaders.For(ctx).Store() }

package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/loaders"
)

type readerKey struct{}

// withReader gives ctx the reader of an operation, or of a knownAt field:
// its loaders, and the reader the resolvers and models read through.
func withReader(ctx context.Context, r Reader) context.Context {
	ctx = context.WithValue(ctx, readerKey{}, r)
	return model.WithRecorded(loaders.With(ctx, loaders.New(r)), r)
}

// reader is the reader a read resolver reads: the operation's, or that of a
// knownAt above it. Writes go to r.Writer.
func (r *Resolver) reader(ctx context.Context) Reader {
	if rd, ok := ctx.Value(readerKey{}).(Reader); ok {
		return rd
	}
	return r.Store
}

// knownAt gives a field with a knownAt argument, and everything under it,
// the graph as it stood at that instant: the version published last by
// then (Recorded.VersionAt), read through at. It is the @knownAt hook: the
// generated code calls it around those fields only (internal/generate/fieldhooks).
func knownAt(s Reader, at func(uint64) Reader) func(ctx context.Context, obj any, next graphql.Resolver) (any, error) {
	return func(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Args == nil || at == nil {
			return next(ctx)
		}
		t, ok := fc.Args["knownAt"].(*time.Time)
		if !ok || t == nil {
			return next(ctx)
		}
		v, err := s.VersionAt(ctx, *t)
		if err != nil {
			return nil, err
		}
		return next(withReader(ctx, at(v)))
	}
}

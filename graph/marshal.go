package graph

import (
	"context"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cccs13/cccs-graph/loaders"
)

// What the generated code calls instead of two of gqlgen's runtime functions
// (internal/generate/calls.go), with the same arguments and results.

// newDeferredGroup is graphql.NewDeferredGroup without the object's path
// when the operation has no @defer: the group then stays empty, and the path
// (built from the field contexts, for every object of the answer) would go
// unused. A "@defer" anywhere in the text, even in a string, takes gqlgen's
// way.
func newDeferredGroup(ctx context.Context, oc *graphql.OperationContext) graphql.DeferredGroup {
	if !strings.Contains(oc.RawQuery, "@defer") {
		return graphql.DeferredGroup{Context: ctx}
	}
	return graphql.NewDeferredGroup(ctx)
}

// marshalSlice is graphql.MarshalSliceConcurrently, but it marshals the
// elements in line, one after the other, while they find what they read in
// the loaders' caches (a page primes them: loaders.Prime). As soon as one
// element has waited for a batch, the elements after it are marshalled in a
// goroutine each, as gqlgen does, so that their reads wait together in one
// batch. Each element has its own field context (its index), whichever way.
func marshalSlice(ctx context.Context, n int, _ int64, omitPanicHandler bool, marshal func(context.Context, int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, n)
	l, ok := loaders.Of(ctx)
	i := 0
	for ; ok && i < n; i++ {
		fetches := l.Fetches()
		ret[i] = marshalElement(ctx, i, omitPanicHandler, marshal)
		if l.Fetches() != fetches {
			i++
			break
		}
	}
	var wg sync.WaitGroup
	for j := i; j < n; j++ {
		wg.Go(func() { ret[j] = marshalElement(ctx, j, omitPanicHandler, marshal) })
	}
	wg.Wait()
	return ret
}

// marshalElement marshals element i under its own field context, a panic
// answered as a null and an error, as gqlgen does.
func marshalElement(ctx context.Context, i int, omitPanicHandler bool, marshal func(context.Context, int) graphql.Marshaler) (m graphql.Marshaler) {
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				m = graphql.Null
			}
		}()
	}
	return marshal(ctx, i)
}

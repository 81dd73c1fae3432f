package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
)

// calls are the calls of the rendered exec file to gqlgen's runtime that the
// project answers itself, with the same arguments (graph/marshal.go), where
// gqlgen's templates leave no choice and cost too much:
var calls = []struct{ gqlgen, ours string }{
	// Every object computes its path for @defer, even in an operation with
	// no @defer (15 % of the CPU of a two-hop answer).
	{"graphql.NewDeferredGroup(ctx)", "newDeferredGroup(ctx, ec.OperationContext)"},
	// Every element of a list is marshalled in a goroutine of its own, even
	// when it has nothing to wait for (goroutine starts and stack growth were
	// a quarter of the CPU of a page of 50 with their relations).
	{"graphql.MarshalSliceConcurrently(", "marshalSlice("},
}

// replaceCalls rewrites the calls in the exec file. A call not found fails
// the generation: gqlgen's templates changed, and graph/marshal.go with them.
func replaceCalls(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	for _, c := range calls {
		if !bytes.Contains(src, []byte(c.gqlgen)) {
			return fmt.Errorf("%s has no call %s: gqlgen's templates changed (see internal/generate/calls.go)", file, c.gqlgen)
		}
		src = bytes.ReplaceAll(src, []byte(c.gqlgen), []byte(c.ours))
	}
	if src, err = format.Source(src); err != nil {
		return err
	}
	return os.WriteFile(file, src, 0o644)
}

package graph

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cccs13/cccs-graph/loaders"
)

// marshalSlice marshals in line while nothing waits for a batch, then the
// rest of the list at once, each element under its own index, a panic
// answered as a null and an error at the element's path.
func TestMarshalSlice(t *testing.T) {
	quiet := func(_ context.Context, p any) error { return fmt.Errorf("panic: %v", p) }
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, quiet)
	l := loaders.New(defaultDataset(t))
	ctx = loaders.With(ctx, l)
	const n, fetchAt = 6, 2
	var mu sync.Mutex
	var running, peak int
	started := make(chan struct{}, n)
	marshal := func(ctx context.Context, i int) graphql.Marshaler {
		if got := *graphql.GetFieldContext(ctx).Index; got != i {
			t.Errorf("element %d has index %d", i, got)
		}
		mu.Lock()
		running++
		peak = max(peak, running)
		mu.Unlock()
		defer func() { mu.Lock(); running--; mu.Unlock() }()
		switch {
		case i == fetchAt: // reads through a loader: a batch
			if _, err := l.Node(ctx, "caf-13"); err != nil {
				t.Error(err)
			}
		case i == n-1:
			panic("boom")
		case i > fetchAt: // the rest run together: each waits for all of them
			started <- struct{}{}
			deadline := time.After(5 * time.Second)
			for len(started) < n-fetchAt-2 {
				select {
				case <-deadline:
					t.Errorf("element %d: the elements after a batch do not run together", i)
					return graphql.Null
				case <-time.After(time.Millisecond):
				}
			}
		}
		return graphql.MarshalInt(i)
	}
	ret := marshalSlice(ctx, n, 0, false, marshal)
	for i, m := range ret[:n-1] {
		var b fmtWriter
		m.MarshalGQL(&b)
		if b.s != fmt.Sprint(i) {
			t.Errorf("element %d is %q", i, b.s)
		}
	}
	if ret[n-1] != graphql.Null {
		t.Errorf("the element that panicked is %v", ret[n-1])
	}
	if errs := graphql.GetErrors(ctx); len(errs) != 1 || errs[0].Path.String() != fmt.Sprintf("[%d]", n-1) {
		t.Errorf("errors %v, want one at [%d]", errs, n-1)
	}
	if peak < 2 {
		t.Error("no element ran beside another after the batch")
	}
}

type fmtWriter struct{ s string }

func (w *fmtWriter) Write(p []byte) (int, error) { w.s += string(p); return len(p), nil }

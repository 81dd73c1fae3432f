package graph

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestQueryCacheIsBoundedInBytes: the parsed-query cache keeps at most its
// budget, and huge texts never enter it.
func TestQueryCacheIsBoundedInBytes(t *testing.T) {
	const budget = 1 << 20
	c := newQueryCache(budget)
	ctx := context.Background()
	doc := &ast.QueryDocument{}
	for i := range 2000 {
		c.Add(ctx, fmt.Sprintf("{ node(id: %q) { id } }%s", fmt.Sprint(i), strings.Repeat(" ", 1000)), doc)
		if c.Bytes() > budget {
			t.Fatalf("after %d documents the cache weighs %d bytes, over %d", i+1, c.Bytes(), budget)
		}
	}
	huge := "{ search(query: \"" + strings.Repeat("x", 1<<20) + "\") { totalCount } }"
	c.Add(ctx, huge, doc)
	if _, ok := c.Get(ctx, huge); ok {
		t.Error("a 1 MB text entered the cache")
	}
	if _, ok := c.Get(ctx, fmt.Sprintf("{ node(id: %q) { id } }%s", "1999", strings.Repeat(" ", 1000))); !ok {
		t.Error("the latest document was evicted")
	}
	off := newQueryCache(0)
	off.Add(ctx, "{ __typename }", doc)
	if _, ok := off.Get(ctx, "{ __typename }"); ok {
		t.Error("a cache of 0 bytes keeps documents")
	}
}

// TestCostSaturates: the cost of the wrapped query is the maximum, not a
// small number, and costs add and multiply without wrapping.
func TestCostSaturates(t *testing.T) {
	inner := "id"
	for range 10 {
		inner = fmt.Sprintf("relations(first: 500) { nodes { from { %s } } }", inner)
	}
	if got := costOf(t, `{ node(id: "cccs") { `+inner+` } }`, nil); got < 1<<62 {
		t.Errorf("ten levels of 500 cost %d", got)
	}
	if got := costOf(t, `query($n: Int = 500) { organizations(first: $n) { nodes { id } } }`, nil); got < 500 {
		t.Errorf("a variable's default is not counted: %d", got)
	}
	if got := costOf(t, `query($n: Int) { organizations(first: $n) { nodes { id } } }`, map[string]any{"n": 400}); got < 400 {
		t.Errorf("a variable is not counted: %d", got)
	}
}

// TestAnswerSizeIsCapped: an answer whose data is over the limit is replaced
// by a coded error, before anything is written.
func TestAnswerSizeIsCapped(t *testing.T) {
	limits := DefaultLimits
	limits.AnswerBytes = 2000
	c := client.New(NewHandler(defaultDataset(t), Options{Limits: limits, Logger: slog.New(slog.DiscardHandler)}))
	resp, err := c.RawPost(`{ organizations(first: 100) { nodes { id name } } }`)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Data != nil || !strings.Contains(string(resp.Errors), `"COMPLEXITY_LIMIT_EXCEEDED"`) || !strings.Contains(string(resp.Errors), "larger than 2000 bytes") {
		t.Errorf("data %.100s, errors %s", resp.Data, resp.Errors)
	}
	var small map[string]any
	query(t, c, `{ node(id: "caf-13") { id } }`, &small)
}

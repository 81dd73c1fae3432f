package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/cccs13/cccs-graph/domain"
)

// TestQueryCacheIsBoundedInBytes: the parsed-query cache keeps at most its
// budget, and huge texts never enter it.
func TestQueryCacheIsBoundedInBytes(t *testing.T) {
	const budget = 1 << 20
	c := newQueryCache(budget, nil)
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
	off := newQueryCache(0, nil)
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

// TestKeptDocumentsAreCheckedLikeNewOnes: what the preflight keeps of a
// document (graph/limits.go, checkDocument) never lets another operation of
// it, other variables or other literals through: each request below is
// answered as a server without the document cache answers it, after a
// request of the same document passed and had it kept.
func TestKeptDocumentsAreCheckedLikeNewOnes(t *testing.T) {
	limits := DefaultLimits
	limits.Complexity = 1000
	limits.InputBytes = 100
	long := strings.Repeat("x", 200)
	type request struct {
		query, operation string
		vars             map[string]any
		code             string // the error's code, "" when it passes
	}
	cases := []struct {
		name     string
		requests []request
	}{{
		"an operation over the limit beside a cheap one",
		[]request{
			{`query Cheap { organizations(first: 5) { nodes { id } } } query Dear { organizations(first: 100) { nodes { relations(first: 100) { nodes { id } } } } }`, "Cheap", nil, ""},
			{`query Cheap { organizations(first: 5) { nodes { id } } } query Dear { organizations(first: 100) { nodes { relations(first: 100) { nodes { id } } } } }`, "Dear", nil, domain.ECOMPLEXITY},
		},
	}, {
		"a cost that reads a variable",
		[]request{
			{`query($n: Int!) { organizations(first: $n) { nodes { relations(first: 20) { nodes { id } } } } }`, "", map[string]any{"n": 1}, ""},
			{`query($n: Int!) { organizations(first: $n) { nodes { relations(first: 20) { nodes { id } } } } }`, "", map[string]any{"n": 100}, domain.ECOMPLEXITY},
		},
	}, {
		"a cost that reads a variable inside a literal",
		[]request{
			{`query($f: OrganizationFilter) { organizations(first: 1, filter: {not: $f}) { nodes { id } } }`, "", map[string]any{"f": map[string]any{"nameContains": "a"}}, ""},
			{`query($f: OrganizationFilter) { organizations(first: 1, filter: {not: $f}) { nodes { id } } }`, "", map[string]any{"f": map[string]any{"relation": map[string]any{"kinds": []any{"SIGNATORY"}}}}, domain.ECOMPLEXITY},
		},
	}, {
		"a literal over the input limit beside a short one",
		[]request{
			{`query Short { node(id: "caf-13") { id } } query Long { node(id: "` + long + `") { id } }`, "Short", nil, ""},
			{`query Short { node(id: "caf-13") { id } } query Long { node(id: "` + long + `") { id } }`, "Long", nil, domain.EBADINPUT},
		},
	}, {
		"a variable over the input limit",
		[]request{
			{`query($id: ID!) { node(id: $id) { id } }`, "", map[string]any{"id": "caf-13"}, ""},
			{`query($id: ID!) { node(id: $id) { id } }`, "", map[string]any{"id": long}, domain.EBADINPUT},
			{`query($id: ID!) { node(id: $id) { id } }`, "", map[string]any{"id": "caf-13"}, ""},
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kept := NewHandler(defaultDataset(t), Options{Limits: limits, Logger: slog.New(slog.DiscardHandler), QueryCacheBytes: 1 << 20})
			fresh := NewHandler(defaultDataset(t), Options{Limits: limits, Logger: slog.New(slog.DiscardHandler)})
			for round := range 2 { // the second round finds every document kept
				for i, r := range c.requests {
					body, _ := json.Marshal(map[string]any{"query": r.query, "operationName": r.operation, "variables": r.vars})
					got, want := serveJSON(kept, body), serveJSON(fresh, body)
					if got.Code != want.Code || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
						t.Errorf("round %d, request %d: %d %.300s\nwithout the cache: %d %.300s", round, i, got.Code, got.Body, want.Code, want.Body)
					}
					var a answer
					json.Unmarshal(got.Body.Bytes(), &a)
					code := ""
					if len(a.Errors) > 0 {
						code, _ = a.Errors[0].Extensions["code"].(string)
					}
					if code != r.code {
						t.Errorf("round %d, request %d: code %q, want %q: %.300s", round, i, code, r.code, got.Body)
					}
				}
			}
		})
	}
}

func serveJSON(h http.Handler, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

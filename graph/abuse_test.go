package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/cccs13/cccs-graph/internal/abuse"
	"github.com/cccs13/cccs-graph/store"
)

// answer is a GraphQL answer as a client decodes it.
type answer struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// abuseHandler is the real handler on the default dataset, with counters.
func abuseHandler(t testing.TB, introspection bool) (http.Handler, *Counters) {
	c := &Counters{}
	h := NewHandler(defaultDataset(t), Options{Limits: DefaultLimits, Introspection: introspection,
		Logger: slog.New(slog.DiscardHandler), CacheBytes: 1 << 20, QueryCacheBytes: 1 << 20, Counters: c})
	return h, c
}

func send(h http.Handler, c abuse.Case, ctx context.Context) *httptest.ResponseRecorder {
	var r *http.Request
	if c.Method == http.MethodGet {
		r = httptest.NewRequestWithContext(ctx, http.MethodGet, "/graphql?"+c.RawQuery, nil)
	} else {
		r = httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(c.Body))
		r.Header.Set("Content-Type", cmpOr(c.ContentType, "application/json"))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestAbuse sends every hostile request of the issue "Safe to expose" to the
// real handler: each is answered with its status and code, a small answer,
// and (unless it is one that runs, bounded) before any store read or field.
func TestAbuse(t *testing.T) {
	s := defaultDataset(t)
	public, publicCount := abuseHandler(t, true)
	private, privateCount := abuseHandler(t, false)
	for _, c := range abuse.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			h, count := public, publicCount
			if c.Private {
				h, count = private, privateCount
			}
			reads, fields := s.Reads(), count.RootFields.Load()
			w := send(h, c, context.Background())
			for _, p := range c.Check(w.Code, w.Body.Bytes()) {
				t.Error(p)
			}
			if !c.Executes {
				if n := s.Reads() - reads; n != 0 {
					t.Errorf("%d store reads, want none before the refusal", n)
				}
				if n := count.RootFields.Load() - fields; n != 0 {
					t.Errorf("%d fields resolved, want none before the refusal", n)
				}
			}
		})
	}
}

// TestManyErrorsAreSummedUp: 240 failing aliases give 20 errors and one
// that counts the rest.
func TestManyErrorsAreSummedUp(t *testing.T) {
	h, _ := abuseHandler(t, true)
	for _, c := range abuse.Cases() {
		if c.Name != "many bad ids" {
			continue
		}
		var a answer
		json.Unmarshal(send(h, c, context.Background()).Body.Bytes(), &a)
		if len(a.Errors) != DefaultLimits.Errors+1 || a.Errors[DefaultLimits.Errors].Message != "and 220 more errors" {
			t.Fatalf("%d errors, last %+v", len(a.Errors), a.Errors[len(a.Errors)-1])
		}
		if a.Errors[DefaultLimits.Errors].Extensions["code"] != domain.EBADINPUT {
			t.Errorf("summary has no code: %+v", a.Errors[DefaultLimits.Errors])
		}
		return
	}
	t.Fatal("no case")
}

// TestDeadlineStopsTheOperation: an operation whose deadline has passed (or
// whose client has gone) resolves no field and answers TIMEOUT.
func TestDeadlineStopsTheOperation(t *testing.T) {
	h, count := abuseHandler(t, true)
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	gone, cancelGone := context.WithCancel(context.Background())
	cancelGone()
	for name, ctx := range map[string]context.Context{"deadline": expired, "client gone": gone} {
		t.Run(name, func(t *testing.T) {
			fields := count.RootFields.Load()
			w := send(h, abuse.Case{Body: abuse.Post(`{ organizations { totalCount } }`, nil)}, ctx)
			var a answer
			if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || len(a.Errors) == 0 {
				t.Fatalf("answer %d %q", w.Code, w.Body)
			}
			if a.Errors[0].Extensions["code"] != domain.ETIMEOUT {
				t.Errorf("errors %+v, want %s", a.Errors, domain.ETIMEOUT)
			}
			if n := count.RootFields.Load() - fields; n != 0 {
				t.Errorf("%d fields resolved after the deadline", n)
			}
		})
	}
}

// TestLegitimateShapesPass: the full introspection query, a wide page and
// the limits' edges are not refused.
func TestLegitimateShapesPass(t *testing.T) {
	c := newClient(defaultDataset(t))
	var many map[string]any
	query(t, c, introspectionQuery, &many)
	query(t, c, abuse.RepeatedFields(DefaultLimits.SetSelections-1), &many)
	query(t, c, abuse.IntrospectionAliases(1), &many)
	query(t, c, `query($c: String) { node(id: "cccs") { relations(after: $c) { totalCount } } }`, &many)
}

// introspectionQuery is the query GraphiQL and the contract check send.
var introspectionQuery = strings.TrimSpace(`
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
`)

// TestIntrospectionCostsWhatItWeighs: the full introspection query costs at
// least the number of fields of its answer (it is not free), and leaves room
// under the default limit for the schema to grow (explorers and the contract
// check send it).
func TestIntrospectionCostsWhatItWeighs(t *testing.T) {
	c := newClient(defaultDataset(t))
	resp, err := c.RawPost(introspectionQuery)
	if err != nil || resp.Errors != nil {
		t.Fatal(err, string(resp.Errors))
	}
	fields := countFields(resp.Data)
	cost := costOf(t, introspectionQuery, nil)
	t.Logf("full introspection: %d fields answered, cost %d, limit %d", fields, cost, DefaultLimits.Complexity)
	if cost < fields || cost > DefaultLimits.Complexity*3/4 {
		t.Errorf("cost %d, want between %d (the answer's fields) and %d", cost, fields, DefaultLimits.Complexity*3/4)
	}
}

// costOf is the cost of a query, computed as the handler does.
func costOf(t testing.TB, q string, vars map[string]any) int {
	t.Helper()
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatal(err)
	}
	return newPricer(schema).Cost(doc, doc.Operations[0], vars)
}

func countFields(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			n += 1 + countFields(e)
		}
	case []any:
		for _, e := range x {
			n += countFields(e)
		}
	}
	return n
}

// cancelAfterRoot cancels the operation once the root field has read its
// page: the fields below read after the deadline.
type cancelAfterRoot struct {
	Reader
	cancel context.CancelFunc
}

func (r cancelAfterRoot) OrderedPage(ctx context.Context, q store.PageQuery) (store.Page[*domain.Node], bool, error) {
	defer r.cancel()
	return r.Reader.OrderedPage(ctx, q)
}

// TestDeadlineStopsBelowTheRoot: a deadline that passes once the root field
// has read stops the fields that read below it, even from the loaders'
// cache, with TIMEOUT.
func TestDeadlineStopsBelowTheRoot(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := NewHandler(cancelAfterRoot{defaultDataset(t), cancel}, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler)})
	w := send(h, abuse.Case{Body: abuse.Post(`{ organizations(first: 5) { nodes { id relations { totalCount } } } }`, nil)}, ctx)
	var a answer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || len(a.Errors) == 0 {
		t.Fatalf("answer %d %q", w.Code, w.Body)
	}
	for _, e := range a.Errors {
		if e.Extensions["code"] != domain.ETIMEOUT {
			t.Errorf("error %+v, want %s", e, domain.ETIMEOUT)
		}
	}
}

package graph

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// The cache keeps anonymous queries only, keyed by everything that changes
// the answer: another operation, other variables or a caller's credentials
// never get a kept answer.
func TestResponseCacheKeysAndBypass(t *testing.T) {
	s := smallStore(t, "../store/testdata/small.yaml")
	h := NewHandler(s, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler), CacheBytes: 1 << 20})
	ask := func(body string, header ...string) (string, string) {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Header().Get("X-Cache"), rec.Body.String()
	}
	doc := `query A($n: Int) { organizations(first: $n) { nodes { id } } } query B { organizations { totalCount } }`
	req := func(op, vars string) string {
		b, _ := json.Marshal(map[string]any{"query": doc, "operationName": op, "variables": json.RawMessage(vars)})
		return string(b)
	}
	one, two, total := req("A", `{"n":1}`), req("A", `{"n":2}`), req("B", `{}`)
	for _, body := range []string{one, two, total} {
		ask(body)
	}
	hit1, a1 := ask(one)
	hit2, a2 := ask(two)
	hitB, b := ask(total)
	if hit1 != "hit" || hit2 != "hit" || hitB != "hit" {
		t.Fatalf("repeated requests: cache %q %q %q, want hits", hit1, hit2, hitB)
	}
	if strings.Count(a1, `"id"`) != 1 || strings.Count(a2, `"id"`) != 2 || !strings.Contains(b, `"totalCount":3`) {
		t.Errorf("answers mixed up: %s | %s | %s", a1, a2, b)
	}
	for _, cred := range [][]string{{"Authorization", "Bearer alice"}, {"Cookie", "session=alice"}} {
		for range 2 {
			if hit, _ := ask(one, cred...); hit != "" {
				t.Errorf("%s: answered from the cache", cred[0])
			}
		}
	}
}

// Only the answer of an operation the executor marked a query is kept: a
// mutation or a subscription always runs.
func TestOnlyQueriesAreCacheable(t *testing.T) {
	for kind, want := range map[ast.Operation]string{ast.Query: "hit", ast.Mutation: "", ast.Subscription: ""} {
		runs := 0
		next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			runs++
			markOperation(r.Context(), &ast.OperationDefinition{Operation: kind})
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"data":{}}`))
		})
		rc := newResponseCache(next, defaultDataset(t), slog.New(slog.DiscardHandler), 1<<20)
		var got string
		for range 2 {
			req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape("{ a }"), nil)
			rec := httptest.NewRecorder()
			rc.ServeHTTP(rec, req)
			got = rec.Header().Get("X-Cache")
		}
		if got != want || (want == "" && runs != 2) {
			t.Errorf("%s: second request X-Cache %q after %d runs, want %q", kind, got, runs, want)
		}
	}
}

// The cache's own work (decoding the request, hashing the key; the executor says
// whether it was a query) against running the query: compare the two in one run,
// go test -run '^$' -bench CachedQuery ./graph
func benchCache(b *testing.B, cacheBytes int) {
	h := NewHandler(defaultDataset(b), Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler), CacheBytes: cacheBytes})
	body := `{"query":"{ organizations(first: 100) { totalCount nodes { id name category } } }"}`
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

func BenchmarkCachedQuery(b *testing.B)   { benchCache(b, 1<<20) }
func BenchmarkUncachedQuery(b *testing.B) { benchCache(b, 0) }

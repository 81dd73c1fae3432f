package graph

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The cache keeps anonymous queries only, keyed by everything that changes
// the answer: another operation, other variables or a caller's credentials
// never get a kept answer.
func TestResponseCacheKeysAndBypass(t *testing.T) {
	s := smallStore(t, "../store/testdata/small.yaml")
	h := NewHandler(s, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler), CacheEntries: 10})
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

func TestOnlyQueriesAreCacheable(t *testing.T) {
	for doc, want := range map[string]bool{
		`{ organizations { totalCount } }`:               true,
		`query Q { organizations { totalCount } }`:       true,
		`mutation M { importDataset(file: "x") { ok } }`: false,
		`subscription S { changes { id } }`:              false,
		`query Q { a } mutation M { b }`:                 false, // two operations, none named
		`{ broken`:                                       false,
	} {
		if got := isQuery(doc, ""); got != want {
			t.Errorf("isQuery(%q) = %v, want %v", doc, got, want)
		}
	}
	if isQuery(`query Q { a } mutation M { b }`, "M") || !isQuery(`query Q { a } mutation M { b }`, "Q") {
		t.Error("the operation named by operationName decides")
	}
}

// The cache's own work (parsing the document to learn its operation, hashing
// the key) against running the query: compare the two in one run,
// go test -run '^$' -bench CachedQuery ./graph
func benchCache(b *testing.B, entries int) {
	h := NewHandler(defaultDataset(b), Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler), CacheEntries: entries})
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

func BenchmarkCachedQuery(b *testing.B)   { benchCache(b, 16) }
func BenchmarkUncachedQuery(b *testing.B) { benchCache(b, 0) }

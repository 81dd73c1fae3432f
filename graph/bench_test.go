package graph

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/99designs/gqlgen/client"
)

// Benchmarks through the GraphQL handler on the default dataset. Compare
// them with BenchmarkQueryNode (one node by id):
// go test -run '^$' -bench Query ./graph

func benchQuery(b *testing.B, q string, opts ...client.Option) {
	c := newClient(defaultDataset(b))
	var resp map[string]any
	for b.Loop() {
		query(b, c, q, &resp, opts...)
	}
}

func BenchmarkQueryNode(b *testing.B) {
	benchQuery(b, `{ node(id: "caf-13") { id name } }`)
}

func BenchmarkQuerySearch(b *testing.B) {
	benchQuery(b, `{ search(query: "leo lagrange", first: 10) { totalCount edges { score node { id name } } } }`)
}

func BenchmarkQueryNeighborhoodDepth2(b *testing.B) {
	benchQuery(b, `{ neighborhood(id: "msa-provence-azur", depth: 2) {
		nodes { id kind name } relations { kind from { id } to { id } } truncated
	} }`)
}

// A relation condition read from the other end's side (a few prefix scans),
// and one that scans the relations of every organization.
func BenchmarkQueryRelationFilterIndexed(b *testing.B) {
	benchQuery(b, `{ organizations(filter: {relation: {kinds: [SIGNED], direction: OUT, nodes: ["avenant-1"]}}) { totalCount } }`)
}

func BenchmarkQueryRelationFilterScan(b *testing.B) {
	benchQuery(b, `{ organizations(filter: {relation: {kinds: [SIGNED], direction: OUT, nodeKinds: [AMENDMENT]}}) { totalCount } }`)
}

// A persisted query asked by hash over GET and answered 304 from its ETag,
// against the same query run.
func BenchmarkGETRevalidated(b *testing.B) {
	h := testHandler(defaultDataset(b), Options{HTTPMaxAge: 60})
	target := "/graphql?query=" + url.QueryEscape(signatoriesQuery)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	etag := rec.Header().Get("ETag")
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("If-None-Match", etag)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

func BenchmarkGETRun(b *testing.B) {
	h := testHandler(defaultDataset(b), Options{HTTPMaxAge: 60})
	target := "/graphql?query=" + url.QueryEscape(signatoriesQuery)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

package graph

import (
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

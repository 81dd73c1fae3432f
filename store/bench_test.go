package store

import "testing"

// Benchmarks on the default dataset. Compare them with BenchmarkNodeLookup
// (one point read): go test -run '^$' -bench . ./store

func BenchmarkNodeLookup(b *testing.B) {
	s := defaultTest(b)
	for b.Loop() {
		if _, err := s.Node(ctx, "caf-13"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	s := defaultTest(b)
	for _, q := range []string{"caf", "leo lagrange", "septe", "centres sociaux"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, q, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNeighborhoodDepth2(b *testing.B) {
	s := defaultTest(b)
	for _, id := range []string{"msa-provence-azur", "cccs"} {
		b.Run(id, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Neighborhood(ctx, id, 2, Walk{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkShortestPath(b *testing.B) {
	s := defaultTest(b)
	for b.Loop() {
		if _, _, err := s.ShortestPath(ctx, "msa-provence-azur", "ucs-13", MaxPathDepth, Walk{}); err != nil {
			b.Fatal(err)
		}
	}
}

package analysis

import (
	"context"
	"fmt"
	"testing"

	"github.com/cccs13/cccs-graph/internal/synth"
	"github.com/cccs13/cccs-graph/store"
)

// benchFactors are the sizes measured: the default dataset and 100 times it
// (internal/synth). The ratio of the two is the figure to read.
var benchFactors = []int{1, 100}

func benchNetwork(b *testing.B, factor int) *Network {
	b.Helper()
	ds, err := synth.Default(factor)
	if err != nil {
		b.Fatal(err)
	}
	n := NewNetwork(&store.Snapshot{Nodes: ds.Nodes, Relations: ds.Relations}, nil)
	b.ReportMetric(float64(n.Order()), "nodes")
	b.ReportMetric(float64(n.Size()), "edges")
	return n
}

func BenchmarkBetweenness(b *testing.B) {
	for _, f := range benchFactors {
		b.Run(fmt.Sprintf("%dx", f), func(b *testing.B) {
			n := benchNetwork(b, f)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := n.centrality(context.Background(), Betweenness, NoLimits); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCommunities(b *testing.B) {
	for _, f := range benchFactors {
		b.Run(fmt.Sprintf("%dx", f), func(b *testing.B) {
			n := benchNetwork(b, f)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := n.communities(context.Background(), NoLimits); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

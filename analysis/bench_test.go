package analysis

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/internal/synth"
	"github.com/cccs13/cccs-graph/store"
)

// benchFactors are the sizes measured, as multiples of the default dataset
// (internal/synth): CCCS_BENCH_FACTORS, "1,10" by default so that CI's one
// run of every benchmark stays short (betweenness at 100x takes about two
// minutes here: CCCS_BENCH_FACTORS=1,100). Read the ratios to 1x.
func benchFactors(b *testing.B) []int {
	var out []int
	for f := range strings.SplitSeq(cmp.Or(os.Getenv("CCCS_BENCH_FACTORS"), "1,10"), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > synth.MaxFactor {
			b.Fatalf("CCCS_BENCH_FACTORS: %q is not a factor from 1 to %d", f, synth.MaxFactor)
		}
		out = append(out, n)
	}
	return out
}

func benchNetwork(b *testing.B, factor int) *Network {
	b.Helper()
	ds, err := synth.Default(factor)
	if err != nil {
		b.Fatal(err)
	}
	return NewNetwork(&store.Snapshot{Nodes: ds.Nodes, Relations: ds.Relations}, nil)
}

func BenchmarkBetweenness(b *testing.B) {
	for _, f := range benchFactors(b) {
		b.Run(fmt.Sprintf("%dx", f), func(b *testing.B) {
			n := benchNetwork(b, f)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := n.centrality(context.Background(), Betweenness, NoLimits); err != nil {
					b.Fatal(err)
				}
			}
			reportSize(b, n)
		})
	}
}

func BenchmarkCommunities(b *testing.B) {
	for _, f := range benchFactors(b) {
		b.Run(fmt.Sprintf("%dx", f), func(b *testing.B) {
			n := benchNetwork(b, f)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := n.communities(context.Background(), NoLimits); err != nil {
					b.Fatal(err)
				}
			}
			reportSize(b, n)
		})
	}
}

func reportSize(b *testing.B, n *Network) {
	b.ReportMetric(float64(n.Order()), "nodes")
	b.ReportMetric(float64(n.Size()), "edges")
}

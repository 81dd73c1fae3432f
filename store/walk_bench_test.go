package store_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/store"
)

// BenchmarkNeighborhood is the walk of the neighbourhood shape (caf-13,
// depth 2) on the store alone, at each factor of CCCS_BENCH_FACTORS
// (default 1), in CCCS_BENCH_ROUNDS interleaved rounds (default 1), with
// the answer's size and the process's CPU time per walk (steadier than
// ns/op on a shared machine):
//
//	CCCS_BENCH_FACTORS=1,100 CCCS_BENCH_ROUNDS=3 go test -run '^$' -bench Neighborhood ./store
func BenchmarkNeighborhood(b *testing.B) {
	var factors []int
	stores := map[int]*store.Store{}
	for _, f := range strings.Split(cmpOr(os.Getenv("CCCS_BENCH_FACTORS"), "1"), ",") {
		factor, err := strconv.Atoi(f)
		if err != nil {
			b.Fatal(err)
		}
		factors, stores[factor] = append(factors, factor), scaled(b, factor)
	}
	rounds, _ := strconv.Atoi(cmpOr(os.Getenv("CCCS_BENCH_ROUNDS"), "1"))
	for range max(rounds, 1) {
		for _, factor := range factors {
			s := stores[factor]
			b.Run(fmt.Sprintf("caf-13/%dx", factor), func(b *testing.B) {
				b.ReportAllocs()
				var g *store.Subgraph
				var err error
				start := cpuTime()
				for b.Loop() {
					if g, err = s.Neighborhood(ctx, "caf-13", 2, store.Walk{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64((cpuTime()-start).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(len(g.Nodes)), "nodes")
				b.ReportMetric(float64(len(g.Relations)), "relations")
			})
		}
	}
}

// cpuTime is the user and system time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestNeighborhoodShapeOfTheSameSize: the neighbourhood of bench/shapes'
// neighborhood-agreement (the 2015-2017 agreement at depth 3) is the same
// at 1x and at 10x, as the shape claims (docs/performance.md), while its
// last level holds territories whose edges grow with the data.
func TestNeighborhoodShapeOfTheSameSize(t *testing.T) {
	text := func(g *store.Subgraph) string {
		var b strings.Builder
		fmt.Fprintf(&b, "%v %v\n", g.Depths, g.Truncated)
		for _, n := range g.Nodes {
			fmt.Fprintf(&b, "%s %s\n", n.ID, n.Name)
		}
		for _, r := range g.Relations {
			fmt.Fprintf(&b, "%s %s %s %v\n", r.Kind, r.From, r.To, r.ValidFrom)
		}
		return b.String()
	}
	var answers []string
	for _, factor := range []int{1, 10} {
		g, err := scaled(t, factor).Neighborhood(ctx, "cccs-2015-2017", 3, store.Walk{})
		if err != nil {
			t.Fatal(err)
		}
		hubs := 0
		for i, n := range g.Nodes {
			if n.Kind == "territory" && g.Depths[i] == 3 {
				hubs++
			}
		}
		if hubs == 0 || g.Truncated {
			t.Fatalf("%dx: %d territories on the last level, truncated %v", factor, hubs, g.Truncated)
		}
		answers = append(answers, text(g))
	}
	if answers[0] != answers[1] {
		t.Errorf("the neighbourhood differs at 10x:\n%.300s\nwant\n%.300s", answers[1], answers[0])
	}
}

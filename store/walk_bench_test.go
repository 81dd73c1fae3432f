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

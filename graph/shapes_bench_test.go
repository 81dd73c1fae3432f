package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/internal/synth"
	"github.com/cccs13/cccs-graph/store"
)

// BenchmarkShapes runs the shapes of bench/shapes/ (the queries of bench/run
// and docs/performance.md) through the whole handler, cache off, at each
// dataset size of CCCS_BENCH_FACTORS (default 1; "1,10,100" for the scaling
// figures), in CCCS_BENCH_ROUNDS interleaved rounds (default 1). Besides
// ns/op it reports the process's CPU time per request (cpu-ms/op, steadier
// than ns/op on a shared machine) and x-1x, that CPU time relative to the
// same shape on the 1x dataset in the same round:
//
//	CCCS_BENCH_FACTORS=1,10,100 go test -run '^$' -bench Shapes -benchtime 50x ./graph
//
// CCCS_BENCH_PLANNER=off runs them through gqlgen's executor alone.
func BenchmarkShapes(b *testing.B) {
	shapes, err := filepath.Glob("../bench/shapes/*.graphql")
	if err != nil || len(shapes) == 0 {
		b.Fatalf("no shapes in ../bench/shapes (%v)", err)
	}
	factors := benchFactors(b)
	handlers := map[int]http.Handler{}
	for _, factor := range factors {
		limits := DefaultLimits
		limits.Complexity = 1 << 30 // the shapes are large on purpose
		handlers[factor] = NewHandler(scaledStore(b, factor), Options{Limits: limits, Logger: slog.New(slog.DiscardHandler),
			QueryCacheBytes: benchQueryCacheBytes, Planner: benchPlanner()})
	}
	rounds, _ := strconv.Atoi(os.Getenv("CCCS_BENCH_ROUNDS"))
	for range max(rounds, 1) {
		at1x := map[string]float64{}
		for _, factor := range factors {
			h := handlers[factor]
			for _, file := range shapes {
				src, err := os.ReadFile(file)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := json.Marshal(map[string]string{"query": string(src)})
				shape := strings.TrimSuffix(filepath.Base(file), ".graphql")
				b.Run(fmt.Sprintf("%s/%dx", shape, factor), func(b *testing.B) {
					n := answerShape(b, h, body)
					b.SetBytes(int64(n))
					b.ReportAllocs()
					start := cpuTime()
					for b.Loop() {
						answerShape(b, h, body)
					}
					per := float64((cpuTime() - start).Nanoseconds()) / float64(b.N)
					b.ReportMetric(per/1e6, "cpu-ms/op")
					if factor == 1 {
						at1x[shape] = per
					} else if base := at1x[shape]; base > 0 {
						b.ReportMetric(per/base, "x-1x")
					}
				})
			}
		}
	}
}

// answerShape answers one request and returns the answer's size; an answer
// with errors fails the benchmark.
func answerShape(b *testing.B, h http.Handler, body []byte) int {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(w, r)
	if w.Code != 200 || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) {
		b.Fatalf("status %d: %.300s", w.Code, w.Body.String())
	}
	return w.Body.Len()
}

// benchPlanner is the executor of the shapes: the planner, or gqlgen's alone
// with CCCS_BENCH_PLANNER=off (to compare the two in one run).
func benchPlanner() PlannerMode {
	if os.Getenv("CCCS_BENCH_PLANNER") == "off" {
		return PlannerOff
	}
	return PlannerOn
}

func benchFactors(b *testing.B) []int {
	env := os.Getenv("CCCS_BENCH_FACTORS")
	if env == "" {
		return []int{1}
	}
	var fs []int
	for _, f := range strings.FieldsFunc(env, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > synth.MaxFactor {
			b.Fatalf("CCCS_BENCH_FACTORS: %q is not a factor from 1 to %d", f, synth.MaxFactor)
		}
		fs = append(fs, n)
	}
	return fs
}

// scaledStore is an in-memory store with the default dataset copied factor
// times (internal/synth).
func scaledStore(b *testing.B, factor int) *store.Store {
	if factor == 1 {
		return defaultDataset(b)
	}
	s, err := synth.Open(ctx, factor)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

package graph

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/internal/abuse"
)

// BenchmarkRefusal measures what refusing each hostile request costs, each
// iteration with a new query text (a comment numbers it), so that no cache
// helps: cpu-ns/op is the process's CPU time per refusal (getrusage), to
// compare with BenchmarkRefusal/baseline, one node by id, in the same run.
// go test -run '^$' -bench Refusal ./graph
func BenchmarkRefusal(b *testing.B) {
	cursor, cursorVars := abuse.HugeCursor()
	cases := []struct {
		name  string
		query string
		vars  map[string]any
	}{
		{"baseline", `{ node(id: "caf-13") { id name } }`, nil},
		{"fragment bomb", abuse.FragmentBomb(), nil},
		{"wrapped cost", abuse.WrappedCost(), nil},
		{"repeated fields", abuse.RepeatedFields(4980), nil},
		{"huge cursor", cursor, cursorVars},
		{"introspection aliases", abuse.IntrospectionAliases(400), nil},
	}
	// No response cache: the baseline runs each time, as refusals do.
	h := NewHandler(defaultDataset(b), Options{Limits: DefaultLimits, Introspection: true,
		Logger: slog.New(slog.DiscardHandler), QueryCacheBytes: 1 << 20})
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			bodies := make([][]byte, 0, 1024)
			for i := range cap(bodies) {
				bodies = append(bodies, abuse.Post(fmt.Sprintf("%s\n# %d", c.query, i), c.vars))
			}
			start := cpuTime()
			i := 0
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(bodies[i%len(bodies)]))
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
				i++
			}
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package graph

import (
	"encoding/json"
	"log/slog"
	"os"
	"testing"
)

// BenchmarkFront measures what every request pays around its execution
// (transports, checks, the cost and input limits, gqlgen's operation
// context, the plan lookup, the answer's write), with the server's caches of
// documents on and the response cache off: "small" asks for one id, so its
// time is almost all front; "b" is shape (b) of bench/shapes, whose front
// grows with its document. Compare allocs/op against main:
//
//	go test -run '^$' -bench Front -benchtime 2000x ./graph
func BenchmarkFront(b *testing.B) {
	shape, err := os.ReadFile("../bench/shapes/b.graphql")
	if err != nil {
		b.Fatal(err)
	}
	limits := DefaultLimits
	limits.Complexity = 1 << 30
	h := NewHandler(defaultDataset(b), Options{Limits: limits, Logger: slog.New(slog.DiscardHandler),
		QueryCacheBytes: benchQueryCacheBytes, Planner: benchPlanner()})
	for _, c := range []struct{ name, query string }{
		{"small", `{ node(id: "caf-13") { id } }`},
		{"b", string(shape)},
	} {
		body, _ := json.Marshal(map[string]string{"query": c.query})
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				answerShape(b, h, body)
			}
		})
	}
}

// benchQueryCacheBytes keeps the documents, as the server does (-query-cache-bytes).
const benchQueryCacheBytes = 32 << 20

package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/cccs13/cccs-graph/store"
)

// BenchmarkRoutes runs GraphQL requests through the server's whole handler
// (request log and metrics, authentication, admission, the GraphQL
// handler), configured as bench/run configures it (response cache off, log
// level error): "small" asks for one id, so it measures what every request
// pays around its execution; "b" is shape (b) of bench/shapes.
//
//	go test -run '^$' -bench Routes -benchtime 2000x .
func BenchmarkRoutes(b *testing.B) {
	s, err := store.Open("", nil)
	if err == nil {
		_, err = s.LoadDefaultIfEmpty(ctx)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := defaultConfig()
	c.CacheBytes = 0
	c.QueryCacheBytes = 32 << 20 // auto: serve sizes it from the memory budget (memory.go)
	c.Planner = "on"             // TestMain sets shadow for the servers the tests start
	c.Limits.Complexity = 10_000_000
	h := routes(s, c, slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	shape, err := os.ReadFile("bench/shapes/b.graphql")
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct{ name, query string }{
		{"small", `{ node(id: "caf-13") { id } }`},
		{"b", string(shape)},
	} {
		body, _ := json.Marshal(map[string]string{"query": q.query})
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				r := httptest.NewRequest("POST", "/graphql", bytes.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				h.ServeHTTP(w, r)
				if w.Code != 200 || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) {
					b.Fatalf("status %d: %.300s", w.Code, w.Body.String())
				}
			}
		})
	}
}

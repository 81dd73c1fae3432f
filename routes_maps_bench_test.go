package main

import (
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/cccs13/cccs-graph/internal/geotest"
	"github.com/cccs13/cccs-graph/store"
)

// BenchmarkRoutesMaps runs the maps requests of bench/run through the
// server's whole handler, their answers in the maps cache: what a cached
// answer costs per request (route, parameters, key, lookup, headers,
// middlewares).
//
//	go test -run '^$' -bench RoutesMaps -benchtime 20000x .
func BenchmarkRoutesMaps(b *testing.B) {
	s, err := store.Open("", nil)
	if err == nil {
		_, err = s.LoadDefaultIfEmpty(ctx)
	}
	if err == nil {
		communes := store.File{Name: geotest.Communes, Data: geotest.Read(b, geotest.Communes)}
		_, err = s.ImportLayer(ctx, store.Layer{Kind: "commune", File: communes, Source: "cog-insee-2018"})
	}
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := defaultConfig()
	c.MapCacheBytes = 64 << 20 // auto: serve sizes it from the memory budget (memory.go)
	h := routes(s, c, slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	for _, q := range []struct{ name, path, encoding string }{
		{"tile", "/ogc/collections/communes/tiles/WebMercatorQuad/10/375/527", ""},
		{"geo", "/geo/communes.geojson", ""},
		{"geo-gzip", "/geo/communes.geojson", "gzip"},
	} {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				r := httptest.NewRequest("GET", q.path, nil)
				if q.encoding != "" {
					r.Header.Set("Accept-Encoding", q.encoding)
				}
				h.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("status %d: %.300s", w.Code, w.Body.String())
				}
			}
		})
	}
}

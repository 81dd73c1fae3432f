package main

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkRoutesMaps runs the maps requests of bench/run through the
// server's whole handler, their answers in the maps cache: what a cached
// answer costs per request (route, parameters, key, lookup, headers,
// middlewares).
//
//	go test -run '^$' -bench RoutesMaps -benchtime 20000x .
func BenchmarkRoutesMaps(b *testing.B) {
	h := mapsRoutes(b, nil)
	for _, q := range []struct{ name, path, encoding string }{
		{"tile", "/ogc/collections/communes/tiles/WebMercatorQuad/10/375/527", ""},
		{"geo", "/geo/communes.geojson", ""},
		{"geo-gzip", "/geo/communes.geojson", "gzip"},
	} {
		send := func(b *testing.B) {
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
		b.Run(q.name, func(b *testing.B) {
			send(b) // made and kept: the loop measures the cache's answers only
			b.ReportAllocs()
			for b.Loop() {
				send(b)
			}
		})
	}
}

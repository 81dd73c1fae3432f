package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkRoutesMaps runs the maps requests of bench/run through the
// server's whole handler, their answers in the maps cache: what a cached
// answer costs per request (route, parameters, key, lookup, headers,
// middlewares), and no more: the request is made once, and the response
// writer keeps the status and counts the bytes, as net/http's own costs
// are not the handler's.
//
//	go test -run '^$' -bench RoutesMaps -benchtime 20000x .
func BenchmarkRoutesMaps(b *testing.B) {
	h := mapsRoutes(b, nil)
	for _, q := range []struct{ name, path, encoding string }{
		{"tile", "/ogc/collections/communes/tiles/WebMercatorQuad/10/375/527", ""},
		{"geo", "/geo/communes.geojson", ""},
		{"geo-gzip", "/geo/communes.geojson", "gzip"},
	} {
		r := httptest.NewRequest("GET", q.path, nil)
		if q.encoding != "" {
			r.Header.Set("Accept-Encoding", q.encoding)
		}
		send := func(b *testing.B) {
			w := &countingWriter{header: http.Header{}}
			h.ServeHTTP(w, r)
			if w.code != 200 || w.bytes == 0 {
				b.Fatalf("status %d, %d bytes", w.code, w.bytes)
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

// countingWriter is a response writer that keeps the status and counts the
// bytes, with a header map of its own, as net/http gives every response.
type countingWriter struct {
	header http.Header
	code   int
	bytes  int
}

func (w *countingWriter) Header() http.Header { return w.header }

func (w *countingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.bytes += len(p)
	return len(p), nil
}

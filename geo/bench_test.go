package geo

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
)

// BenchmarkGeoJSONCommunes serves the 119 communes (190 kB) from the stored
// bytes, and reports how many times slower re-marshalling the same answer
// would be (x-remarshal): what the streaming saves.
func BenchmarkGeoJSONCommunes(b *testing.B) {
	h := New(geostore.New(b), slog.New(slog.DiscardHandler), "")
	serve := func() []byte {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/geo/communes.geojson", nil))
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
		return w.Body.Bytes()
	}
	body := serve()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var streamed time.Duration
	for b.Loop() {
		start := time.Now()
		serve()
		streamed += time.Since(start)
	}
	const rounds = 20
	start := time.Now()
	for range rounds {
		var v any
		json.Unmarshal(body, &v)
		json.Marshal(v)
	}
	remarshal := time.Since(start) / rounds
	b.ReportMetric(float64(remarshal)/float64(streamed/time.Duration(b.N)), "x-remarshal")
}

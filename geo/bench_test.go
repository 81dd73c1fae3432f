package geo

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

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

// perOp is the mean duration of fn over a bounded number of rounds: the
// baselines of the benchmarks below, measured in the same run.
func perOp(rounds int, fn func()) time.Duration {
	start := time.Now()
	for range rounds {
		fn()
	}
	return time.Since(start) / time.Duration(rounds)
}

// serveOK serves a GET through h and fails on another status than 200.
func serveOK(b *testing.B, h http.Handler, path string) []byte {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	if w.Code != 200 {
		b.Fatalf("%s: status %d %.200s", path, w.Code, w.Body.Bytes())
	}
	return w.Body.Bytes()
}

// BenchmarkTileMarseille renders the communes tile of the Vieux-Port at zooms
// 10 to 14 with the network's properties (x-stored: how many times the
// stored GeoJSON of the same box takes to serve), and serves it again from
// the tile cache (x-cached: a cached tile against a rendering).
func BenchmarkTileMarseille(b *testing.B) {
	s := geostore.WithNetwork(b)
	h := New(s, slog.New(slog.DiscardHandler), "").(http.Handler)
	inner := newHandler(s, slog.New(slog.DiscardHandler))
	version, _ := s.DataVersion(ctx)
	for z := 10; z <= 14; z++ {
		t := maptile.At(orb.Point{5.3698, 43.2965}, maptile.Zoom(z))
		b.Run("z"+strconv.Itoa(z), func(b *testing.B) {
			c, _ := findCollection("communes")
			req := prepared{p: params{when: today(), crs: crsCRS84, filterCRS: crsCRS84}, version: version}
			bound := t.Bound()
			box := strconv.FormatFloat(bound.Min[0], 'f', -1, 64) + "," + strconv.FormatFloat(bound.Min[1], 'f', -1, 64) + "," +
				strconv.FormatFloat(bound.Max[0], 'f', -1, 64) + "," + strconv.FormatFloat(bound.Max[1], 'f', -1, 64)
			tilePath := "/ogc/collections/communes/tiles/WebMercatorQuad/" + strconv.Itoa(z) + "/" + strconv.Itoa(int(t.Y)) + "/" + strconv.Itoa(int(t.X))
			body, err := inner.renderTile(ctx, c, t, req)
			if err != nil || len(body) == 0 {
				b.Fatalf("tile z%d: %d bytes, %v", z, len(body), err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			var rendered time.Duration
			for b.Loop() {
				start := time.Now()
				inner.renderTile(ctx, c, t, req)
				rendered += time.Since(start)
			}
			perTile := rendered / time.Duration(b.N)
			stored := perOp(20, func() { serveOK(b, h, "/geo/communes.geojson?properties=code,nom,type&bbox="+box) })
			serveOK(b, h, tilePath)
			cached := perOp(200, func() { serveOK(b, h, tilePath) })
			b.ReportMetric(float64(perTile)/float64(stored), "x-stored")
			b.ReportMetric(float64(cached)/float64(perTile), "x-cached")
			b.ReportMetric(float64(len(body)), "tile-bytes")
		})
	}
}

// BenchmarkCommunesCollection serves the 119 communes from /ogc with the
// network's properties, and reports how many times serving the stored bytes
// alone takes (x-stored: /geo with the import properties only), and the
// answer in Lambert-93 against the CRS84 one: the first, which reprojects
// every position (x-lambert93), and the next, from the outline cache
// (x-lambert93-cached).
func BenchmarkCommunesCollection(b *testing.B) {
	s := geostore.WithNetwork(b)
	h := New(s, slog.New(slog.DiscardHandler), "")
	const items = "/ogc/collections/communes/items?limit=1000"
	body := serveOK(b, h, items)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var served time.Duration
	for b.Loop() {
		start := time.Now()
		serveOK(b, h, items)
		served += time.Since(start)
	}
	perOpServed := served / time.Duration(b.N)
	stored := perOp(20, func() { serveOK(b, h, "/geo/communes.geojson?properties=code,nom,type") })
	const rounds = 5
	var first time.Duration
	for range rounds {
		fresh := New(s, slog.New(slog.DiscardHandler), "")
		serveOK(b, fresh, items) // the network joined, as in h
		first += perOp(1, func() { serveOK(b, fresh, items+"&crs=EPSG:2154") })
	}
	cached := perOp(20, func() { serveOK(b, h, items+"&crs=EPSG:2154") })
	b.ReportMetric(float64(perOpServed)/float64(stored), "x-stored")
	b.ReportMetric(float64(first/rounds)/float64(perOpServed), "x-lambert93")
	b.ReportMetric(float64(cached)/float64(perOpServed), "x-lambert93-cached")
}

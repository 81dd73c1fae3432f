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

// BenchmarkGeoJSONCommunes serves the 119 communes (190 kB) from the answer
// cache, identity and gzip, and reports it against a handler that writes
// the same bytes from memory and nothing else (of-raw, of-raw-gzip: the
// raw handler's time over the cache's, so 1 is as fast as the bytes), and
// how many times longer making the answer takes with the cache off
// (x-uncached), and re-marshalling it (x-remarshal).
func BenchmarkGeoJSONCommunes(b *testing.B) {
	s := geostore.New(b)
	h := New(s, slog.New(slog.DiscardHandler), cached(""))
	off := New(s, slog.New(slog.DiscardHandler), Options{})
	const path = "/geo/communes.geojson"
	body := serveOK(b, h, path)
	zipped := serveOK(b, h, path, "Accept-Encoding", "gzip")
	raw := func(body []byte) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", mediaGeoJSON)
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body)
		})
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var served time.Duration
	for b.Loop() {
		start := time.Now()
		serveOK(b, h, path)
		served += time.Since(start)
	}
	perServe := served / time.Duration(b.N)
	const rounds = 200
	rawTime := perOp(rounds, func() { serveOK(b, raw(body), path) })
	gzipTime := perOp(rounds, func() { serveOK(b, h, path, "Accept-Encoding", "gzip") })
	rawGzip := perOp(rounds, func() { serveOK(b, raw(zipped), path) })
	uncached := perOp(20, func() { serveOK(b, off, path) })
	remarshal := perOp(20, func() {
		var v any
		json.Unmarshal(body, &v)
		json.Marshal(v)
	})
	b.ReportMetric(float64(rawTime)/float64(perServe), "of-raw")
	b.ReportMetric(float64(rawGzip)/float64(gzipTime), "of-raw-gzip")
	b.ReportMetric(float64(uncached)/float64(perServe), "x-uncached")
	b.ReportMetric(float64(remarshal)/float64(perServe), "x-remarshal")
	b.ReportMetric(float64(len(zipped)), "gzip-bytes")
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

// serveOK serves a GET through h, with headers as name, value pairs, and
// fails on another status than 200.
func serveOK(b *testing.B, h http.Handler, path string, headers ...string) []byte {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		b.Fatalf("%s: status %d %.200s", path, w.Code, w.Body.Bytes())
	}
	return w.Body.Bytes()
}

// BenchmarkTileMarseille renders the communes tile of the Vieux-Port at zooms
// 10 to 14 with the network's properties (x-stored: how many times the
// stored GeoJSON of the same box takes to serve), and serves it again from
// the answer cache (x-cached: a cached tile against a rendering).
func BenchmarkTileMarseille(b *testing.B) {
	s := geostore.WithNetwork(b)
	h := New(s, slog.New(slog.DiscardHandler), cached(""))
	off := New(s, slog.New(slog.DiscardHandler), Options{})
	inner := newHandler(s, slog.New(slog.DiscardHandler), Options{})
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
			stored := perOp(20, func() { serveOK(b, off, "/geo/communes.geojson?properties=code,nom,type&bbox="+box) })
			serveOK(b, h, tilePath)
			cached := perOp(200, func() { serveOK(b, h, tilePath) })
			b.ReportMetric(float64(perTile)/float64(stored), "x-stored")
			b.ReportMetric(float64(cached)/float64(perTile), "x-cached")
			b.ReportMetric(float64(len(body)), "tile-bytes")
		})
	}
}

// BenchmarkCommunesCollection makes the page of the 119 communes of /ogc
// with the network's properties (the answer cache off), and reports how
// many times serving the stored bytes alone takes (x-stored: /geo with the
// import properties only), and the answer in Lambert-93 against the CRS84
// one: the first, which reprojects every position (x-lambert93), and the
// next, from the outline cache (x-lambert93-cached).
func BenchmarkCommunesCollection(b *testing.B) {
	s := geostore.WithNetwork(b)
	h := New(s, slog.New(slog.DiscardHandler), Options{})
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
		fresh := New(s, slog.New(slog.DiscardHandler), Options{})
		serveOK(b, fresh, items) // the network joined, as in h
		first += perOp(1, func() { serveOK(b, fresh, items+"&crs=EPSG:2154") })
	}
	cached := perOp(20, func() { serveOK(b, h, items+"&crs=EPSG:2154") })
	b.ReportMetric(float64(perOpServed)/float64(stored), "x-stored")
	b.ReportMetric(float64(first/rounds)/float64(perOpServed), "x-lambert93")
	b.ReportMetric(float64(cached)/float64(perOpServed), "x-lambert93-cached")
}

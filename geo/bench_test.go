package geo

import (
	"cmp"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/cccs13/cccs-graph/internal/geotest"
	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
	"github.com/cccs13/cccs-graph/internal/synth"
	"github.com/cccs13/cccs-graph/store"
)

// BenchmarkGeoJSONCommunes serves the 119 communes (190 kB) from the answer
// cache, identity and gzip, each request followed by one to a handler that
// writes the same bytes from memory and nothing else, so that both see the
// same machine: of-raw and of-raw-gzip are the raw handler's time over the
// cache's (1: as fast as the bytes). x-uncached is how many times longer
// making the answer takes with the cache off, x-remarshal re-marshalling it.
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
	rawPlain, rawZipped := raw(body), raw(zipped)
	b.ReportAllocs()
	var cachedT, rawT, gzipT, rawGzipT time.Duration
	for b.Loop() {
		cachedT += perOp(1, func() { serveOK(b, h, path) })
		rawT += perOp(1, func() { serveOK(b, rawPlain, path) })
		gzipT += perOp(1, func() { serveOK(b, h, path, "Accept-Encoding", "gzip") })
		rawGzipT += perOp(1, func() { serveOK(b, rawZipped, path) })
	}
	uncached := perOp(5, func() { serveOK(b, off, path) })
	remarshal := perOp(5, func() {
		var v any
		json.Unmarshal(body, &v)
		json.Marshal(v)
	})
	perCached := cachedT / time.Duration(b.N)
	b.ReportMetric(float64(perCached.Microseconds()), "µs-cached")
	b.ReportMetric(float64(rawT)/float64(cachedT), "of-raw")
	b.ReportMetric(float64(rawGzipT)/float64(gzipT), "of-raw-gzip")
	b.ReportMetric(float64(uncached)/float64(perCached), "x-uncached")
	b.ReportMetric(float64(remarshal)/float64(perCached), "x-remarshal")
	b.ReportMetric(float64(len(body)), "bytes")
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

// BenchmarkGeoJSONScaled serves /geo/communes.geojson on the default
// dataset copied N times (internal/synth; CCCS_BENCH_FACTORS, default 1):
// ms-first is the first answer of a data version (the network joined, the
// features written, gzip made), µs-cached a request the cache answers.
//
//	CCCS_BENCH_FACTORS=1,100 go test -run '^$' -bench GeoJSONScaled -benchtime 200x ./geo
func BenchmarkGeoJSONScaled(b *testing.B) {
	for _, f := range strings.Split(cmp.Or(os.Getenv("CCCS_BENCH_FACTORS"), "1"), ",") {
		factor, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || factor < 1 || factor > synth.MaxFactor {
			b.Fatalf("CCCS_BENCH_FACTORS: %q is not a factor from 1 to %d", f, synth.MaxFactor)
		}
		b.Run("x"+strconv.Itoa(factor), func(b *testing.B) {
			s := scaledStore(b, factor)
			const path = "/geo/communes.geojson"
			first := perOp(1, func() { serveOK(b, New(s, slog.New(slog.DiscardHandler), cached("")), path) })
			h := New(s, slog.New(slog.DiscardHandler), cached(""))
			serveOK(b, h, path)
			b.ReportAllocs()
			for b.Loop() {
				serveOK(b, h, path, "Accept-Encoding", "gzip")
			}
			b.ReportMetric(float64(first.Microseconds())/1000, "ms-first")
		})
	}
}

// scaledStore is an in-memory store with the default dataset copied factor
// times and the real communes.
func scaledStore(b *testing.B, factor int) *store.Store {
	if factor == 1 {
		return geostore.New(b)
	}
	s, err := synth.Open(ctx, factor)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	communes := store.File{Name: geotest.Communes, Data: geotest.Read(b, geotest.Communes)}
	if _, err := s.ImportLayer(ctx, store.Layer{Kind: "commune", File: communes, Source: "cog-insee-2018"}); err != nil {
		b.Fatal(err)
	}
	return s
}

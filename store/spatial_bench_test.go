package store

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/cccs13/cccs-graph/internal/geotest"
)

// The spatial index must hold the 35,000 communes of France. These
// benchmarks run the same queries on the 119 real communes of the
// Bouches-du-Rhône and on a synthetic grid of 35,000 polygons over
// metropolitan France, and report ratios, not times: this machine's speed
// is not a property of the code.

const (
	gridCols, gridRows  = 200, 175 // 35,000 cells
	gridWest, gridSouth = -5.0, 41.0
	gridEast, gridNorth = 9.5, 51.0
	gridChunk           = 2000 // features per layer import (one transaction each: at most 15 % of a memtable)
)

var (
	gridOnce  sync.Once
	gridStore *Store
)

// gridCell returns cell (i, j) as a 32-sided polygon inscribed in it: about
// the size of a real simplified commune's outline.
func gridCell(i, j int) orb.Polygon {
	w, h := (gridEast-gridWest)/gridCols, (gridNorth-gridSouth)/gridRows
	cx, cy := gridWest+(float64(i)+0.5)*w, gridSouth+(float64(j)+0.5)*h
	ring := make(orb.Ring, 0, 33)
	for k := range 32 {
		a := 2 * math.Pi * float64(k) / 32
		ring = append(ring, orb.Point{round5(cx + 0.49*w*math.Cos(a)), round5(cy + 0.49*h*math.Sin(a))})
	}
	return orb.Polygon{append(ring, ring[0])}
}

func round5(f float64) float64 { return math.Round(f*1e5) / 1e5 }

// grid35k returns a store holding the synthetic grid, built once.
func grid35k(b *testing.B) *Store {
	b.Helper()
	gridOnce.Do(func() {
		s, err := Open("", nil)
		if err != nil {
			panic(err)
		}
		var feats []map[string]any
		for n := range gridCols * gridRows {
			code := fmt.Sprintf("g%05d", n)
			feats = append(feats, geotest.Feature(code, "Cellule "+code, gridCell(n%gridCols, n/gridCols)))
			if len(feats) == gridChunk {
				name := fmt.Sprintf("grid-%d.geojson", n/gridChunk)
				if _, err := s.ImportLayer(ctx, Layer{Kind: "commune", File: File{Name: name, Data: geotest.FeatureCollection(feats...)}}); err != nil {
					panic(err)
				}
				feats = feats[:0]
			}
		}
		gridStore = s
	})
	return gridStore
}

// communes119 returns a store holding the real communes.
func communes119(b *testing.B) *Store {
	b.Helper()
	s := openTest(b)
	importLayer(b, s, "commune", geotest.Communes, "")
	return s
}

// benchQueries are comparable queries on both data sets: a point in a
// territory, and a box that meets about 20 territories.
func benchQueries(grid bool) map[string]GeoQuery {
	if grid {
		c := gridCell(100, 90).Bound().Center()
		box := BBox{c[0], c[1], c[0] + 0.26, c[1] + 0.16}
		return map[string]GeoQuery{"point": {Point: &Point{c[0], c[1]}}, "bbox": {BBox: &box}}
	}
	return map[string]GeoQuery{
		"point": {Point: pointOf(geotest.MarseillePoint)},
		"bbox":  {BBox: &etangDeBerre},
	}
}

func BenchmarkGeoSearch(b *testing.B) {
	for _, set := range []struct {
		name string
		open func(*testing.B) *Store
	}{{"communes-119", communes119}, {"grid-35000", grid35k}} {
		for _, qname := range []string{"point", "bbox"} {
			b.Run(set.name+"/"+qname, func(b *testing.B) {
				s := set.open(b)
				q := benchQueries(set.name != "communes-119")[qname]
				b.ReportAllocs()
				for b.Loop() {
					if es, err := s.GeoSearch(ctx, q); err != nil || len(es) == 0 {
						b.Fatalf("%s: %d results, %v", qname, len(es), err)
					}
				}
			})
		}
	}
}

// BenchmarkGeoScaling reports, for each query, the cost on 35,000 polygons
// over the cost on 119 communes (x35000/119; an index keeps it near 1), and
// how many times faster the R-tree finds the candidates than a scan of every
// bbox would (index-speedup).
func BenchmarkGeoScaling(b *testing.B) {
	small, large := communes119(b), grid35k(b)
	const rounds = 300
	for _, qname := range []string{"point", "bbox"} {
		b.Run(qname, func(b *testing.B) {
			for b.Loop() {
				tSmall := timeRounds(rounds, func() { small.GeoSearch(ctx, benchQueries(false)[qname]) })
				tLarge := timeRounds(rounds, func() { large.GeoSearch(ctx, benchQueries(true)[qname]) })
				q := benchQueries(true)[qname]
				idx := large.geo.Load()
				tTree := timeRounds(rounds, func() { idx.candidates(q) })
				tScan := timeRounds(rounds, func() { scanCandidates(idx, q) })
				b.ReportMetric(float64(tLarge)/float64(tSmall), "x35000/119")
				b.ReportMetric(float64(tScan)/float64(tTree), "index-speedup")
			}
		})
	}
}

func timeRounds(n int, fn func()) time.Duration {
	start := time.Now()
	for range n {
		fn()
	}
	return time.Since(start)
}

// scanCandidates is what the index saves: a test of every bbox.
func scanCandidates(idx *geoIndex, q GeoQuery) []GeoEntry {
	var boxes []orb.Bound
	if q.Point != nil {
		p := orb.Point{q.Point.Lon, q.Point.Lat}
		boxes = []orb.Bound{{Min: p, Max: p}}
	} else {
		boxes = q.BBox.bounds()
	}
	var out []GeoEntry
	for _, e := range idx.entries {
		eb := orb.Bound{Min: orb.Point{e.BBox[0], e.BBox[1]}, Max: orb.Point{e.BBox[2], e.BBox[3]}}
		for _, b := range boxes {
			if b.Intersects(eb) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// BenchmarkRebuildGrid measures the rebuild of the index over 35,000
// geometries, done at Open and after each import.
func BenchmarkRebuildGrid(b *testing.B) {
	s := grid35k(b)
	for b.Loop() {
		if err := s.rebuildGeoIndex(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(s.geo.Load().entries)), "territories")
}

package store

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"
)

// DecodeGeometry parses a stored GeoJSON geometry, for outputs that
// reproject or cut it (a Polygon is a MultiPolygon of one).
func DecodeGeometry(b []byte) (orb.MultiPolygon, error) { return parseStored(b) }

// SimplifyPolygons simplifies with Douglas-Peucker at a tolerance in the
// units of mp, dropping the rings that shrink below a valid ring; mp itself
// when every polygon would vanish (a territory is never simplified away).
func SimplifyPolygons(mp orb.MultiPolygon, tolerance float64) orb.MultiPolygon {
	if tolerance <= 0 {
		return mp
	}
	kept := dropDegenerate(simplify.DouglasPeucker(tolerance).MultiPolygon(mp.Clone()))
	if len(kept) == 0 {
		return mp
	}
	return kept
}

package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/dgraph-io/badger/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"

	"github.com/cccs13/cccs-graph/domain"
)

// BBox is a bounding box in WGS84 degrees: west, south, east, north. A box
// whose west is greater than its east crosses the antimeridian (RFC 7946 5.2).
type BBox [4]float64

// Point is a WGS84 position in degrees.
type Point struct{ Lon, Lat float64 }

// Geometry is the outline of a territory as stored: the GeoJSON geometry
// object (Polygon or MultiPolygon, RFC 7946 winding) and what was computed
// from it once at import.
type Geometry struct {
	Type     string // the territory's type, kept here so that the spatial index is rebuilt without reading nodes
	BBox     BBox
	Centroid Point  // planar centroid of the area, in degrees
	GeoJSON  []byte // {"type":"MultiPolygon","coordinates":...}, written to clients as is
}

// Validate checks a point. Returns EBADINPUT outside the longitude and latitude ranges.
func (p Point) Validate() error {
	if !inRange(p.Lon, 180) || !inRange(p.Lat, 90) {
		return domain.Errorf(domain.EBADINPUT, "point (%g, %g) is not a WGS84 longitude, latitude: longitude -180 to 180, latitude -90 to 90", p.Lon, p.Lat)
	}
	return nil
}

// Validate checks a box given by a client. Returns EBADINPUT when a corner is
// out of range or south is above north.
func (b BBox) Validate() error {
	if !inRange(b[0], 180) || !inRange(b[2], 180) || !inRange(b[1], 90) || !inRange(b[3], 90) {
		return domain.Errorf(domain.EBADINPUT, "bbox %v is not in WGS84 degrees: west and east -180 to 180, south and north -90 to 90", b[:])
	}
	if b[1] > b[3] {
		return domain.Errorf(domain.EBADINPUT, "bbox %v: south %g is above north %g", b[:], b[1], b[3])
	}
	return nil
}

func inRange(v, limit float64) bool { return v >= -limit && v <= limit }

// Contains reports whether p lies in b, its edges included.
func (b BBox) Contains(p Point) bool {
	for _, bound := range b.bounds() {
		if bound.Bound().Contains(orb.Point{p.Lon, p.Lat}) {
			return true
		}
	}
	return false
}

// Union returns the box covering b and o (boxes that cross the antimeridian
// are not merged: the union of a layer's boxes is for its extent).
func (b BBox) Union(o BBox) BBox {
	return BBox{min(b[0], o[0]), min(b[1], o[1]), max(b[2], o[2]), max(b[3], o[3])}
}

// bounds returns b as orb bounds: two when it crosses the antimeridian.
func (b BBox) bounds() []orb.Bound {
	if b[0] <= b[2] {
		return []orb.Bound{{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}}
	}
	return []orb.Bound{
		{Min: orb.Point{b[0], b[1]}, Max: orb.Point{180, b[3]}},
		{Min: orb.Point{-180, b[1]}, Max: orb.Point{b[2], b[3]}},
	}
}

func bboxOf(b orb.Bound) BBox { return BBox{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} }

// geoJSONGeometry is a GeoJSON geometry object. orb's geojson package is not
// used: it imports a MongoDB driver for BSON, and two types need no more.
type geoJSONGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// marshalGeometry writes a Polygon or MultiPolygon as a GeoJSON geometry object
// (orb's points are [2]float64, so they marshal as [lon, lat]).
func marshalGeometry(g orb.Geometry) ([]byte, error) {
	c, err := json.Marshal(g)
	if err != nil {
		return nil, err
	}
	return json.Marshal(geoJSONGeometry{Type: g.GeoJSONType(), Coordinates: c})
}

// newGeometry computes what is stored for a validated polygon or multipolygon
// of a territory of type typ.
func newGeometry(typ string, g orb.Geometry) (*Geometry, error) {
	b, err := marshalGeometry(g)
	if err != nil {
		return nil, err
	}
	c, _ := planar.CentroidArea(g)
	return &Geometry{Type: typ, BBox: bboxOf(g.Bound()), Centroid: Point{c[0], c[1]}, GeoJSON: b}, nil
}

// The geometry value: a version byte, the bbox and the centroid as six
// big-endian float64s, the territory type (one length byte, then the bytes),
// then the GeoJSON bytes. Binary, not JSON, so that the spatial index is
// rebuilt without parsing and the GeoJSON is served without decoding.
const (
	geometryVersion byte = 1
	geometryFloats       = 1 + 6*8 // where the type starts
)

func encodeGeometry(g *Geometry) []byte {
	b := make([]byte, 1, geometryFloats+1+len(g.Type)+len(g.GeoJSON))
	b[0] = geometryVersion
	for _, f := range []float64{g.BBox[0], g.BBox[1], g.BBox[2], g.BBox[3], g.Centroid.Lon, g.Centroid.Lat} {
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(f))
	}
	b = append(b, byte(len(g.Type)))
	b = append(b, g.Type...)
	return append(b, g.GeoJSON...)
}

// decodeGeometry reads a geometry value. Its GeoJSON aliases v: copy it to
// keep it past the Badger callback.
func decodeGeometry(v []byte) (Geometry, error) {
	if len(v) <= geometryFloats || v[0] != geometryVersion || len(v) < geometryFloats+1+int(v[geometryFloats]) {
		return Geometry{}, fmt.Errorf("geometry value version %v unknown or value truncated", v[:min(len(v), 1)])
	}
	f := func(i int) float64 { return math.Float64frombits(binary.BigEndian.Uint64(v[1+8*i:])) }
	typeEnd := geometryFloats + 1 + int(v[geometryFloats])
	return Geometry{
		Type: string(v[geometryFloats+1 : typeEnd]),
		BBox: BBox{f(0), f(1), f(2), f(3)}, Centroid: Point{f(4), f(5)},
		GeoJSON: v[typeEnd:],
	}, nil
}

// Geometry returns the geometry of a territory. Returns ENOTFOUND when it has none.
func (s *Store) Geometry(ctx context.Context, id string) (*Geometry, error) {
	gs, err := s.Geometries(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if gs[0] == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "territory %q has no geometry", id)
	}
	return gs[0], nil
}

// Geometries returns the geometries of territories in one read, in the order
// of the ids, with nil where a territory has none.
func (s *Store) Geometries(ctx context.Context, ids []string) ([]*Geometry, error) {
	out := make([]*Geometry, len(ids))
	err := s.view(ctx, func(txn *badger.Txn) error {
		for i, id := range ids {
			err := withGeometry(txn, id, func(g *Geometry) error {
				g.GeoJSON = append([]byte(nil), g.GeoJSON...)
				out[i] = g
				return nil
			})
			if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
				return err
			}
		}
		return nil
	})
	return out, err
}

// withGeometry calls fn with the stored geometry of id, whose GeoJSON is
// valid only during the call. Returns ENOTFOUND when there is none.
func withGeometry(txn *badger.Txn, id string, fn func(*Geometry) error) error {
	item, err := txn.Get(geometryKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return domain.Errorf(domain.ENOTFOUND, "territory %q has no geometry", id)
	}
	if err != nil {
		return err
	}
	return item.Value(func(v []byte) error {
		g, err := decodeGeometry(v)
		if err != nil {
			return err
		}
		return fn(&g)
	})
}

// putGeometry writes a territory's geometry unless it is stored as it is.
// Reports whether it wrote.
func putGeometry(txn *badger.Txn, id string, g *Geometry) (bool, error) {
	val := encodeGeometry(g)
	item, err := txn.Get(geometryKey(id))
	switch {
	case err == nil:
		same := false
		if err := item.Value(func(v []byte) error { same = string(v) == string(val); return nil }); err != nil || same {
			return false, err
		}
	case !errors.Is(err, badger.ErrKeyNotFound):
		return false, err
	}
	return true, txn.Set(geometryKey(id), val)
}

// retypeGeometry keeps the type in a territory's geometry value equal to the
// node's, when a dataset import changes it.
func retypeGeometry(txn *badger.Txn, id, typ string) error {
	var g *Geometry
	err := withGeometry(txn, id, func(stored *Geometry) error {
		c := *stored
		c.GeoJSON = append([]byte(nil), stored.GeoJSON...)
		g = &c
		return nil
	})
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	g.Type = typ
	_, err = putGeometry(txn, id, g)
	return err
}

// parseStored parses a stored GeoJSON geometry (valid by construction).
func parseStored(b []byte) (orb.MultiPolygon, error) {
	var g geoJSONGeometry
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("stored geometry: %w", err)
	}
	var mp orb.MultiPolygon
	var err error
	switch g.Type {
	case "MultiPolygon":
		err = json.Unmarshal(g.Coordinates, &mp)
	case "Polygon":
		mp = orb.MultiPolygon{nil}
		err = json.Unmarshal(g.Coordinates, &mp[0])
	default:
		err = fmt.Errorf("type %q", g.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("stored geometry: %w", err)
	}
	return mp, nil
}

// SimplifyGeoJSON simplifies a stored geometry with Douglas-Peucker at a
// tolerance in degrees, for light maps (0.001 degree is about 100 m here).
// Rings and polygons that shrink below a valid ring (4 positions) are
// dropped, so small islands vanish first; a territory is never simplified
// away: when every polygon would vanish, the geometry is returned as it is.
// Returns EBADINPUT for a negative or non-finite tolerance.
func SimplifyGeoJSON(b []byte, tolerance float64) ([]byte, error) {
	if tolerance < 0 || math.IsNaN(tolerance) || math.IsInf(tolerance, 0) {
		return nil, domain.Errorf(domain.EBADINPUT, "simplify: the tolerance is a distance in degrees, 0 or more, not %g", tolerance)
	}
	if tolerance == 0 {
		return b, nil
	}
	mp, err := parseStored(b)
	if err != nil {
		return nil, err
	}
	kept := dropDegenerate(simplify.DouglasPeucker(tolerance).MultiPolygon(mp))
	if len(kept) == 0 {
		return b, nil
	}
	var out orb.Geometry = kept
	if len(kept) == 1 {
		out = kept[0]
	}
	return marshalGeometry(out)
}

// dropDegenerate removes rings with fewer than 4 positions, and polygons
// whose exterior ring is one of them.
func dropDegenerate(mp orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, p := range mp {
		if len(p) == 0 || len(p[0]) < 4 {
			continue
		}
		q := orb.Polygon{p[0]}
		for _, hole := range p[1:] {
			if len(hole) >= 4 {
				q = append(q, hole)
			}
		}
		out = append(out, q)
	}
	return out
}

// Feature is a territory with its geometry, for map outputs.
type Feature struct {
	Node     *domain.Node
	Geometry *Geometry // its GeoJSON is valid only during the callback
	Commune  string    // zones, priority areas, ITC territories: INSEE code of the commune they lie in
}

// Features reads the territories with these ids and their geometries in one
// read transaction and calls fn for each, in order, so that a map output
// streams the stored bytes without copying them. Ids without geometry are
// skipped. fn must not keep Geometry.GeoJSON. Returns ENOTFOUND for an id
// that is no node.
func (s *Store) Features(ctx context.Context, ids []string, fn func(*Feature) error) error {
	return s.view(ctx, func(txn *badger.Txn) error {
		for _, id := range ids {
			f := &Feature{Node: &domain.Node{}}
			if err := getNode(txn, id, f.Node); err != nil {
				return err
			}
			commune, err := communeOf(txn, f.Node)
			if err != nil {
				return err
			}
			f.Commune = commune
			err = withGeometry(txn, id, func(g *Geometry) error {
				f.Geometry = g
				return fn(f)
			})
			if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
				return err
			}
		}
		return nil
	})
}

// communeOf returns the code of the commune a territory lies in, for the
// types whose layers carry a `commune` property; "" otherwise.
func communeOf(txn *badger.Txn, n *domain.Node) (string, error) {
	if !slices.Contains(layerProperties(n.Field("type")), "commune") {
		return "", nil
	}
	rels, err := relations(txn, RelQuery{ID: n.ID, Dir: domain.Out, Kinds: []domain.RelKind{domain.RelPartOf}})
	if err != nil {
		return "", err
	}
	for _, r := range rels {
		var parent domain.Node
		if err := getNode(txn, r.To, &parent); err != nil {
			return "", err
		}
		if parent.Field("type") == "commune" {
			return parent.Field("code"), nil
		}
	}
	return "", nil
}

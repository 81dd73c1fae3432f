package store

import (
	"cmp"
	"context"
	"slices"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
	"github.com/tidwall/rtree"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/bytelru"
)

// The spatial index is an R-tree of the territories' bboxes (tidwall/rtree),
// held in memory and rebuilt from the stored geometry values at Open and
// after every import that changes data. A bbox or point query takes the
// candidates from the tree, then tests the real geometry (read from Badger)
// only where the bbox alone cannot decide.

// GeoEntry is a territory with geometry as the spatial index knows it.
type GeoEntry struct {
	ID   string
	Type string // territory type
	BBox BBox
}

// GeoLayer sums up the territories with geometry of one type.
type GeoLayer struct {
	Type   string
	Count  int
	Extent BBox
}

// geoIndex is one immutable snapshot of the index.
type geoIndex struct {
	version uint64 // the data version it was read at
	tree    rtree.RTreeG[GeoEntry]
	entries []GeoEntry // in id order
	layers  []GeoLayer // in the order of TerritoryTypes, types with geometry only
}

// rebuildGeoIndex reads the index at the version published and swaps it in.
// Every write that changes a geometry rebuilds it, so it holds every version
// from its own on. Rebuilds are serialised, so the last one to finish has
// read the last committed data; they forget the indexes of earlier versions
// (a restore may publish a version number again with other data).
func (s *Store) rebuildGeoIndex(ctx context.Context) error {
	s.geoMu.Lock()
	defer s.geoMu.Unlock()
	idx, err := s.readGeoIndex(ctx)
	if err != nil {
		return err
	}
	s.geo.Store(idx)
	s.pastGeo.purge()
	return nil
}

// readGeoIndex reads the header of every geometry value (bbox and territory
// type) at the version s reads.
func (s *Store) readGeoIndex(ctx context.Context) (*geoIndex, error) {
	idx := &geoIndex{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		idx.version = txn.ReadTs()
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pGeometry}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := scanDone(ctx, len(idx.entries)); err != nil {
				return err
			}
			e := GeoEntry{ID: string(it.Item().Key()[1:])}
			err := it.Item().Value(func(v []byte) error {
				g, err := decodeGeometry(v)
				e.Type, e.BBox = g.Type, g.BBox
				return err
			})
			if err != nil {
				return err
			}
			idx.entries = append(idx.entries, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	idx.build()
	return idx, nil
}

// index returns the spatial index of the version s reads: the shared one
// when s reads a version it holds, else (a knownAt before the last change of
// a geometry) one read at that version, kept since that version never
// changes.
func (s *Store) index(ctx context.Context) (*geoIndex, error) {
	idx := s.geo.Load()
	v := s.readVersion()
	if v >= idx.version {
		return idx, nil
	}
	return s.pastGeo.get(ctx, v, s.readGeoIndex)
}

// pastIndexes keeps the spatial indexes of earlier versions that knownAt
// queries asked for, bounded in bytes, each built once while its other
// readers wait within their deadlines (bytelru.Cache). Its own version is
// the count of purges: a build begun before one is not kept.
type pastIndexes struct {
	gen   atomic.Uint64
	cache *bytelru.Cache[uint64, *geoIndex]
}

// Bounds of the indexes of earlier versions kept: bytes (an index of a few
// thousand territories at most, an eighth), and their number.
const (
	pastIndexBytes = 4 << 20
	maxPastIndexes = 64
)

func newPastIndexes() *pastIndexes {
	return &pastIndexes{cache: bytelru.NewCache[uint64](pastIndexBytes, maxPastIndexes, func(idx *geoIndex) int {
		w := 64
		for _, e := range idx.entries {
			w += 2*len(e.ID) + len(e.Type) + 96 // the entry, in the list and in the tree
		}
		return w
	})}
}

// get returns the index of version v: kept, built by another read under
// way, or read now.
func (p *pastIndexes) get(ctx context.Context, v uint64, read func(context.Context) (*geoIndex, error)) (*geoIndex, error) {
	return p.cache.Do(ctx, p.gen.Load(), v, func() (*geoIndex, bool, error) {
		idx, err := read(ctx)
		return idx, err == nil, err
	})
}

func (p *pastIndexes) purge() { p.gen.Add(1) }

// build fills the tree and the per-type summaries from the entries.
func (idx *geoIndex) build() {
	byType := map[string]*GeoLayer{}
	for _, e := range idx.entries {
		idx.tree.Insert([2]float64{e.BBox[0], e.BBox[1]}, [2]float64{e.BBox[2], e.BBox[3]}, e)
		l := byType[e.Type]
		if l == nil {
			l = &GeoLayer{Type: e.Type, Extent: e.BBox}
			byType[e.Type] = l
		}
		l.Count++
		l.Extent = l.Extent.Union(e.BBox)
	}
	for _, t := range domain.TerritoryTypes {
		if l := byType[t]; l != nil {
			idx.layers = append(idx.layers, *l)
		}
	}
}

// GeoLayers returns, for each territory type that has geometry, how many
// territories have one and their extent, in the order of TerritoryTypes.
func (s *Store) GeoLayers(ctx context.Context) []GeoLayer {
	return slices.Clone(s.geo.Load().layers)
}

// GeoQuery selects territories by their geometry.
type GeoQuery struct {
	Types []string // territory types; none: every type
	BBox  *BBox    // the geometry shares some area with the box
	Point *Point   // the geometry contains the point (its boundary included)
}

// GeoSearch returns the territories with geometry that match q, in id order.
// Point-in-polygon is exact on multipolygons with holes; a box matches a
// territory whose area meets it, not merely its bbox.
// Returns EBADINPUT for a box or point out of range.
func (s *Store) GeoSearch(ctx context.Context, q GeoQuery) ([]GeoEntry, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	idx, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	cands, undecided := idx.candidates(q)
	if len(undecided) > 0 {
		rejected, err := s.rejectExactly(ctx, q, undecided)
		if err != nil {
			return nil, err
		}
		cands = slices.DeleteFunc(cands, func(e GeoEntry) bool { return rejected[e.ID] })
	}
	return cands, nil
}

func (q GeoQuery) validate() error {
	if q.BBox != nil {
		if err := q.BBox.Validate(); err != nil {
			return err
		}
	}
	if q.Point != nil {
		return q.Point.Validate()
	}
	return nil
}

// candidates returns the entries of the wanted types whose bbox matches, in
// id order, and the ids among them whose geometry must be read to decide.
func (idx *geoIndex) candidates(q GeoQuery) ([]GeoEntry, []string) {
	var boxes []orb.Bound
	switch {
	case q.Point != nil:
		p := orb.Point{q.Point.Lon, q.Point.Lat}
		boxes = []orb.Bound{{Min: p, Max: p}}
	case q.BBox != nil:
		boxes = q.BBox.bounds()
	default:
		return slices.DeleteFunc(slices.Clone(idx.entries), func(e GeoEntry) bool { return !wanted(q.Types, e) }), nil
	}
	seen := map[string]bool{}
	var out []GeoEntry
	var undecided []string
	for _, b := range boxes {
		idx.tree.Search(b.Min, b.Max, func(_, _ [2]float64, e GeoEntry) bool {
			if seen[e.ID] || !wanted(q.Types, e) {
				return true
			}
			seen[e.ID] = true
			out = append(out, e)
			if q.Point != nil || !covers(boxes, e.BBox) {
				undecided = append(undecided, e.ID)
			}
			return true
		})
	}
	slices.SortFunc(out, func(a, b GeoEntry) int { return cmp.Compare(a.ID, b.ID) })
	return out, undecided
}

func wanted(types []string, e GeoEntry) bool {
	return len(types) == 0 || slices.Contains(types, e.Type)
}

// covers reports whether one of the boxes holds the whole bbox: then the
// territory meets the box without a look at its geometry.
func covers(boxes []orb.Bound, b BBox) bool {
	for _, q := range boxes {
		if q.Min[0] <= b[0] && q.Min[1] <= b[1] && q.Max[0] >= b[2] && q.Max[1] >= b[3] {
			return true
		}
	}
	return false
}

// rejectExactly reads the geometries of ids and returns those that do not
// match q.
func (s *Store) rejectExactly(ctx context.Context, q GeoQuery, ids []string) (map[string]bool, error) {
	rejected := map[string]bool{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		for _, id := range ids {
			err := withGeometry(txn, id, func(g *Geometry) error {
				mp, err := parseStored(g.GeoJSON)
				if err != nil {
					return err
				}
				rejected[id] = !matches(q, mp)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return rejected, err
}

// matches tests a geometry against the point or the box of q.
func matches(q GeoQuery, mp orb.MultiPolygon) bool {
	if q.Point != nil {
		return planar.MultiPolygonContains(mp, orb.Point{q.Point.Lon, q.Point.Lat})
	}
	for _, b := range q.BBox.bounds() {
		if meets(mp.Clone(), b) {
			return true
		}
	}
	return false
}

// meets reports whether a multipolygon and a box share some area: the
// polygon clipped to the box (orb/clip, which works in place) keeps an area.
// A box of no width or height meets what the clip leaves anything of.
func meets(mp orb.MultiPolygon, b orb.Bound) bool {
	clipped := clip.MultiPolygon(b, mp)
	if len(clipped) == 0 {
		return false
	}
	if b.Min[0] == b.Max[0] || b.Min[1] == b.Max[1] {
		return true
	}
	return planar.Area(clipped) > 0
}

package geo

import (
	"context"
	"math"

	"github.com/paulmach/orb"

	"github.com/cccs13/cccs-graph/store"
)

// mapFeature is a feature selected for an answer, before its geometry is
// read: territories' geometries are streamed from the store afterwards.
type mapFeature struct {
	id       string
	bbox     store.BBox // CRS84; for a facility without a point, none
	hasBBox  bool
	props    props
	facility *facility // nil for a territory
}

// query is what a features request selects: a collection as of a date,
// within a box, by a filter.
type query struct {
	c      collection
	nw     *network
	box    *store.BBox
	point  *store.Point
	filter expr
	w      when
}

// newQuery checks the collection-dependent parameters and joins the
// network as of the date asked.
func (h *handler) newQuery(ctx context.Context, c collection, p params, version uint64) (query, error) {
	q := query{c: c, box: p.bbox, point: p.point, w: p.when}
	if err := checkProperties(p.keep, c.schema()); err != nil {
		return q, err
	}
	var terms []expr
	for _, text := range []string{p.filter, p.equalsText(c.schema())} {
		if text == "" {
			continue
		}
		e, err := parseFilter(text, c.schema(), p.filterCRS)
		if err != nil {
			return q, err
		}
		terms = append(terms, e)
	}
	switch len(terms) {
	case 1:
		q.filter = terms[0]
	case 2:
		q.filter = logical{"AND", terms}
	}
	nw, err := h.networks.get(ctx, h.s, version, p.when.asOf)
	q.nw = nw
	return q, err
}

// run returns the features that match, in id order.
func (h *handler) run(ctx context.Context, q query) ([]mapFeature, error) {
	var all []mapFeature
	var err error
	if q.c.Facilities {
		all = q.facilities()
	} else if all, err = h.territories(ctx, q.c.Types, q.box, q.point, q.nw); err != nil {
		return nil, err
	}
	if q.filter == nil {
		return all, nil
	}
	spatial, err := h.spatialMatcher(ctx, q)
	if err != nil {
		return nil, err
	}
	kept := all[:0]
	for _, f := range all {
		if eval(q.filter, f.props, func(e intersects) bool { return spatial(e, f) }) == isTrue {
			kept = append(kept, f)
		}
	}
	return kept, nil
}

// territories runs a spatial query and joins each territory's properties.
func (h *handler) territories(ctx context.Context, types []string, box *store.BBox, point *store.Point, nw *network) ([]mapFeature, error) {
	entries, err := h.s.GeoSearch(ctx, store.GeoQuery{Types: types, BBox: box, Point: point})
	if err != nil {
		return nil, err
	}
	out := make([]mapFeature, 0, len(entries))
	for _, e := range entries {
		if t := nw.territories[e.ID]; t != nil {
			out = append(out, mapFeature{id: e.ID, bbox: e.BBox, hasBBox: true, props: nw.territoryProperties(t)})
		}
	}
	return out, nil
}

// facilities returns the facilities that exist at some time of the period
// asked, within the box or at the point.
func (q query) facilities() []mapFeature {
	var out []mapFeature
	for _, f := range q.nw.facilities {
		if !q.w.meets(f.life) {
			continue
		}
		m := mapFeature{id: f.node.ID, props: q.nw.facilityProperties(f), facility: f}
		if f.point != nil {
			m.bbox, m.hasBBox = store.BBox{f.point[0], f.point[1], f.point[0], f.point[1]}, true
		}
		if (q.box != nil || q.point != nil) && !(m.hasBBox && pointMatches(*f.point, q.box, q.point)) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// pointMatches reports whether a facility's point lies in the box (its
// edges included) or is the point (to a millionth of a degree).
func pointMatches(p orb.Point, box *store.BBox, point *store.Point) bool {
	if box != nil && !inBox(p, *box) {
		return false
	}
	const eps = 1e-6
	return point == nil || math.Abs(p[0]-point.Lon) < eps && math.Abs(p[1]-point.Lat) < eps
}

// inBox reports whether p is in b; a box with west > east crosses the
// antimeridian.
func inBox(p orb.Point, b store.BBox) bool {
	if p[1] < b[1] || p[1] > b[3] {
		return false
	}
	if b[0] <= b[2] {
		return p[0] >= b[0] && p[0] <= b[2]
	}
	return p[0] >= b[0] || p[0] <= b[2]
}

// spatialMatcher answers the S_INTERSECTS of a filter: for territories, each
// literal is one query of the spatial index (exact on the outlines); for
// facilities, a test of the point.
func (h *handler) spatialMatcher(ctx context.Context, q query) (func(intersects, mapFeature) bool, error) {
	if q.c.Facilities {
		return func(e intersects, f mapFeature) bool {
			return f.facility.point != nil && pointMatches(*f.facility.point, e.box, e.point)
		}, nil
	}
	terms := spatialTerms(q.filter)
	hits := make([]map[string]bool, len(terms))
	for i, e := range terms {
		entries, err := h.s.GeoSearch(ctx, store.GeoQuery{Types: q.c.Types, BBox: e.box, Point: e.point})
		if err != nil {
			return nil, err
		}
		hits[i] = map[string]bool{}
		for _, en := range entries {
			hits[i][en.ID] = true
		}
	}
	return func(e intersects, f mapFeature) bool {
		for i, t := range terms {
			if t == e {
				return hits[i][f.id]
			}
		}
		return false
	}, nil
}

package graph

import (
	"context"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

// geoPredicate turns the geographic fields of a territory filter (bbox,
// containsPoint, hasGeometry) into one predicate, answered by the store's
// spatial index. Returns BAD_USER_INPUT for a malformed box or point.
func (r *Resolver) geoPredicate(ctx context.Context, filter *model.TerritoryFilter) (func(*domain.Node) bool, error) {
	q := store.GeoQuery{Types: storeNames(filter.Kinds)}
	if filter.Bbox != nil {
		if len(filter.Bbox) != 4 {
			return nil, domain.Errorf(domain.EBADINPUT, "bbox is [west, south, east, north]: 4 numbers, not %d", len(filter.Bbox))
		}
		q.BBox = &store.BBox{filter.Bbox[0], filter.Bbox[1], filter.Bbox[2], filter.Bbox[3]}
	}
	if p := filter.ContainsPoint; p != nil {
		q.Point = &store.Point{Lon: p.Lon, Lat: p.Lat}
	}
	entries, err := r.Store.GeoSearch(ctx, q)
	if err != nil {
		return nil, err
	}
	matched := make(map[string]bool, len(entries))
	for _, e := range entries {
		matched[e.ID] = true
	}
	if filter.HasGeometry != nil && !*filter.HasGeometry {
		if q.BBox != nil || q.Point != nil {
			return func(*domain.Node) bool { return false }, nil // no geometry meets a box or a point
		}
		// The search returned every territory with a geometry: keep the others.
		return func(n *domain.Node) bool { return !matched[n.ID] }, nil
	}
	return func(n *domain.Node) bool { return matched[n.ID] }, nil
}

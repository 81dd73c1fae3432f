package store

import (
	"context"
	"slices"

	"github.com/cccs13/cccs-graph/domain"
)

// BruteForce is the reference of search for the tests of package
// store_test: it reads every node of the store, no index, ranks each one
// that is of one of kinds (all when none) and sorts them by cursor.
func BruteForce(ctx context.Context, s *Store, query string, kinds []domain.Kind) ([]SearchHit, error) {
	q, err := parseQuery(query)
	if err != nil {
		return nil, err
	}
	var hits []SearchHit
	for _, info := range domain.Kinds {
		if len(kinds) > 0 && !slices.Contains(kinds, info.Kind) {
			continue
		}
		nodes, err := s.NodesOfKind(ctx, info.Kind)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			if h, ok := q.rank(n); ok {
				h.cursor = hitCursor(h)
				hits = append(hits, h)
			}
		}
	}
	slices.SortFunc(hits, func(a, b SearchHit) int { return a.cursor.Compare(b.cursor) })
	return hits, nil
}

// SearchOrder is the order search cursors belong to.
const SearchOrder = searchOrder

// PageWork is what pages have read so far: posting entries, nodes ranked.
func PageWork() (postings, nodes int64) { return postingsRead.Load(), nodesRanked.Load() }

package graph

import (
	"context"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/loaders"
	"github.com/cccs13/cccs-graph/store"
)

// The GraphQL layer reads the network through these interfaces, never a
// concrete store: *store.Store implements them all, and a test fake, a read
// replica or another engine may stand in. Every method takes the request's
// context, whose deadline stops a long scan or walk (the context's error is
// returned as it is). Codes other than those listed are EINTERNAL.
//
// The write side (authenticated edits with history) has its own Writer
// interface, beside Reader, so that a read-only deployment needs none.
type (
	// NodeReader reads nodes one by one and lists a kind, for pages.
	NodeReader interface {
		// Node returns ENOTFOUND for an unknown id.
		Node(ctx context.Context, id string) (*domain.Node, error)
		// NodesOfKind lists a kind in id order; EBADINPUT for an unknown kind.
		NodesOfKind(ctx context.Context, kind domain.Kind) ([]*domain.Node, error)
		// OrderedPage reads a page of a kind in an order from an index, and
		// false when no index covers the version read; EBADINPUT for an
		// unknown kind or a bad cursor.
		OrderedPage(ctx context.Context, q store.PageQuery) (store.Page[*domain.Node], bool, error)
	}
	// Searcher finds nodes by name.
	Searcher interface {
		// SearchPage returns a page of hits, best first; EBADINPUT for an
		// empty or too long query, one with no letter or digit, an unknown
		// kind, a page size out of range or a cursor of another list.
		SearchPage(ctx context.Context, req store.SearchRequest) (store.Page[store.SearchHit], error)
	}
	// Walker walks the graph from a node.
	Walker interface {
		// Neighborhood returns EBADINPUT for a depth out of range or an unknown
		// relation kind, ENOTFOUND for an unknown id.
		Neighborhood(ctx context.Context, id string, depth int, w store.Walk) (*store.Subgraph, error)
		// ShortestPath returns false when there is no path; EBADINPUT for a
		// maxDepth out of range or a search that reaches too many nodes,
		// ENOTFOUND for an unknown id.
		ShortestPath(ctx context.Context, from, to string, maxDepth int, w store.Walk) (*store.Path, bool, error)
	}
	// HistoryReader reads the network over time.
	HistoryReader interface {
		Timeline(ctx context.Context, from, to domain.Date, kinds []domain.RelKind, events bool) ([]store.TimelineEntry, error)
		Snapshot(ctx context.Context, asOf domain.Date) (*store.Snapshot, error)
		SignatoriesByYear(ctx context.Context, agreement string, first, last int) ([]store.YearCount, error)
	}
	// GeoReader finds territories in space.
	GeoReader interface {
		// GeoSearch returns EBADINPUT for a malformed box or point.
		GeoSearch(ctx context.Context, q store.GeoQuery) ([]store.GeoEntry, error)
	}
	// Versioned says which version of the data a read sees: caches key on it.
	Versioned interface {
		DataVersion(ctx context.Context) (uint64, error)
	}

	// Recorded reads the edit history.
	Recorded interface {
		// History lists the changes of one node or relation, oldest first.
		History(ctx context.Context, t store.Target) ([]*store.Change, error)
		// Changes lists the changes of the whole graph that match q, oldest first.
		Changes(ctx context.Context, q store.ChangeQuery) ([]*store.Change, error)
		// Relation returns ENOTFOUND for an unknown relation id, EBADINPUT
		// for an id that is none.
		Relation(ctx context.Context, id string) (*domain.Relation, error)
		// VersionAt is the version published last at or before an instant
		// (0 before the first write).
		VersionAt(ctx context.Context, t time.Time) (uint64, error)
	}

	// Reader is everything the GraphQL layer reads.
	Reader interface {
		loaders.Reader
		NodeReader
		Searcher
		Walker
		HistoryReader
		GeoReader
		Versioned
		Recorded
	}

	// Writer edits the network. Each method is one synced transaction with
	// the records, their indexes and their change records, and returns what
	// it wrote. Updates and deletions take the version the caller read:
	// ECONFLICT when it is stale (nothing written). EBADINPUT for a bad
	// record or reference (with its field path), ENOTFOUND for an unknown
	// target, ECONFLICT for an id in use or a node with relations.
	Writer interface {
		CreateNode(ctx context.Context, n *domain.Node, rels []*domain.Relation, m store.Meta) (*store.Written, error)
		UpdateNode(ctx context.Context, id string, expected uint64, change func(*domain.Node) error, m store.Meta) (*store.Written, error)
		DeleteNode(ctx context.Context, id string, expected uint64, withRelations bool, m store.Meta) (*store.Written, error)
		AddRelation(ctx context.Context, r *domain.Relation, m store.Meta) (*store.Written, error)
		UpdateRelation(ctx context.Context, id string, expected uint64, op string, change func(*domain.Relation) error, m store.Meta) (*store.Written, error)
		DeleteRelation(ctx context.Context, id string, expected uint64, m store.Meta) (*store.Written, error)
	}
)

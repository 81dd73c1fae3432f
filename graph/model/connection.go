package model

import "github.com/cccs13/cccs-graph/store"

// Connection is a page of nodes or relations: every XConnection type of the
// schema whose edges carry only a cursor is this type, made with NewEdges.
type Connection[T any] struct {
	// Number of items that match, over all pages.
	TotalCount int `json:"totalCount"`
	// Page information.
	PageInfo *PageInfo `json:"pageInfo"`
	// The items with their cursors.
	Edges []*Edge[T] `json:"edges"`
	// The items.
	Nodes []T `json:"nodes"`
}

// Edge is an item of a Connection with its cursor, written when asked: a
// cursor is JSON and base64 (store.Cursor.String), and most queries of a
// page select the nodes, not the cursors.
type Edge[T any] struct {
	// The item.
	Node   T `json:"node"`
	cursor store.Cursor
}

// Cursor is the opaque cursor for `after` and `before`.
func (e *Edge[T]) Cursor() string { return e.cursor.String() }

// NewEdges makes the edges of a page's nodes, with their cursors (as many),
// in one allocation.
func NewEdges[T any](nodes []T, cursors []store.Cursor) []*Edge[T] {
	edges := make([]Edge[T], len(nodes))
	out := make([]*Edge[T], len(nodes))
	for i, n := range nodes {
		edges[i] = Edge[T]{Node: n, cursor: cursors[i]}
		out[i] = &edges[i]
	}
	return out
}

// The connections of the node collections, bound by gqlgen to the schema's types.
type (
	AgreementConnection    = Connection[*Agreement]
	AgreementEdge          = Edge[*Agreement]
	AmendmentConnection    = Connection[*Amendment]
	AmendmentEdge          = Edge[*Amendment]
	ArticleConnection      = Connection[*Article]
	ArticleEdge            = Edge[*Article]
	BodyConnection         = Connection[*Body]
	BodyEdge               = Edge[*Body]
	EventConnection        = Connection[*Event]
	EventEdge              = Edge[*Event]
	FacilityConnection     = Connection[*Facility]
	FacilityEdge           = Edge[*Facility]
	FacilityTypeConnection = Connection[*FacilityType]
	FacilityTypeEdge       = Edge[*FacilityType]
	FigureConnection       = Connection[*Figure]
	FigureEdge             = Edge[*Figure]
	ObjectiveConnection    = Connection[*Objective]
	ObjectiveEdge          = Edge[*Objective]
	OrganizationConnection = Connection[*Organization]
	OrganizationEdge       = Edge[*Organization]
	OrientationConnection  = Connection[*Orientation]
	OrientationEdge        = Edge[*Orientation]
	PersonConnection       = Connection[*Person]
	PersonEdge             = Edge[*Person]
	ProgrammeConnection    = Connection[*Programme]
	ProgrammeEdge          = Edge[*Programme]
	RelationConnection     = Connection[*Relation]
	RelationEdge           = Edge[*Relation]
	SourceConnection       = Connection[*Source]
	SourceEdge             = Edge[*Source]
	TerritoryConnection    = Connection[*Territory]
	TerritoryEdge          = Edge[*Territory]
	ThemeConnection        = Connection[*Theme]
	ThemeEdge              = Edge[*Theme]
)

// SearchEdge is a node found by search, with its cursor, written when asked.
type SearchEdge struct {
	// How well the node matches (the schema says how to read it).
	Score float64 `json:"score"`
	// The name, short name or alias that matched best.
	Matched string `json:"matched"`
	// The node.
	Node   Node `json:"node"`
	cursor store.Cursor
}

// NewSearchEdge makes the edge of a hit.
func NewSearchEdge(node Node, score float64, matched string, cursor store.Cursor) SearchEdge {
	return SearchEdge{Score: score, Matched: matched, Node: node, cursor: cursor}
}

// Cursor is the opaque cursor for `after`.
func (e *SearchEdge) Cursor() string { return e.cursor.String() }

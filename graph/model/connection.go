package model

// Connection is a page of a node collection: every XConnection type of the
// schema whose edges carry only a cursor is this type, so one builder
// (graph.connection) makes them all.
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

// Edge is an item of a Connection with its cursor.
type Edge[T any] struct {
	// Opaque cursor for `after` and `before`.
	Cursor string `json:"cursor"`
	// The item.
	Node T `json:"node"`
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
	SourceConnection       = Connection[*Source]
	SourceEdge             = Edge[*Source]
	TerritoryConnection    = Connection[*Territory]
	TerritoryEdge          = Edge[*Territory]
	ThemeConnection        = Connection[*Theme]
	ThemeEdge              = Edge[*Theme]
)

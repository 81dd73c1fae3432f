package model

// The parts every collection filter shares, so that one compiler composes
// them whatever the collection (see graph/filters.go).

// Logic returns the filter's and, or, not and relation condition.
func (f *NodeFilter) Logic() (and, or []*NodeFilter, not *NodeFilter, rel *RelationFilter) {
	return f.And, f.Or, f.Not, f.Relation
}

// Logic returns the filter's and, or, not and relation condition.
func (f *DatedFilter) Logic() (and, or []*DatedFilter, not *DatedFilter, rel *RelationFilter) {
	return f.And, f.Or, f.Not, f.Relation
}

// Logic returns the filter's and, or, not and relation condition.
func (f *OrganizationFilter) Logic() (and, or []*OrganizationFilter, not *OrganizationFilter, rel *RelationFilter) {
	return f.And, f.Or, f.Not, f.Relation
}

// Logic returns the filter's and, or, not and relation condition.
func (f *FacilityFilter) Logic() (and, or []*FacilityFilter, not *FacilityFilter, rel *RelationFilter) {
	return f.And, f.Or, f.Not, f.Relation
}

// Logic returns the filter's and, or, not and relation condition.
func (f *TerritoryFilter) Logic() (and, or []*TerritoryFilter, not *TerritoryFilter, rel *RelationFilter) {
	return f.And, f.Or, f.Not, f.Relation
}

// Logic returns the filter's and, or, not and relation condition.
func (f *OrientationFilter) Logic() (and, or []*OrientationFilter, not *OrientationFilter, rel *RelationFilter) {
	return f.And, f.Or, f.Not, f.Relation
}

// Logic returns the filter's and, or, not and relation condition.
func (f *FigureFilter) Logic() (and, or []*FigureFilter, not *FigureFilter, rel *RelationFilter) {
	return f.And, f.Or, f.Not, f.Relation
}

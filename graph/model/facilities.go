package model

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
)

// Fields of facilities, territories, sources and figures that the data after
// 2019 brought (issue 11).

// Postcode is the facility's postcode.
func (f *Facility) Postcode() *string { return textPtr(f.N.Field("postcode")) }

// Siret is the facility's SIRET number.
func (f *Facility) Siret() *string { return textPtr(f.N.Field("siret")) }

// Opened is when the facility opened, if known.
func (f *Facility) Opened() *domain.Date { return datePtr(f.N.DateField("opened")) }

// Closed is when the facility closed, if known.
func (f *Facility) Closed() *domain.Date { return datePtr(f.N.DateField("closed")) }

// Note says what is uncertain about the facility.
func (f *Facility) Note() *string { return textPtr(f.N.Field("note")) }

// Location is the facility's point, nil without coordinates.
func (f *Facility) Location() *Point {
	lat, okLat := f.N.FloatField("latitude")
	lon, okLon := f.N.FloatField("longitude")
	if !okLat || !okLon {
		return nil
	}
	return &Point{Lon: lon, Lat: lat}
}

// Geometry is the facility's point as a GeoJSON Point, nil without coordinates.
// The coordinates are written as stored, so no digit is lost or invented.
func (f *Facility) Geometry() GeoJSON {
	if f.Location() == nil {
		return nil
	}
	return GeoJSON(`{"type":"Point","coordinates":[` + f.N.Field("longitude") + `,` + f.N.Field("latitude") + `]}`)
}

// Status is whether the facility is open at asOf (today when nil).
func (f *Facility) Status(asOf *domain.Date) FacilityStatus { return facilityStatus(f.N, asOf) }

func facilityStatus(n *domain.Node, asOf *domain.Date) FacilityStatus {
	at := domain.Today()
	if asOf != nil {
		at = *asOf
	}
	switch domain.FacilityStatus(n, at) {
	case "open":
		return FacilityStatusOpen
	case "closed":
		return FacilityStatusClosed
	}
	return FacilityStatusNotYetOpen
}

// FacilityStatusOf is the status of a facility node at asOf (today when nil).
func FacilityStatusOf(n *domain.Node, asOf *domain.Date) FacilityStatus {
	return facilityStatus(n, asOf)
}

// Commune is the commune f is located in at asOf: its territory, or the
// commune its arrondissement lies in.
func (f *Facility) Commune(ctx context.Context, asOf *domain.Date) (*Territory, error) {
	t, err := f.Territory(ctx, asOf)
	if err != nil || t == nil || t.N.Field("type") != "arrondissement-municipal" {
		return t, err
	}
	return t.Parent(ctx)
}

// Locations are f's located-in relations, oldest first (undated first).
func (f *Facility) Locations(ctx context.Context) ([]*Relation, error) {
	rels, err := relationsOf(ctx, f.N.ID, domain.Out, domain.RelLocatedIn)
	slices.SortStableFunc(rels, func(a, b *Relation) int { return a.R.ValidFrom.First().Compare(b.R.ValidFrom.First()) })
	return rels, err
}

// StatusHistory is f's opening, moves and closure, oldest first: a move is
// a located-in relation that starts after another one.
func (f *Facility) StatusHistory(ctx context.Context) ([]*FacilityStatusChange, error) {
	var steps []*FacilityStatusChange
	if d := f.N.DateField("opened"); !d.IsZero() {
		t, err := f.Territory(ctx, &d)
		if err != nil {
			return nil, err
		}
		steps = append(steps, &FacilityStatusChange{Date: d, Change: FacilityChangeOpened, Territory: t})
	}
	locations, err := f.Locations(ctx)
	if err != nil {
		return nil, err
	}
	for i, l := range locations {
		if i == 0 || l.R.ValidFrom.IsZero() {
			continue
		}
		t, err := relatedTerritory(ctx, l.R.To)
		if err != nil {
			return nil, err
		}
		steps = append(steps, &FacilityStatusChange{Date: l.R.ValidFrom, Change: FacilityChangeMoved, Territory: t})
	}
	if d := f.N.DateField("closed"); !d.IsZero() {
		steps = append(steps, &FacilityStatusChange{Date: d, Change: FacilityChangeClosed})
	}
	slices.SortStableFunc(steps, func(a, b *FacilityStatusChange) int { return a.Date.First().Compare(b.Date.First()) })
	return steps, nil
}

// relatedTerritory reads one territory by id, nil when it is not one.
func relatedTerritory(ctx context.Context, id string) (*Territory, error) {
	nodes, err := nodesByID(ctx, []string{id})
	if err != nil || len(nodes) == 0 {
		return nil, err
	}
	t, _ := As[*Territory](nodes[0])
	return t, nil
}

// Population is the territory's legal population.
func (t *Territory) Population() *int {
	if v, ok := t.N.IntField("population"); ok {
		return &v
	}
	return nil
}

// Postcodes are the territory's postcodes.
func (t *Territory) Postcodes() []string { return strings.Fields(t.N.Field("postcodes")) }

// Intercommunality is the name of the territory's EPCI.
func (t *Territory) Intercommunality() *string { return textPtr(t.N.Field("intercommunality")) }

// IntercommunalityCode is the SIREN of the territory's EPCI.
func (t *Territory) IntercommunalityCode() *string {
	return textPtr(t.N.Field("intercommunalityCode"))
}

// Siren is the commune's SIREN.
func (t *Territory) Siren() *string { return textPtr(t.N.Field("siren")) }

// URL is the address of a web source.
func (s *Source) URL() *string { return textPtr(s.N.Field("url")) }

// Licence is the licence of a source.
func (s *Source) Licence() *string { return textPtr(s.N.Field("licence")) }

// --- Figure ---

// Value is the figure's value; it was checked on import.
func (f *Figure) Value() float64 {
	v, _ := strconv.ParseFloat(f.N.Field("value"), 64)
	return v
}

// Unit is the figure's unit.
func (f *Figure) Unit() *string { return textPtr(f.N.Field("unit")) }

// Date is the date the figure holds at.
func (f *Figure) Date() *domain.Date { return datePtr(f.N.DateField("date")) }

// Note says what is uncertain about the figure.
func (f *Figure) Note() *string { return textPtr(f.N.Field("note")) }

// About are the nodes the figure is about.
func (f *Figure) About(ctx context.Context) ([]Node, error) {
	nodes, err := RelatedNodes(ctx, f.N.ID, domain.Out, domain.RelAbout, nil)
	out := make([]Node, len(nodes))
	for i, n := range nodes {
		out[i] = Wrap(n)
	}
	return out, err
}

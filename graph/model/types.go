package model

import (
	"context"
	"slices"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/loaders"
	"github.com/cccs13/cccs-graph/store"
)

// --- Organization ---

// ShortName is the short form people use.
func (o *Organization) ShortName() *string { return textPtr(o.N.ShortName) }

// Aliases are other names and acronyms.
func (o *Organization) Aliases() []string { return append([]string{}, o.N.Aliases...) }

// Category is the sort of organization.
func (o *Organization) Category() OrganizationCategory {
	return enumOf[OrganizationCategory](o.N.Field("category"))
}

// Website is the web site.
func (o *Organization) Website() *string { return textPtr(o.N.Field("website")) }

// IsSignatory reports whether o is a signatory of the Convention Cadre at asOf (today when nil).
func (o *Organization) IsSignatory(ctx context.Context, asOf *domain.Date) (bool, error) {
	at := domain.Today()
	if asOf != nil {
		at = *asOf
	}
	periods, err := o.SignatoryPeriods(ctx)
	return slices.ContainsFunc(periods, func(r *Relation) bool { return r.R.InForce(at) }), err
}

// SignatoryPeriods are o's signatory relations to the Convention Cadre.
func (o *Organization) SignatoryPeriods(ctx context.Context) ([]*Relation, error) {
	rels, err := relationsOf(ctx, o.N.ID, domain.Out, domain.RelSignatory)
	return slices.DeleteFunc(rels, func(r *Relation) bool { return r.R.To != FrameworkID }), err
}

// Bodies are the governance bodies o sits on.
func (o *Organization) Bodies(ctx context.Context, asOf *domain.Date) ([]*Body, error) {
	return related[*Body](ctx, o.N.ID, domain.Out, domain.RelMemberOf, asOf)
}

// Territory is the territory o administers.
func (o *Organization) Territory(ctx context.Context) (*Territory, error) {
	return relatedOne[*Territory](ctx, o.N.ID, domain.Out, domain.RelAdministers, nil)
}

// OfficeHolders are the holds-office relations into o in force at asOf (any time when nil).
func (o *Organization) OfficeHolders(ctx context.Context, asOf *domain.Date) ([]*Relation, error) {
	rels, err := relationsOf(ctx, o.N.ID, domain.In, domain.RelHoldsOffice)
	return inForce(rels, asOf), err
}

// FrameworkID is the id of the Convention Cadre itself.
const FrameworkID = "cccs"

// --- Territory ---

// Type is the sort of territory.
func (t *Territory) Type() TerritoryKind { return enumOf[TerritoryKind](t.N.Field("type")) }

// Code is the official code.
func (t *Territory) Code() *string { return textPtr(t.N.Field("code")) }

// Parent is the territory t lies in.
func (t *Territory) Parent(ctx context.Context) (*Territory, error) {
	return relatedOne[*Territory](ctx, t.N.ID, domain.Out, domain.RelPartOf, nil)
}

// AdministeredBy is the organization that administers t.
func (t *Territory) AdministeredBy(ctx context.Context) (*Organization, error) {
	return relatedOne[*Organization](ctx, t.N.ID, domain.In, domain.RelAdministers, nil)
}

// Facilities are the facilities serving or located in t.
func (t *Territory) Facilities(ctx context.Context) ([]*Facility, error) {
	served, err := related[*Facility](ctx, t.N.ID, domain.In, domain.RelServes, nil)
	if err != nil {
		return nil, err
	}
	located, err := related[*Facility](ctx, t.N.ID, domain.In, domain.RelLocatedIn, nil)
	for _, f := range located {
		if !slices.ContainsFunc(served, func(s *Facility) bool { return s.N.ID == f.N.ID }) {
			served = append(served, f)
		}
	}
	return served, err
}

// --- Facility ---

// Address is the postal address.
func (f *Facility) Address() *string { return textPtr(f.N.Field("address")) }

// Agrement is the agrément granted by the Caf.
func (f *Facility) Agrement() *string { return textPtr(f.N.Field("agrement")) }

// AgrementFrom is when the agrément runs from.
func (f *Facility) AgrementFrom() *domain.Date { return datePtr(f.N.DateField("agrementFrom")) }

// Type is the facility type.
func (f *Facility) Type(ctx context.Context) (*FacilityType, error) {
	return relatedOne[*FacilityType](ctx, f.N.ID, domain.Out, domain.RelInstanceOf, nil)
}

// Manager is the managing organization.
func (f *Facility) Manager(ctx context.Context, asOf *domain.Date) (*Organization, error) {
	return relatedOne[*Organization](ctx, f.N.ID, domain.In, domain.RelManages, asOf)
}

// Federation is the federation f is affiliated to.
func (f *Facility) Federation(ctx context.Context, asOf *domain.Date) (*Organization, error) {
	return relatedOne[*Organization](ctx, f.N.ID, domain.Out, domain.RelAffiliatedTo, asOf)
}

// Territory is where f is located at asOf (today when nil).
func (f *Facility) Territory(ctx context.Context, asOf *domain.Date) (*Territory, error) {
	return relatedOne[*Territory](ctx, f.N.ID, domain.Out, domain.RelLocatedIn, asOf)
}

// Zones are the zones de vie sociale f serves.
func (f *Facility) Zones(ctx context.Context, asOf *domain.Date) ([]*Territory, error) {
	return related[*Territory](ctx, f.N.ID, domain.Out, domain.RelServes, asOf)
}

// --- FacilityType ---

// Rules are the rules the sources give.
func (f *FacilityType) Rules() *string { return textPtr(f.N.Field("rules")) }

// --- Agreement ---

// StartDate is the first day of effect.
func (a *Agreement) StartDate() *domain.Date { return datePtr(a.N.DateField("startDate")) }

// EndDate is the last day of effect.
func (a *Agreement) EndDate() *domain.Date { return datePtr(a.N.DateField("endDate")) }

// SignedAt is the date of signature.
func (a *Agreement) SignedAt() *domain.Date { return datePtr(a.N.DateField("signedAt")) }

// Place is the place of signature.
func (a *Agreement) Place() *string { return textPtr(a.N.Field("place")) }

// Summary is a faithful summary.
func (a *Agreement) Summary() *string { return textPtr(a.N.Field("summary")) }

// Chairs are the organizations chairing a.
func (a *Agreement) Chairs(ctx context.Context, asOf *domain.Date) ([]*Organization, error) {
	return related[*Organization](ctx, a.N.ID, domain.In, domain.RelChairs, asOf)
}

// Editions are the agreements that are part of a, oldest first.
func (a *Agreement) Editions(ctx context.Context) ([]*Agreement, error) {
	eds, err := related[*Agreement](ctx, a.N.ID, domain.In, domain.RelPartOf, nil)
	slices.SortFunc(eds, func(x, y *Agreement) int { return strings.Compare(x.N.SortDate(), y.N.SortDate()) })
	return eds, err
}

// Framework is the agreement a is part of.
func (a *Agreement) Framework(ctx context.Context) (*Agreement, error) {
	return relatedOne[*Agreement](ctx, a.N.ID, domain.Out, domain.RelPartOf, nil)
}

// Renews is the edition a renews.
func (a *Agreement) Renews(ctx context.Context) (*Agreement, error) {
	return relatedOne[*Agreement](ctx, a.N.ID, domain.Out, domain.RelRenews, nil)
}

// RenewedBy is the edition that renews a.
func (a *Agreement) RenewedBy(ctx context.Context) (*Agreement, error) {
	return relatedOne[*Agreement](ctx, a.N.ID, domain.In, domain.RelRenews, nil)
}

// Articles are a's articles in number order.
func (a *Agreement) Articles(ctx context.Context) ([]*Article, error) {
	return articlesOf(ctx, a.N.ID)
}

// Amendments are the amendments to a.
func (a *Agreement) Amendments(ctx context.Context) ([]*Amendment, error) {
	return related[*Amendment](ctx, a.N.ID, domain.In, domain.RelAmends, nil)
}

// Signatures are the signatures of a.
func (a *Agreement) Signatures(ctx context.Context) ([]*Signature, error) {
	return signaturesOf(ctx, a.N.ID)
}

// --- Amendment ---

// Number is the amendment number.
func (a *Amendment) Number() *int { return intPtr(a.N, "number") }

// SignedAt is the date of signature.
func (a *Amendment) SignedAt() *domain.Date { return datePtr(a.N.DateField("signedAt")) }

// Place is the place of signature.
func (a *Amendment) Place() *string { return textPtr(a.N.Field("place")) }

// EffectiveFrom is when it takes effect.
func (a *Amendment) EffectiveFrom() *domain.Date { return datePtr(a.N.DateField("effectiveFrom")) }

// Summary is a faithful summary.
func (a *Amendment) Summary() *string { return textPtr(a.N.Field("summary")) }

// Amends is the agreement amended.
func (a *Amendment) Amends(ctx context.Context) (*Agreement, error) {
	return relatedOne[*Agreement](ctx, a.N.ID, domain.Out, domain.RelAmends, nil)
}

// Articles are a's articles in number order.
func (a *Amendment) Articles(ctx context.Context) ([]*Article, error) {
	return articlesOf(ctx, a.N.ID)
}

// Parties are the organizations a names as parties.
func (a *Amendment) Parties(ctx context.Context) ([]*Organization, error) {
	return related[*Organization](ctx, a.N.ID, domain.In, domain.RelPartyTo, nil)
}

// Signatures are the signatures of a.
func (a *Amendment) Signatures(ctx context.Context) ([]*Signature, error) {
	return signaturesOf(ctx, a.N.ID)
}

// --- Article ---

// Number is the article number as written.
func (a *Article) Number() string { return a.N.Field("number") }

// Title is the article title.
func (a *Article) Title() *string { return textPtr(a.N.Field("title")) }

// Summary is a faithful summary.
func (a *Article) Summary() *string { return textPtr(a.N.Field("summary")) }

// EffectiveFrom is when it takes effect.
func (a *Article) EffectiveFrom() *domain.Date { return datePtr(a.N.DateField("effectiveFrom")) }

// Document is the agreement or amendment a belongs to.
func (a *Article) Document(ctx context.Context) (Node, error) {
	docs, err := related[Node](ctx, a.N.ID, domain.Out, domain.RelPartOf, nil)
	if err != nil || len(docs) == 0 {
		return nil, err
	}
	return docs[0], nil
}

// Modifies are the articles a modifies.
func (a *Article) Modifies(ctx context.Context) ([]*Article, error) {
	return related[*Article](ctx, a.N.ID, domain.Out, domain.RelModifies, nil)
}

// ModifiedBy are the articles that modify a.
func (a *Article) ModifiedBy(ctx context.Context) ([]*Article, error) {
	return related[*Article](ctx, a.N.ID, domain.In, domain.RelModifies, nil)
}

func articlesOf(ctx context.Context, id string) ([]*Article, error) {
	arts, err := related[*Article](ctx, id, domain.In, domain.RelPartOf, nil)
	slices.SortFunc(arts, func(x, y *Article) int { return compareNumbers(x.Number(), y.Number()) })
	return arts, err
}

// compareNumbers orders "1.2.3" before "1.10" (numerically, part by part).
func compareNumbers(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if c := len(pa[i]) - len(pb[i]); c != 0 {
			return c
		}
		if c := strings.Compare(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	return len(pa) - len(pb)
}

// --- Body, Programme, Orientation, Theme, Objective ---

// Created is when the body was created.
func (b *Body) Created() *domain.Date { return datePtr(b.N.DateField("created")) }

// Members are the organizations sitting on b.
func (b *Body) Members(ctx context.Context, asOf *domain.Date) ([]*Organization, error) {
	return related[*Organization](ctx, b.N.ID, domain.In, domain.RelMemberOf, asOf)
}

// Chairs are the organizations chairing b.
func (b *Body) Chairs(ctx context.Context, asOf *domain.Date) ([]*Organization, error) {
	return related[*Organization](ctx, b.N.ID, domain.In, domain.RelChairs, asOf)
}

// Started is since when the programme runs.
func (p *Programme) Started() *domain.Date { return datePtr(p.N.DateField("started")) }

// Funders are the organizations funding p.
func (p *Programme) Funders(ctx context.Context, asOf *domain.Date) ([]*Organization, error) {
	return related[*Organization](ctx, p.N.ID, domain.In, domain.RelFunds, asOf)
}

// DeliveredBy are the organizations delivering p.
func (p *Programme) DeliveredBy(ctx context.Context, asOf *domain.Date) ([]*Organization, error) {
	return related[*Organization](ctx, p.N.ID, domain.In, domain.RelDelivers, asOf)
}

// Type is the sort of orientation.
func (o *Orientation) Type() OrientationType { return enumOf[OrientationType](o.N.Field("type")) }

// Number is the orientation number.
func (o *Orientation) Number() *int { return intPtr(o.N, "number") }

// Number is the theme number.
func (t *Theme) Number() *int { return intPtr(t.N, "number") }

// Objectives are the theme's objectives in number order.
func (t *Theme) Objectives(ctx context.Context) ([]*Objective, error) {
	objs, err := related[*Objective](ctx, t.N.ID, domain.In, domain.RelPartOf, nil)
	slices.SortFunc(objs, func(x, y *Objective) int { return derefInt(x.Number()) - derefInt(y.Number()) })
	return objs, err
}

// Number is the objective number within its theme.
func (o *Objective) Number() *int { return intPtr(o.N, "number") }

// Means are the means as written.
func (o *Objective) Means() *string { return textPtr(o.N.Field("means")) }

// Actors are the actors as written.
func (o *Objective) Actors() *string { return textPtr(o.N.Field("actors")) }

// Evaluation is the evaluation as written.
func (o *Objective) Evaluation() *string { return textPtr(o.N.Field("evaluation")) }

// Deadline is the deadline as written.
func (o *Objective) Deadline() *string { return textPtr(o.N.Field("deadline")) }

// DeadlineDate is the deadline as a date.
func (o *Objective) DeadlineDate() *domain.Date { return datePtr(o.N.DateField("deadlineDate")) }

// Theme is the objective's theme.
func (o *Objective) Theme(ctx context.Context) (*Theme, error) {
	return relatedOne[*Theme](ctx, o.N.ID, domain.Out, domain.RelPartOf, nil)
}

// ActorNodes are the nodes named among the actors.
func (o *Objective) ActorNodes(ctx context.Context) ([]Node, error) {
	return related[Node](ctx, o.N.ID, domain.In, domain.RelActorIn, nil)
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// --- Event, Person, Source ---

// Date is when the event happened.
func (e *Event) Date() *domain.Date { return datePtr(e.N.DateField("date")) }

// EndDate ends the event's period.
func (e *Event) EndDate() *domain.Date { return datePtr(e.N.DateField("endDate")) }

// Concerns are the nodes the event concerns.
func (e *Event) Concerns(ctx context.Context) ([]Node, error) {
	return related[Node](ctx, e.N.ID, domain.Out, domain.RelConcerns, nil)
}

// Offices are the offices p held at asOf (any time when nil).
func (p *Person) Offices(ctx context.Context, asOf *domain.Date) ([]*Relation, error) {
	rels, err := relationsOf(ctx, p.N.ID, domain.Out, domain.RelHoldsOffice)
	return inForce(rels, asOf), err
}

// Signatures are the documents p signed.
func (p *Person) Signatures(ctx context.Context) ([]*Signature, error) {
	rels, err := relationsOf(ctx, p.N.ID, domain.Out, domain.RelSigned)
	out := make([]*Signature, len(rels))
	for i, r := range rels {
		out[i] = &Signature{R: r.R}
	}
	return out, err
}

// File is the document's file name.
func (s *Source) File() *string { return textPtr(s.N.Field("file")) }

// Publisher is the publisher.
func (s *Source) Publisher() *string { return textPtr(s.N.Field("publisher")) }

// Date is the document's date.
func (s *Source) Date() *domain.Date { return datePtr(s.N.DateField("date")) }

// Geometry is the outline as GeoJSON, as stored or simplified at a
// tolerance in degrees; null when no geometry was imported.
func (t *Territory) Geometry(ctx context.Context, simplify *float64) (GeoJSON, error) {
	g, err := loaders.For(ctx).Geometry(ctx, t.N.ID)
	if err != nil || g == nil {
		return nil, err
	}
	if simplify == nil {
		return GeoJSON(g.GeoJSON), nil
	}
	b, err := store.SimplifyGeoJSON(g.GeoJSON, *simplify)
	return GeoJSON(b), err
}

// Centroid is the centroid of the geometry; null without one.
func (t *Territory) Centroid(ctx context.Context) (*Point, error) {
	g, err := loaders.For(ctx).Geometry(ctx, t.N.ID)
	if err != nil || g == nil {
		return nil, err
	}
	return &Point{Lon: g.Centroid.Lon, Lat: g.Centroid.Lat}, nil
}

// Bbox is the bounding box of the geometry; null without one.
func (t *Territory) Bbox(ctx context.Context) ([]float64, error) {
	g, err := loaders.For(ctx).Geometry(ctx, t.N.ID)
	if err != nil || g == nil {
		return nil, err
	}
	return g.BBox[:], nil
}

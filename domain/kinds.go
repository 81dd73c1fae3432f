package domain

import (
	"fmt"
	"slices"
)

// Kind is the kind of a node, as written in dataset files ("organization").
type Kind string

// RelKind is the kind of a relation, as written in dataset files ("signatory").
type RelKind string

// FieldType says how a node field's string value is checked.
type FieldType uint8

// Field types.
const (
	Text FieldType = iota
	DateField
	IntField
	FloatField
)

// The node kinds. Use these constants, never the bare strings: a typo then
// fails to compile instead of returning empty lists.
const (
	KindSource       Kind = "source"
	KindOrganization Kind = "organization"
	KindTerritory    Kind = "territory"
	KindFacility     Kind = "facility"
	KindFacilityType Kind = "facility-type"
	KindBody         Kind = "body"
	KindAgreement    Kind = "agreement"
	KindAmendment    Kind = "amendment"
	KindArticle      Kind = "article"
	KindProgramme    Kind = "programme"
	KindOrientation  Kind = "orientation"
	KindTheme        Kind = "theme"
	KindObjective    Kind = "objective"
	KindEvent        Kind = "event"
	KindPerson       Kind = "person"
	KindFigure       Kind = "figure"
)

// The relation kinds.
const (
	RelSignatory    RelKind = "signatory"
	RelSigned       RelKind = "signed"
	RelPartyTo      RelKind = "party-to"
	RelInitiated    RelKind = "initiated"
	RelChairs       RelKind = "chairs"
	RelMemberOf     RelKind = "member-of"
	RelHoldsOffice  RelKind = "holds-office"
	RelPartOf       RelKind = "part-of"
	RelAmends       RelKind = "amends"
	RelModifies     RelKind = "modifies"
	RelRenews       RelKind = "renews"
	RelEstablishes  RelKind = "establishes"
	RelFunds        RelKind = "funds"
	RelDelivers     RelKind = "delivers"
	RelActorIn      RelKind = "actor-in"
	RelAdministers  RelKind = "administers"
	RelManages      RelKind = "manages"
	RelAffiliatedTo RelKind = "affiliated-to"
	RelLocatedIn    RelKind = "located-in"
	RelServes       RelKind = "serves"
	RelInstanceOf   RelKind = "instance-of"
	RelConcerns     RelKind = "concerns"
	RelSucceeds     RelKind = "succeeds"
	RelAbout        RelKind = "about"
)

// KindInfo is everything the code knows about one node kind: the registry
// below is the only place that says it.
type KindInfo struct {
	Kind Kind
	// Code is the kind's byte in stored keys, pinned: never change or reuse
	// one (see RetiredKindCodes). The codes equal the positions the kinds
	// had before they were pinned, so data written then still reads.
	Code        byte
	GraphQLType string               // the GraphQL object type (graph/*.graphqls)
	Collection  string               // the Query field and export collection that list the kind
	Fields      map[string]FieldType // the fields a node of the kind may carry
	Enums       map[string][]string  // required fields that take one of a list of values
	DateSpan    [2]string            // (start, end) date fields: an end before its start is refused
	Lifetime    *Lifetime            // when a node is part of the network; nil: always
}

// RelKindInfo is everything the code knows about one relation kind.
type RelKindInfo struct {
	Kind RelKind
	Code byte   // the relation kind's byte in stored keys, pinned like KindInfo.Code
	From []Kind // the kinds a relation may start from; nil: any kind
	To   []Kind // the kinds it may go to; nil: any kind
}

// Enumerated field values, checked on import.
var (
	OrganizationCategories = []string{"state", "social-security", "region", "departement", "metropole", "commune",
		"federation", "public-agency", "national-body", "association", "other"}
	TerritoryTypes = []string{"departement", "arrondissement", "canton", "commune", "zone-de-vie-sociale",
		"priority-area", "itc-territory", "arrondissement-municipal"}
	OrientationTypes = []string{"stake", "strategic-orientation", "general-objective", "purpose"}
)

// Kinds is the registry of node kinds, in code order (the order of lists
// and exports). Add a kind with the next free code; see docs/architecture.md.
var Kinds = []KindInfo{
	{Kind: KindSource, Code: 0x01, GraphQLType: "Source", Collection: "sources",
		Fields:   map[string]FieldType{"file": Text, "description": Text, "publisher": Text, "date": DateField, "url": Text, "licence": Text},
		Lifetime: &Lifetime{Start: []string{"date"}}},
	{Kind: KindOrganization, Code: 0x02, GraphQLType: "Organization", Collection: "organizations",
		Fields: map[string]FieldType{"category": Text, "description": Text, "website": Text},
		Enums:  map[string][]string{"category": OrganizationCategories}},
	{Kind: KindTerritory, Code: 0x03, GraphQLType: "Territory", Collection: "territories",
		Fields: map[string]FieldType{"type": Text, "code": Text, "description": Text,
			"population": IntField, "postcodes": Text, "intercommunality": Text, "intercommunalityCode": Text, "siren": Text},
		Enums: map[string][]string{"type": TerritoryTypes}},
	{Kind: KindFacility, Code: 0x04, GraphQLType: "Facility", Collection: "facilities",
		Fields: map[string]FieldType{"address": Text, "agrement": Text, "agrementFrom": DateField, "description": Text,
			"postcode": Text, "siret": Text, "latitude": FloatField, "longitude": FloatField, "opened": DateField, "closed": DateField, "note": Text},
		Lifetime: &Lifetime{Start: []string{"opened"}, End: "closed"}},
	{Kind: KindFacilityType, Code: 0x05, GraphQLType: "FacilityType", Collection: "facilityTypes",
		Fields: map[string]FieldType{"description": Text, "rules": Text}},
	{Kind: KindBody, Code: 0x06, GraphQLType: "Body", Collection: "bodies",
		Fields:   map[string]FieldType{"description": Text, "created": DateField},
		Lifetime: &Lifetime{Start: []string{"created"}}},
	{Kind: KindAgreement, Code: 0x07, GraphQLType: "Agreement", Collection: "agreements",
		Fields:   map[string]FieldType{"startDate": DateField, "endDate": DateField, "signedAt": DateField, "place": Text, "summary": Text},
		DateSpan: [2]string{"startDate", "endDate"},
		Lifetime: &Lifetime{Start: []string{"startDate", "signedAt"}, End: "endDate"}},
	{Kind: KindAmendment, Code: 0x08, GraphQLType: "Amendment", Collection: "amendments",
		Fields:   map[string]FieldType{"number": IntField, "signedAt": DateField, "place": Text, "effectiveFrom": DateField, "summary": Text},
		Lifetime: &Lifetime{Start: []string{"effectiveFrom", "signedAt"}}},
	{Kind: KindArticle, Code: 0x09, GraphQLType: "Article", Collection: "articles",
		Fields:   map[string]FieldType{"number": Text, "title": Text, "summary": Text, "effectiveFrom": DateField},
		Lifetime: &Lifetime{Start: []string{"effectiveFrom"}}},
	{Kind: KindProgramme, Code: 0x0A, GraphQLType: "Programme", Collection: "programmes",
		Fields:   map[string]FieldType{"description": Text, "started": DateField},
		Lifetime: &Lifetime{Start: []string{"started"}}},
	{Kind: KindOrientation, Code: 0x0B, GraphQLType: "Orientation", Collection: "orientations",
		Fields: map[string]FieldType{"type": Text, "number": IntField, "description": Text},
		Enums:  map[string][]string{"type": OrientationTypes}},
	{Kind: KindTheme, Code: 0x0C, GraphQLType: "Theme", Collection: "themes",
		Fields: map[string]FieldType{"number": IntField, "description": Text}},
	{Kind: KindObjective, Code: 0x0D, GraphQLType: "Objective", Collection: "objectives",
		Fields: map[string]FieldType{"number": IntField, "means": Text, "actors": Text, "evaluation": Text, "deadline": Text, "deadlineDate": DateField}},
	{Kind: KindEvent, Code: 0x0E, GraphQLType: "Event", Collection: "events",
		Fields:   map[string]FieldType{"date": DateField, "endDate": DateField, "description": Text},
		DateSpan: [2]string{"date", "endDate"},
		Lifetime: &Lifetime{Start: []string{"date"}, End: "endDate", Point: true}},
	{Kind: KindPerson, Code: 0x0F, GraphQLType: "Person", Collection: "people",
		Fields: map[string]FieldType{"description": Text}},
	{Kind: KindFigure, Code: 0x10, GraphQLType: "Figure", Collection: "figures",
		Fields:   map[string]FieldType{"value": FloatField, "unit": Text, "date": DateField, "description": Text, "note": Text},
		Lifetime: &Lifetime{Start: []string{"date"}, Point: true}}, // a figure holds at its date
}

// RelKinds is the registry of relation kinds, in code order: the relation
// table of docs/dataset.md, which the importer enforces.
var RelKinds = []RelKindInfo{
	{RelSignatory, 0x01, []Kind{KindOrganization}, []Kind{KindAgreement}},
	{RelSigned, 0x02, []Kind{KindOrganization, KindPerson}, []Kind{KindAgreement, KindAmendment}},
	{RelPartyTo, 0x03, []Kind{KindOrganization}, []Kind{KindAgreement, KindAmendment}},
	{RelInitiated, 0x04, []Kind{KindOrganization}, []Kind{KindAgreement, KindProgramme}},
	{RelChairs, 0x05, []Kind{KindOrganization}, []Kind{KindAgreement, KindBody}},
	{RelMemberOf, 0x06, []Kind{KindOrganization}, []Kind{KindBody}},
	{RelHoldsOffice, 0x07, []Kind{KindPerson}, []Kind{KindOrganization}},
	{RelPartOf, 0x08, nil, nil},
	{RelAmends, 0x09, []Kind{KindAmendment}, []Kind{KindAgreement}},
	{RelModifies, 0x0A, []Kind{KindArticle}, []Kind{KindArticle}},
	{RelRenews, 0x0B, []Kind{KindAgreement}, []Kind{KindAgreement}},
	{RelEstablishes, 0x0C, []Kind{KindAgreement, KindAmendment}, []Kind{KindBody, KindProgramme}},
	{RelFunds, 0x0D, []Kind{KindOrganization}, []Kind{KindProgramme, KindFacility}},
	{RelDelivers, 0x0E, []Kind{KindOrganization}, []Kind{KindProgramme}},
	{RelActorIn, 0x0F, []Kind{KindOrganization, KindBody, KindFacilityType}, []Kind{KindObjective}},
	{RelAdministers, 0x10, []Kind{KindOrganization}, []Kind{KindTerritory}},
	{RelManages, 0x11, []Kind{KindOrganization}, []Kind{KindFacility}},
	{RelAffiliatedTo, 0x12, []Kind{KindFacility}, []Kind{KindOrganization}},
	{RelLocatedIn, 0x13, []Kind{KindFacility, KindOrganization}, []Kind{KindTerritory}},
	{RelServes, 0x14, []Kind{KindFacility}, []Kind{KindTerritory}},
	{RelInstanceOf, 0x15, []Kind{KindFacility}, []Kind{KindFacilityType}},
	{RelConcerns, 0x16, []Kind{KindEvent}, nil},
	{RelSucceeds, 0x17, []Kind{KindOrganization}, []Kind{KindOrganization}},
	{RelAbout, 0x18, []Kind{KindFigure}, nil},
}

// Retired codes: a kind that is removed keeps its code here, so that no new
// kind ever reads the old one's keys. Write `0xNN: "old-name: why"`.
var (
	RetiredKindCodes    = map[byte]string{}
	RetiredRelKindCodes = map[byte]string{}
)

// KindOf returns the registry entry of a node kind; false for an unknown kind.
func KindOf(k Kind) (*KindInfo, bool) {
	i := slices.IndexFunc(Kinds, func(x KindInfo) bool { return x.Kind == k })
	if i < 0 {
		return nil, false
	}
	return &Kinds[i], true
}

// RelKindOf returns the registry entry of a relation kind; false for an unknown kind.
func RelKindOf(k RelKind) (*RelKindInfo, bool) {
	i := slices.IndexFunc(RelKinds, func(x RelKindInfo) bool { return x.Kind == k })
	if i < 0 {
		return nil, false
	}
	return &RelKinds[i], true
}

// EndsAllowed reports whether a relation of kind k may go from a node of kind
// from to one of kind to; otherwise it says what the kind takes.
func EndsAllowed(k RelKind, from, to Kind) (bool, string) {
	info, ok := RelKindOf(k)
	if !ok {
		return false, fmt.Sprintf("unknown relation kind %q", k)
	}
	allowed := func(x Kind, ks []Kind) bool { return ks == nil || slices.Contains(ks, x) }
	if allowed(from, info.From) && allowed(to, info.To) {
		return true, ""
	}
	name := func(ks []Kind) string {
		if ks == nil {
			return "any"
		}
		return fmt.Sprint(ks)
	}
	return false, fmt.Sprintf("%s goes from %s to %s", k, name(info.From), name(info.To))
}

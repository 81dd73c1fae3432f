package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

type idPage struct {
	TotalCount int
	Nodes      []struct{ ID, Category string }
}

func (p idPage) ids() []string {
	out := []string{}
	for _, n := range p.Nodes {
		out = append(out, n.ID)
	}
	return out
}

// TestFilterOnRelationsAnswersQuestionsOfTheDomain asks, with relation
// filters, what other fields answer too, and compares.
func TestFilterOnRelationsAnswersQuestionsOfTheDomain(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Sit2019, Sit2015, SignedAvenant, SignedAnAmendment, SitsSomewhere idPage
		Body                                                              struct{ Members []struct{ ID string } }
		MetropoleBodies                                                   idPage
	}
	query(t, c, `{
		sit2019: organizations(first: 500, filter: {relation: {kinds: [MEMBER_OF], direction: OUT, nodes: ["comite-technique"], asOf: "2019"}}) { totalCount nodes { id } }
		sit2015: organizations(first: 500, filter: {relation: {kinds: [MEMBER_OF], direction: OUT, nodes: ["comite-technique"], asOf: "2015"}}) { totalCount nodes { id } }
		body: node(id: "comite-technique") { ... on Body { members(asOf: "2019") { id } } }
		signedAvenant: organizations(first: 500, filter: {relation: {kinds: [SIGNED], direction: OUT, nodes: ["avenant-1"]}}) { totalCount nodes { id } }
		signedAnAmendment: organizations(first: 500, filter: {relation: {kinds: [SIGNED], direction: OUT, nodeKinds: [AMENDMENT]}}) { totalCount nodes { id } }
		sitsSomewhere: organizations(first: 500, filter: {relation: {kinds: [MEMBER_OF], nodeKinds: [BODY]}}) { totalCount nodes { id } }
		metropoleBodies: bodies(filter: {relation: {kinds: [MEMBER_OF], direction: IN, nodes: ["metropole-amp"]}}) { totalCount nodes { id } }
	}`, &resp)
	// "Organizations that sit on the comité technique in 2019": the Métropole, since 2018.
	var members []string
	for _, m := range resp.Body.Members {
		members = append(members, m.ID)
	}
	if got := resp.Sit2019.ids(); len(got) == 0 || !slices.Equal(got, members) {
		t.Errorf("sitting on the comité technique in 2019: %v, Body.members says %v", got, members)
	}
	if resp.Sit2015.TotalCount != 0 {
		t.Errorf("sitting on the comité technique in 2015: %v, want none (the Métropole joined in 2018)", resp.Sit2015.ids())
	}
	// The indexed path (from avenant-1's side) and the scan (every organization's
	// relations, then the other end's kind) agree: Avenant n°1 is the only amendment.
	if resp.SignedAvenant.TotalCount < 6 || !slices.Equal(resp.SignedAvenant.ids(), resp.SignedAnAmendment.ids()) {
		t.Errorf("signed avenant-1: %v; signed an amendment: %v", resp.SignedAvenant.ids(), resp.SignedAnAmendment.ids())
	}
	if !slices.Equal(resp.SitsSomewhere.ids(), []string{"metropole-amp"}) {
		t.Errorf("organizations on some body: %v", resp.SitsSomewhere.ids())
	}
	if !slices.Equal(resp.MetropoleBodies.ids(), []string{"comite-departemental", "comite-technique"}) {
		t.Errorf("bodies the Métropole sits on: %v", resp.MetropoleBodies.ids())
	}
}

// TestFacilitiesOfAFederation: "facilities whose federation is FAIL 13",
// asked with a relation filter, equals the facilities the store links to
// fail-13 and the collection's own federation field.
func TestFacilitiesOfAFederation(t *testing.T) {
	s := defaultDataset(t)
	rels, err := s.Relations(t.Context(), []store.RelQuery{{ID: "fail-13", Dir: domain.In, Kinds: []domain.RelKind{"affiliated-to"}}})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range rels[0] {
		want = append(want, r.From)
	}
	slices.Sort(want)
	if len(want) == 0 {
		t.Skip("the dataset affiliates no facility to fail-13 yet")
	}
	c := newClient(s)
	var resp struct{ ByRelation, ByField, Not idPage }
	query(t, c, `{
		byRelation: facilities(first: 500, orderBy: {field: ID}, filter: {relation: {kinds: [AFFILIATED_TO], direction: OUT, nodes: ["fail-13"]}}) { totalCount nodes { id } }
		byField: facilities(first: 500, orderBy: {field: ID}, filter: {federation: "fail-13"}) { totalCount nodes { id } }
		not: facilities(first: 500, filter: {not: {relation: {kinds: [AFFILIATED_TO], nodes: ["fail-13"]}}}) { totalCount }
	}`, &resp)
	if !slices.Equal(resp.ByRelation.ids(), want) || !slices.Equal(resp.ByField.ids(), want) {
		t.Errorf("facilities of FAIL 13: by relation %v, by field %v, want %v", resp.ByRelation.ids(), resp.ByField.ids(), want)
	}
	var all struct{ Facilities struct{ TotalCount int } }
	query(t, c, `{ facilities { totalCount } }`, &all)
	if resp.Not.TotalCount != all.Facilities.TotalCount-len(want) {
		t.Errorf("facilities not of FAIL 13: %d of %d", resp.Not.TotalCount, all.Facilities.TotalCount)
	}
}

func TestFiltersCompose(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Signatories struct {
			Nodes []struct{ ID, Category string }
		}
		NotCommunes, FedOrSocial, Fed, Social, None, Everything, All idPage
		NestedAnd                                                    idPage
	}
	query(t, c, `{
		signatories(asOf: "2019-06-30", first: 50) { nodes { id category } }
		notCommunes: organizations(first: 500, filter: {signatoryAsOf: "2019-06-30", not: {categories: [COMMUNE]}}) { totalCount nodes { id } }
		fedOrSocial: organizations(first: 500, filter: {or: [{categories: [FEDERATION]}, {categories: [SOCIAL_SECURITY]}]}) { totalCount }
		fed: organizations(filter: {categories: [FEDERATION]}) { totalCount }
		social: organizations(filter: {categories: [SOCIAL_SECURITY]}) { totalCount }
		none: organizations(filter: {or: []}) { totalCount }
		everything: organizations(filter: {and: []}) { totalCount }
		all: organizations { totalCount }
		nestedAnd: organizations(first: 500, filter: {and: [{signatoryAsOf: "2019-06-30"}, {or: [{categories: [COMMUNE]}, {nameContains: "caf"}]}], not: {nameContains: "marseille"}}) { totalCount nodes { id } }
	}`, &resp)
	var notCommunes, nested []string
	for _, n := range resp.Signatories.Nodes {
		if n.Category != "COMMUNE" {
			notCommunes = append(notCommunes, n.ID)
		}
		if (n.Category == "COMMUNE" || n.ID == "caf-13") && !strings.Contains(n.ID, "marseille") {
			nested = append(nested, n.ID)
		}
	}
	if !slices.Equal(resp.NotCommunes.ids(), notCommunes) || len(notCommunes) == 0 {
		t.Errorf("signatories in 2019 that are not communes: %v, want %v", resp.NotCommunes.ids(), notCommunes)
	}
	if !slices.Equal(resp.NestedAnd.ids(), nested) {
		t.Errorf("nested and/or/not: %v, want %v", resp.NestedAnd.ids(), nested)
	}
	if resp.FedOrSocial.TotalCount != resp.Fed.TotalCount+resp.Social.TotalCount || resp.Fed.TotalCount == 0 {
		t.Errorf("federation or social security: %d, want %d + %d", resp.FedOrSocial.TotalCount, resp.Fed.TotalCount, resp.Social.TotalCount)
	}
	if resp.None.TotalCount != 0 || resp.Everything.TotalCount != resp.All.TotalCount {
		t.Errorf("empty or kept %d, empty and kept %d of %d", resp.None.TotalCount, resp.Everything.TotalCount, resp.All.TotalCount)
	}
	// Every collection's filter composes.
	for _, q := range []string{
		`{ territories(filter: {or: [{codes: ["13055"]}, {codes: ["13001"]}], not: {nameContains: "aix"}}) { totalCount } }`,
		`{ events(filter: {from: "2019", not: {relation: {kinds: [CONCERNS], nodes: ["comite-technique"]}}}) { totalCount } }`,
		`{ sources(filter: {and: [{nameContains: "convention"}], or: [{ids: ["seed-000"]}, {ids: ["seed-003"]}]}) { totalCount } }`,
		`{ orientations(filter: {not: {types: [STAKE]}}) { totalCount } }`,
		`{ facilities(filter: {or: [{federation: "cco"}, {federation: "fail-13"}]}) { totalCount } }`,
	} {
		var out map[string]struct{ TotalCount int }
		query(t, c, q, &out)
	}
	var ter struct {
		Territories struct{ Nodes []struct{ ID string } }
	}
	query(t, c, `{ territories(filter: {or: [{codes: ["13055"]}, {codes: ["13001"]}], not: {nameContains: "aix"}}) { nodes { id } } }`, &ter)
	if len(ter.Territories.Nodes) != 1 || ter.Territories.Nodes[0].ID != "insee-13055" {
		t.Errorf("Marseille or Aix, not Aix: %v", ter.Territories.Nodes)
	}
}

func TestFilterBounds(t *testing.T) {
	c := newClient(defaultDataset(t))
	deep := "{nameContains: \"a\"}"
	for range 7 {
		deep = "{not: " + deep + "}"
	}
	wide := "{or: [" + strings.TrimSuffix(strings.Repeat(`{nameContains: "a"},`, 40), ",") + "]}"
	rel := `{relation: {kinds: [SIGNED]}}`
	manyRelations := "{and: [" + strings.TrimSuffix(strings.Repeat(rel+",", 9), ",") + "]}"
	for name, q := range map[string]string{
		"too deep":              `{ organizations(filter: ` + deep + `) { totalCount } }`,
		"too many filters":      `{ organizations(filter: ` + wide + `) { totalCount } }`,
		"too many relations":    `{ organizations(filter: ` + manyRelations + `) { totalCount } }`,
		"malformed node id":     `{ organizations(filter: {relation: {nodes: ["Not An Id!"]}}) { totalCount } }`,
		"enum case in relation": `{ organizations(filter: {relation: {kinds: [signed]}}) { totalCount } }`,
	} {
		t.Run(name, func(t *testing.T) { wantCode(t, c, domain.EBADINPUT, q) })
	}
	// Relation conditions that scan a collection are priced: many aliases of them are refused.
	var aliases strings.Builder
	for i := range 41 {
		fmt.Fprintf(&aliases, "a%d: organizations(first: 1, filter: %s) { totalCount }\n", i, rel)
	}
	wantCode(t, c, domain.ECOMPLEXITY, "{"+aliases.String()+"}")
	// Variables take the same filters.
	var resp struct{ Organizations idPage }
	query(t, c, `query($f: OrganizationFilter) { organizations(filter: $f) { totalCount } }`, &resp,
		client.Var("f", map[string]any{"relation": map[string]any{"kinds": []string{"MEMBER_OF"}, "direction": "OUT", "nodes": []string{"comite-technique"}}}))
	if resp.Organizations.TotalCount != 1 {
		t.Errorf("filter in variables: %d organizations on the comité technique, want 1", resp.Organizations.TotalCount)
	}
}

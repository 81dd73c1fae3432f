package graph

import (
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

type searchResp struct {
	Search struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   string
		}
		Edges []struct {
			Score   float64
			Matched string
			Node    struct{ ID, Kind string }
		}
		Nodes []struct{ ID string }
	}
}

const searchQuery = `query($q: String!, $kinds: [NodeKind!], $first: Int, $after: String) {
	search(query: $q, kinds: $kinds, first: $first, after: $after) {
		totalCount pageInfo { hasNextPage endCursor }
		edges { score matched node { id kind } } nodes { id }
	}
}`

func TestSearchFindsWhatAPersonMeans(t *testing.T) {
	c := newClient(defaultDataset(t))
	for q, want := range map[string]string{
		"caf":           "caf-13",
		"septemes":      "commune-septemes-les-vallons",
		"septe":         "commune-septemes-les-vallons",
		"leo lagrange":  "leo-lagrange-mediterranee",
		"Léo Lagrange":  "leo-lagrange-mediterranee",
		"dla":           "dla",
		"l'instruction": "fail-13",
		"oeuvre":        "objective-t2-o2",
		"œuvre":         "objective-t2-o2",
		"MSA":           "msa-provence-azur",
		"fail 13":       "fail-13",
	} {
		var resp searchResp
		query(t, c, searchQuery, &resp, client.Var("q", q))
		if len(resp.Search.Edges) == 0 || resp.Search.Edges[0].Node.ID != want || resp.Search.Nodes[0].ID != want {
			t.Errorf("search(%q) = %+v, want %s first", q, resp.Search.Edges, want)
		}
	}
}

func TestSearchScoresKindsAndPages(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp searchResp
	query(t, c, searchQuery, &resp, client.Var("q", "caf"))
	if e := resp.Search.Edges[0]; e.Score != 4 || e.Matched != "Caf" {
		t.Errorf("caf: score %v via %q, want 4 via the alias \"Caf\"", e.Score, e.Matched)
	}
	query(t, c, searchQuery, &resp, client.Var("q", "septemes"), client.Var("kinds", []string{"TERRITORY"}))
	if len(resp.Search.Edges) != 1 || resp.Search.Edges[0].Node.Kind != "TERRITORY" {
		t.Errorf("septemes among territories = %+v, want the territory alone", resp.Search.Edges)
	}
	// Pages follow each other without overlap, best first.
	var all []string
	var after *string
	for {
		var page searchResp
		query(t, c, searchQuery, &page, client.Var("q", "commune"), client.Var("first", 5), client.Var("after", after))
		for i, e := range page.Search.Edges {
			all = append(all, e.Node.ID)
			if i > 0 && e.Score > page.Search.Edges[i-1].Score {
				t.Errorf("scores not best first: %v after %v", e.Score, page.Search.Edges[i-1].Score)
			}
		}
		if !page.Search.PageInfo.HasNextPage {
			if len(all) != page.Search.TotalCount {
				t.Errorf("paged through %d results, totalCount says %d", len(all), page.Search.TotalCount)
			}
			break
		}
		cur := page.Search.PageInfo.EndCursor
		after = &cur
	}
	seen := map[string]bool{}
	for _, id := range all {
		if seen[id] {
			t.Errorf("%s on two pages", id)
		}
		seen[id] = true
	}
}

func TestSearchBadInput(t *testing.T) {
	c := newClient(defaultDataset(t))
	for _, q := range []string{"", "   ", "'"} {
		wantCode(t, c, domain.EBADINPUT, searchQuery, client.Var("q", q))
	}
	wantCode(t, c, domain.EBADINPUT, searchQuery, client.Var("q", "caf"), client.Var("first", 501))
}

type subgraphResp struct {
	Neighborhood struct {
		Nodes     []struct{ ID string }
		Depths    []int
		Relations []struct {
			Kind string
			From struct{ ID string }
			To   struct{ ID string }
		}
		Truncated bool
	}
}

const neighborhoodQuery = `query($id: ID!, $depth: Int, $asOf: Date, $kinds: [RelationKind!]) {
	neighborhood(id: $id, depth: $depth, asOf: $asOf, kinds: $kinds) {
		nodes { id } depths relations { kind from { id } to { id } } truncated
	}
}`

func TestNeighborhoodInTime(t *testing.T) {
	c := newClient(defaultDataset(t))
	var y2015, y2019 subgraphResp
	query(t, c, neighborhoodQuery, &y2015, client.Var("id", "msa-provence-azur"), client.Var("asOf", "2015"))
	query(t, c, neighborhoodQuery, &y2019, client.Var("id", "msa-provence-azur"), client.Var("asOf", "2019"))
	if n := y2015.Neighborhood.Nodes; len(n) != 1 || n[0].ID != "msa-provence-azur" || len(y2015.Neighborhood.Relations) != 0 {
		t.Errorf("MSA in 2015 = %+v, want MSA alone (it joins in 2019)", y2015.Neighborhood)
	}
	signs := false
	for _, r := range y2019.Neighborhood.Relations {
		signs = signs || r.Kind == "SIGNATORY" && r.From.ID == "msa-provence-azur" && r.To.ID == "cccs"
	}
	if len(y2019.Neighborhood.Nodes) != 8 || !signs || y2019.Neighborhood.Depths[0] != 0 {
		t.Errorf("MSA in 2019: %d nodes, signatory of cccs %v, depths %v; want 8 and true", len(y2019.Neighborhood.Nodes), signs, y2019.Neighborhood.Depths)
	}
	var early subgraphResp
	query(t, c, neighborhoodQuery, &early, client.Var("id", "caf-13"), client.Var("asOf", "1975"), client.Var("depth", 2))
	for _, r := range early.Neighborhood.Relations {
		if r.Kind == "SIGNATORY" || r.Kind == "SIGNED" || r.Kind == "CONCERNS" {
			t.Errorf("in 1975, the Caf has a %s relation to %s", r.Kind, r.To.ID)
		}
	}
	var deep subgraphResp
	query(t, c, neighborhoodQuery, &deep, client.Var("id", "cccs"), client.Var("depth", 3))
	if len(deep.Neighborhood.Nodes) > store.MaxSubgraphNodes || len(deep.Neighborhood.Relations) > store.MaxSubgraphRelations {
		t.Errorf("depth 3 from cccs: %d nodes, %d relations, over the caps", len(deep.Neighborhood.Nodes), len(deep.Neighborhood.Relations))
	}
}

func TestNeighborhoodBadInput(t *testing.T) {
	c := newClient(defaultDataset(t))
	wantCode(t, c, domain.ENOTFOUND, neighborhoodQuery, client.Var("id", "no-such-node"))
	wantCode(t, c, domain.EBADINPUT, neighborhoodQuery, client.Var("id", "caf-13"), client.Var("depth", 4))
	wantCode(t, c, domain.EBADINPUT, neighborhoodQuery, client.Var("id", "caf-13"), client.Var("depth", -1))
	wantCode(t, c, domain.EBADINPUT, neighborhoodQuery, client.Var("id", "Not An Id"))
}

type pathResp struct {
	ShortestPath *struct {
		Length    int
		Nodes     []struct{ ID string }
		Relations []struct {
			Kind string
			From struct{ ID string }
			To   struct{ ID string }
		}
	}
}

const pathQuery = `query($from: ID!, $to: ID!, $asOf: Date, $kinds: [RelationKind!], $max: Int) {
	shortestPath(from: $from, to: $to, asOf: $asOf, kinds: $kinds, maxDepth: $max) {
		length nodes { id } relations { kind from { id } to { id } }
	}
}`

func TestShortestPathFromMSAToAFederation(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp pathResp
	query(t, c, pathQuery, &resp, client.Var("from", "msa-provence-azur"), client.Var("to", "ucs-13"))
	p := resp.ShortestPath
	if p == nil {
		t.Fatal("no path from MSA Provence Azur to UCS 13")
	}
	var ids []string
	for _, n := range p.Nodes {
		ids = append(ids, n.ID)
	}
	if strings.Join(ids, ",") != "msa-provence-azur,cccs,ucs-13" || p.Length != 2 || p.Relations[0].Kind != "SIGNATORY" || p.Relations[1].From.ID != "ucs-13" {
		t.Errorf("path = %v %+v, want MSA -signatory-> cccs <-signatory- UCS 13", ids, p.Relations)
	}
	for name, vars := range map[string][]client.Option{
		"disconnected (a source has no relation)": {client.Var("from", "seed-000"), client.Var("to", "caf-13")},
		"only part-of relations":                  {client.Var("from", "msa-provence-azur"), client.Var("to", "ucs-13"), client.Var("kinds", []string{"PART_OF"})},
		"before MSA joined":                       {client.Var("from", "msa-provence-azur"), client.Var("to", "ucs-13"), client.Var("asOf", "2015")},
		"before 1980":                             {client.Var("from", "msa-provence-azur"), client.Var("to", "caf-13"), client.Var("asOf", "1979")},
	} {
		var none pathResp
		query(t, c, pathQuery, &none, vars...) // query fails the test on any error
		if none.ShortestPath != nil {
			t.Errorf("%s: path %+v, want null", name, none.ShortestPath)
		}
	}
	wantCode(t, c, domain.ENOTFOUND, pathQuery, client.Var("from", "msa-provence-azur"), client.Var("to", "no-such-node"))
	wantCode(t, c, domain.EBADINPUT, pathQuery, client.Var("from", "msa-provence-azur"), client.Var("to", "ucs-13"), client.Var("max", 7))
}

func TestTimeline(t *testing.T) {
	c := newClient(defaultDataset(t))
	const q = `query($from: Date, $to: Date, $kinds: [RelationKind!]) {
		timeline(from: $from, to: $to, kinds: $kinds, first: 500) {
			totalCount nodes { date type event { id } relation { kind from { id } } }
		}
	}`
	var resp struct {
		Timeline struct {
			TotalCount int
			Nodes      []struct {
				Date, Type string
				Event      *struct{ ID string }
				Relation   *struct {
					Kind string
					From struct{ ID string }
				}
			}
		}
	}
	query(t, c, q, &resp, client.Var("from", "1970"), client.Var("to", "1979"))
	if resp.Timeline.TotalCount != 0 {
		t.Errorf("the 1970s hold %d entries, want none", resp.Timeline.TotalCount)
	}
	query(t, c, q, &resp, client.Var("from", "2019-01-01"), client.Var("to", "2019-01-01"), client.Var("kinds", []string{"SIGNATORY"}))
	joined, events := map[string]bool{}, 0
	for _, e := range resp.Timeline.Nodes {
		if e.Type == "RELATION_START" && e.Relation.Kind == "SIGNATORY" {
			joined[e.Relation.From.ID] = true
		}
		if e.Type == "EVENT" && e.Event != nil {
			events++
		}
	}
	if !joined["msa-provence-azur"] || !joined["carsat-sud-est"] || !joined["commune-tarascon"] || events == 0 {
		t.Errorf("1 January 2019: joined %v and %d events; want MSA, Carsat and Tarascon, and the avenant's events", joined, events)
	}
	wantCode(t, c, domain.EBADINPUT, q, client.Var("from", "2020"), client.Var("to", "2019"))
}

func TestStats(t *testing.T) {
	c := newClient(defaultDataset(t))
	const q = `query($asOf: Date) {
		stats(asOf: $asOf) {
			asOf nodeCount relationCount
			nodesByKind { kind count } relationsByKind { kind count }
			signatoriesByYear(from: 1975, to: 2021) { year count atYearEnd }
			bodyMembers { body { id } count members { id } }
			organizationDegrees(first: 3) { organization { id } degree inDegree outDegree neighbors }
		}
	}`
	type statsResp struct {
		Stats struct {
			AsOf                         *string
			NodeCount, RelationCount     int
			NodesByKind, RelationsByKind []struct {
				Kind  string
				Count int
			}
			SignatoriesByYear []struct{ Year, Count, AtYearEnd int }
			BodyMembers       []struct {
				Body    struct{ ID string }
				Count   int
				Members []struct{ ID string }
			}
			OrganizationDegrees []struct {
				Organization                           struct{ ID string }
				Degree, InDegree, OutDegree, Neighbors int
			}
		}
	}
	var all statsResp
	query(t, c, q, &all)
	s := all.Stats
	nodes, rels, err := defaultDataset(t).Size(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.AsOf != nil || s.NodeCount != nodes || s.RelationCount != rels || nodes < 270 {
		t.Errorf("over all time: asOf %v, %d nodes, %d relations; want null, %d, %d", s.AsOf, s.NodeCount, s.RelationCount, nodes, rels)
	}
	seeds := map[int]int{1975: 0, 1994: 3, 2000: 12, 2006: 14, 2015: 18, 2017: 19, 2018: 20, 2019: 23}
	for _, y := range s.SignatoriesByYear {
		if want, ok := seeds[y.Year]; ok && y.AtYearEnd != want {
			t.Errorf("signatories at the end of %d = %d, want %d", y.Year, y.AtYearEnd, want)
		}
	}
	if d := s.OrganizationDegrees; len(d) != 3 || d[0].Organization.ID != "cco" || d[0].Degree != d[0].InDegree+d[0].OutDegree || d[0].Degree < d[1].Degree {
		t.Errorf("organizationDegrees = %+v, want cco first (it manages or federates ten facilities)", d)
	}
	if len(s.BodyMembers) != 9 {
		t.Errorf("%d bodies, want 9", len(s.BodyMembers))
	}
	var early statsResp
	query(t, c, q, &early, client.Var("asOf", "1975"))
	for _, k := range early.Stats.RelationsByKind {
		if (k.Kind == "SIGNATORY" || k.Kind == "CONCERNS") && k.Count != 0 {
			t.Errorf("1975: %d %s relations, want 0", k.Count, k.Kind)
		}
	}
	for _, k := range early.Stats.NodesByKind {
		if k.Kind == "EVENT" && k.Count != 0 {
			t.Errorf("1975: %d events, want 0", k.Count)
		}
	}
	wantCode(t, c, domain.EBADINPUT, `{ stats { signatoriesByYear(from: 2000, to: 1990) { year } } }`)
	wantCode(t, c, domain.EBADINPUT, `{ stats { organizationDegrees(first: -1) { degree } } }`)
}

func TestOfficeHoldersAsOf(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Then, Before struct {
			OfficeHolders []struct{ Role string }
		}
	}
	query(t, c, `{
		then: node(id: "msa-provence-azur") { ... on Organization { officeHolders(asOf: "2019-06-27") { role } } }
		before: node(id: "msa-provence-azur") { ... on Organization { officeHolders(asOf: "2015") { role } } }
	}`, &resp)
	if len(resp.Then.OfficeHolders) != 2 || len(resp.Before.OfficeHolders) != 0 {
		t.Errorf("MSA office holders: %d on 27 June 2019, %d in 2015; want 2 and 0", len(resp.Then.OfficeHolders), len(resp.Before.OfficeHolders))
	}
}

func TestGraphWalksCountInTheComplexityLimit(t *testing.T) {
	c := newClient(defaultDataset(t))
	// What an analyst asks for fits...
	var ok map[string]any
	query(t, c, `{ neighborhood(id: "cccs", depth: 2) {
		nodes { id kind name } depths truncated
		relations { kind validFrom validTo role note from { id name } to { id name } }
	} }`, &ok)
	// ... a neighbourhood of 500 nodes with a page of relations each does not.
	wantCode(t, c, domain.ECOMPLEXITY, `{ neighborhood(id: "cccs", depth: 3) {
		nodes { id relations(first: 100) { nodes { kind } } }
	} }`)
	wantCode(t, c, domain.ECOMPLEXITY, `{ shortestPath(from: "caf-13", to: "ucs-13") {
		nodes { relations(first: 500) { nodes { from { relations(first: 500) { totalCount } } } } }
	} }`)
}

package graph

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

func TestSignatoriesOnTheSeedDates(t *testing.T) {
	c := newClient(defaultDataset(t))
	for asOf, want := range map[string]int{
		"1994-12-31": 3, "2000-12-31": 12, "2006": 14, "2015-06-30": 18, "2017": 19, "2018-06-30": 20, "2019-06-30": 23,
	} {
		var resp struct{ Signatories struct{ TotalCount int } }
		query(t, c, `query($d: Date) { signatories(asOf: $d) { totalCount } }`, &resp, client.Var("d", asOf))
		if resp.Signatories.TotalCount != want {
			t.Errorf("signatories as of %s = %d, want %d", asOf, resp.Signatories.TotalCount, want)
		}
	}
}

func TestNodeAndNodes(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Node *struct {
			ID, Kind, Name, ShortName string
			Sources                   []struct{ Source struct{ ID string } }
		}
		Missing *struct{ ID string }
		Nodes   []*struct{ ID, Name string }
	}
	query(t, c, `{
		node(id: "caf-13") { id kind name ... on Organization { shortName } sources { source { id } } }
		missing: node(id: "no-such-node") { id }
		nodes(ids: ["etat", "no-such-node", "commune-marseille"]) { id name }
	}`, &resp)
	if resp.Node == nil || resp.Node.Kind != "ORGANIZATION" || resp.Node.ShortName != "Caf 13" || len(resp.Node.Sources) == 0 {
		t.Errorf("node(caf-13) = %+v", resp.Node)
	}
	if resp.Missing != nil {
		t.Errorf("unknown id gave %+v, want null", resp.Missing)
	}
	if len(resp.Nodes) != 3 || resp.Nodes[0].ID != "etat" || resp.Nodes[1] != nil || resp.Nodes[2].ID != "commune-marseille" {
		t.Errorf("nodes = %+v, want etat, null, commune-marseille", resp.Nodes)
	}
}

func TestBadInputHasCodes(t *testing.T) {
	c := newClient(defaultDataset(t))
	for name, q := range map[string]string{
		"malformed id":     `{ node(id: "Not An Id!") { id } }`,
		"negative first":   `{ organizations(first: -1) { totalCount } }`,
		"huge first":       `{ organizations(first: 100000) { totalCount } }`,
		"first and last":   `{ organizations(first: 2, last: 2) { totalCount } }`,
		"bad cursor":       `{ organizations(after: "garbage") { totalCount } }`,
		"invalid date":     `{ signatories(asOf: "2019-13-01") { totalCount } }`,
		"impossible day":   `{ signatories(asOf: "2019-02-30") { totalCount } }`,
		"date not string":  `{ signatories(asOf: 2019) { totalCount } }`,
		"decade as input":  `{ signatories(asOf: "198X") { totalCount } }`,
		"unknown kind":     `{ node(id: "caf-13") { relations(kinds: [SPACESHIP]) { totalCount } } }`,
		"unknown category": `{ organizations(filter: {categories: [ALIEN]}) { totalCount } }`,
		"unknown field":    `{ organizations { totalCount colour } }`,
		"syntax error":     `{ organizations { totalCount `,
		"too many ids":     fmt.Sprintf(`{ nodes(ids: [%s]) { id } }`, strings.TrimSuffix(strings.Repeat(`"a",`, 501), ",")),
	} {
		t.Run(name, func(t *testing.T) { wantCode(t, c, domain.EBADINPUT, q) })
	}
}

func TestPagination(t *testing.T) {
	c := newClient(defaultDataset(t))
	type page struct {
		Organizations struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       string
			}
			Edges []struct{ Cursor string }
			Nodes []struct{ ID, Name string }
		}
	}
	var seen []string
	var after *string
	total := -1
	for range 100 {
		var p page
		query(t, c, `query($after: String) { organizations(first: 7, after: $after) {
			totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor } nodes { id name } } }`,
			&p, client.Var("after", after))
		if total >= 0 && p.Organizations.TotalCount != total {
			t.Fatalf("totalCount changed between pages: %d then %d", total, p.Organizations.TotalCount)
		}
		total = p.Organizations.TotalCount
		for _, n := range p.Organizations.Nodes {
			seen = append(seen, n.ID)
		}
		if !p.Organizations.PageInfo.HasNextPage {
			break
		}
		end := p.Organizations.PageInfo.EndCursor
		after = &end
	}
	if len(seen) != total || total < 30 {
		t.Fatalf("paged through %d organizations, totalCount %d", len(seen), total)
	}
	unique := map[string]bool{}
	for _, id := range seen {
		unique[id] = true
	}
	if len(unique) != total {
		t.Fatalf("pages overlap: %d distinct of %d", len(unique), total)
	}

	// last/before walks back from the end.
	var tail page
	query(t, c, `{ organizations(last: 3) { pageInfo { hasPreviousPage startCursor } nodes { id } } }`, &tail)
	if got := len(tail.Organizations.Nodes); got != 3 || tail.Organizations.Nodes[2].ID != seen[len(seen)-1] || !tail.Organizations.PageInfo.HasPreviousPage {
		t.Fatalf("last 3 = %+v", tail.Organizations)
	}
	var before page
	query(t, c, `query($b: String) { organizations(last: 2, before: $b) { nodes { id } } }`, &before, client.Var("b", tail.Organizations.PageInfo.StartCursor))
	if len(before.Organizations.Nodes) != 2 || before.Organizations.Nodes[1].ID != seen[len(seen)-4] {
		t.Fatalf("last 2 before the tail = %+v, want ending at %s", before.Organizations.Nodes, seen[len(seen)-4])
	}
}

func TestFiltersAndOrder(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Communes   struct{ TotalCount int }
		Septemes   struct{ Nodes []struct{ ID string } }
		Signing    struct{ TotalCount int }
		Agreements struct{ Nodes []struct{ ID string } }
		Recent     struct{ Nodes []struct{ ID string } }
		Desc       struct{ Nodes []struct{ ID string } }
	}
	query(t, c, `{
		communes: organizations(filter: {categories: [COMMUNE]}) { totalCount }
		septemes: organizations(filter: {nameContains: "septemes"}) { nodes { id } }
		signing: organizations(filter: {signatoryAsOf: "2000-06-01", categories: [COMMUNE]}) { totalCount }
		agreements(orderBy: {field: DATE}, first: 2) { nodes { id } }
		recent: agreements(orderBy: {field: DATE}, filter: {from: "2015"}) { nodes { id } }
		desc: agreements(orderBy: {field: DATE, direction: DESC}, first: 1, filter: {ids: ["cccs-1994", "cccs-2018-2021"]}) { nodes { id } }
	}`, &resp)
	if resp.Communes.TotalCount != 15 {
		t.Errorf("communes = %d, want the 15 that signed (11 up to 2019, 4 more in 2024)", resp.Communes.TotalCount)
	}
	if len(resp.Septemes.Nodes) != 1 || resp.Septemes.Nodes[0].ID != "commune-septemes-les-vallons" {
		t.Errorf("nameContains septemes = %+v", resp.Septemes.Nodes)
	}
	if resp.Signing.TotalCount != 7 {
		t.Errorf("communes signing in June 2000 = %d, want 7", resp.Signing.TotalCount)
	}
	if len(resp.Agreements.Nodes) < 1 || resp.Agreements.Nodes[0].ID != "cccs-1994" {
		t.Errorf("agreements by date start with %+v, want cccs-1994", resp.Agreements.Nodes)
	}
	for _, n := range resp.Recent.Nodes {
		if n.ID == "cccs-1994" || n.ID == "cccs-2000" {
			t.Errorf("agreements from 2015 include %s", n.ID)
		}
	}
	if len(resp.Desc.Nodes) != 1 || resp.Desc.Nodes[0].ID != "cccs-2018-2021" {
		t.Errorf("DESC by date = %+v", resp.Desc.Nodes)
	}
}

func TestRelationsOfANode(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Node struct {
			All     struct{ TotalCount int }
			Sig2010 struct {
				Nodes []struct {
					Kind      string
					To        struct{ ID string }
					ValidFrom *string
					ValidTo   *string
				}
			}
			Out struct{ TotalCount int }
			In  struct{ TotalCount int }
		}
	}
	query(t, c, `{ node(id: "fasild") {
		all: relations { totalCount }
		sig2010: relations(kinds: [SIGNATORY], asOf: "2010") { nodes { kind to { id } validFrom validTo } }
		out: relations(direction: OUT) { totalCount }
		in: relations(direction: IN) { totalCount }
	} }`, &resp)
	n := resp.Node
	if n.Out.TotalCount+n.In.TotalCount != n.All.TotalCount || n.All.TotalCount == 0 {
		t.Errorf("out %d + in %d != all %d", n.Out.TotalCount, n.In.TotalCount, n.All.TotalCount)
	}
	if len(n.Sig2010.Nodes) != 1 || n.Sig2010.Nodes[0].To.ID != "cccs" || n.Sig2010.Nodes[0].ValidTo == nil {
		t.Errorf("FASILD's signatory relation in 2010 = %+v", n.Sig2010.Nodes)
	}
	var after struct {
		Node struct{ Relations struct{ TotalCount int } }
	}
	query(t, c, `{ node(id: "fasild") { relations(kinds: [SIGNATORY], asOf: "2015-06-30") { totalCount } } }`, &after)
	if after.Node.Relations.TotalCount != 0 {
		t.Errorf("FASILD still a signatory in 2015")
	}
}

func TestComplexityLimitRefusesDeepQueries(t *testing.T) {
	c := newClient(defaultDataset(t))
	q := `{ node(id: "cccs") { id }`
	inner := "id"
	for range 30 {
		inner = fmt.Sprintf("relations(first: 50) { nodes { from { %s } } }", inner)
	}
	q = fmt.Sprintf(`{ node(id: "cccs") { %s } }`, inner)
	wantCode(t, c, domain.ECOMPLEXITY, q)
	// A wide but shallow page is fine.
	var ok struct {
		Organizations struct {
			TotalCount int
			Nodes      []struct {
				ID, Name string
				Bodies   []struct{ Name string }
			}
		}
	}
	query(t, c, `{ organizations(first: 100) { totalCount nodes { id name bodies { name } } } }`, &ok)
}

func TestInternalErrorsAreHidden(t *testing.T) {
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close() // every read now fails inside Badger
	c := newClient(s)
	e := wantCode(t, c, domain.EINTERNAL, `{ organizations { totalCount } }`)
	if e.Message != "internal error" {
		t.Errorf("message = %q, want \"internal error\"", e.Message)
	}
}

func TestPanickingResolverIsRecovered(t *testing.T) {
	// The collections' resolvers panic at their store call.
	c := client.New(newHandler(&Resolver{}, panicReader{defaultDataset(t)}, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler)}))
	e := wantCode(t, c, domain.EINTERNAL, `{ organizations { totalCount } }`)
	if e.Message != "internal error" {
		t.Errorf("message = %q, want \"internal error\"", e.Message)
	}
	// The handler still answers.
	wantCode(t, c, domain.EINTERNAL, `{ bodies { totalCount } }`)
}

func TestEveryFieldIsDescribed(t *testing.T) {
	c := newClient(defaultDataset(t))
	type described struct{ Name, Description string }
	var resp struct {
		Schema struct {
			Types []struct {
				Name, Kind, Description string
				SpecifiedByURL          *string
				Fields                  []struct {
					Name, Description string
					Args              []described
				}
				InputFields []described
				EnumValues  []described
			}
		} `json:"__schema"`
	}
	query(t, c, `{ __schema { types { name kind description specifiedByURL
		fields { name description args { name description } } inputFields { name description } enumValues { name description } } } }`, &resp)
	args := 0
	for _, typ := range resp.Schema.Types {
		if strings.HasPrefix(typ.Name, "__") || typ.Kind == "SCALAR" && strings.Contains("String Int Float Boolean ID", typ.Name) {
			continue
		}
		if typ.Description == "" {
			t.Errorf("type %s has no description", typ.Name)
		}
		if typ.Kind == "SCALAR" && typ.SpecifiedByURL == nil {
			t.Errorf("scalar %s has no @specifiedBy", typ.Name)
		}
		for _, f := range typ.Fields {
			if f.Description == "" {
				t.Errorf("field %s.%s has no description", typ.Name, f.Name)
			}
			for _, a := range f.Args {
				args++
				if a.Description == "" {
					t.Errorf("argument %s.%s(%s) has no description", typ.Name, f.Name, a.Name)
				}
			}
		}
		for _, f := range typ.InputFields {
			if f.Description == "" {
				t.Errorf("input field %s.%s has no description", typ.Name, f.Name)
			}
		}
		for _, v := range typ.EnumValues {
			if v.Description == "" {
				t.Errorf("enum value %s.%s has no description", typ.Name, v.Name)
			}
		}
	}
	if args < 200 {
		t.Errorf("%d arguments seen: the query missed them", args)
	}
}

func TestIntrospectionCanBeSwitchedOff(t *testing.T) {
	c := client.New(NewHandler(defaultDataset(t), Options{Limits: DefaultLimits, Introspection: false}))
	wantCode(t, c, domain.EFORBIDDEN, `{ __schema { types { name } } }`)
	wantCode(t, c, domain.EFORBIDDEN, `query { ...F } fragment F on Query { __type(name: "Node") { name } }`)
	var resp struct{ Signatories struct{ TotalCount int } }
	query(t, c, `{ signatories(asOf: "2018") { totalCount } }`, &resp)
}

func TestResponseCache(t *testing.T) {
	s := smallStore(t, "../store/testdata/small.yaml")
	h := NewHandler(s, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler), CacheBytes: 1 << 20})
	ask := func() (string, string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ organizations { totalCount } }"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Header().Get("X-Cache"), rec.Body.String()
	}
	if hit, body := ask(); hit != "" || !strings.Contains(body, `"totalCount":3`) {
		t.Fatalf("first answer: cache %q, %s", hit, body)
	}
	if hit, body := ask(); hit != "hit" || !strings.Contains(body, `"totalCount":3`) {
		t.Fatalf("second answer: cache %q, %s", hit, body)
	}
	more := "nodes:\n  - {id: delta, kind: organization, name: Delta, fields: {category: other}, sources: [{source: doc-a}]}\n"
	if _, err := s.Import(ctx, store.File{Name: "more.yaml", Data: []byte(more)}); err != nil {
		t.Fatal(err)
	}
	if hit, body := ask(); hit != "" || !strings.Contains(body, `"totalCount":4`) {
		t.Fatalf("after an import: cache %q, %s", hit, body)
	}
}

func TestOrientationTypes(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Stakes, Strategic struct {
			TotalCount int
			Nodes      []struct{ Type string }
		}
	}
	query(t, c, `{
		stakes: orientations(filter: {types: [STAKE]}) { totalCount nodes { type } }
		strategic: orientations(filter: {types: [STRATEGIC_ORIENTATION]}) { totalCount nodes { type } }
	}`, &resp)
	// Seed 004: "deux enjeux majeurs" and "trois orientations stratégiques".
	if resp.Stakes.TotalCount != 2 || resp.Strategic.TotalCount != 3 || resp.Stakes.Nodes[0].Type != "STAKE" {
		t.Fatalf("stakes and orientations = %+v", resp)
	}
}

// TestExpensiveShapesAreRefused sends query shapes that once cost seconds.
func TestExpensiveShapesAreRefused(t *testing.T) {
	c := newClient(defaultDataset(t))
	ids := make([]string, 500)
	for i := range ids {
		ids[i] = "caf-13"
	}
	wantCode(t, c, domain.ECOMPLEXITY, `query($ids: [ID!]!) { nodes(ids: $ids) { id relations(first: 45) {
		nodes { kind note from { id name } to { id name } } } } }`, client.Var("ids", ids))
	var aliases strings.Builder
	for i := range 30 {
		fmt.Fprintf(&aliases, "n%d: neighborhood(id: \"cccs\", depth: 3) { truncated }\n", i)
	}
	wantCode(t, c, domain.ECOMPLEXITY, "{"+aliases.String()+"}")
	aliases.Reset()
	for i := range 30 {
		fmt.Fprintf(&aliases, "s%d: stats { nodeCount }\n", i)
	}
	wantCode(t, c, domain.ECOMPLEXITY, "{"+aliases.String()+"}")

	many := make([]string, 1000)
	for i := range many {
		many[i] = "SIGNATORY"
	}
	e := wantCode(t, c, domain.EBADINPUT, `query($k: [RelationKind!]) { neighborhood(id: "cccs", kinds: $k) { truncated } }`, client.Var("k", many))
	if !strings.Contains(e.Message, "at most 500") {
		t.Errorf("message = %q", e.Message)
	}
	manyIDs := make([]string, 2000)
	for i := range manyIDs {
		manyIDs[i] = fmt.Sprintf("id-%d", i)
	}
	wantCode(t, c, domain.EBADINPUT, `query($ids: [ID!]) { organizations(filter: {ids: $ids}) { totalCount } }`, client.Var("ids", manyIDs))
}

func TestRepeatedKindsCountOnce(t *testing.T) {
	c := newClient(defaultDataset(t))
	var once, twice struct {
		Neighborhood struct{ Relations []struct{ Kind string } }
	}
	query(t, c, `{ neighborhood(id: "caf-13", kinds: [SIGNATORY]) { relations { kind } } }`, &once)
	query(t, c, `{ neighborhood(id: "caf-13", kinds: [SIGNATORY, SIGNATORY]) { relations { kind } } }`, &twice)
	if len(once.Neighborhood.Relations) == 0 || len(twice.Neighborhood.Relations) != len(once.Neighborhood.Relations) {
		t.Fatalf("relations: %d with the kind once, %d with it twice", len(once.Neighborhood.Relations), len(twice.Neighborhood.Relations))
	}
}

func TestCursorsBelongToTheirOrdering(t *testing.T) {
	c := newClient(defaultDataset(t))
	var byName struct {
		Organizations struct{ PageInfo struct{ EndCursor string } }
	}
	query(t, c, `{ organizations(first: 2) { pageInfo { endCursor } } }`, &byName)
	cur := byName.Organizations.PageInfo.EndCursor
	wantCode(t, c, domain.EBADINPUT, `query($c: String) { organizations(first: 2, after: $c, orderBy: {field: ID}) { totalCount } }`, client.Var("c", cur))
	var same struct {
		Organizations struct{ Nodes []struct{ ID string } }
	}
	query(t, c, `query($c: String) { organizations(first: 2, after: $c, orderBy: {field: NAME, direction: ASC}) { nodes { id } } }`, &same, client.Var("c", cur))
	if len(same.Organizations.Nodes) != 2 {
		t.Fatalf("the default order and NAME ASC do not share cursors: %+v", same)
	}
}

func TestUndatedNodesComeLastBothWays(t *testing.T) {
	c := newClient(defaultDataset(t))
	for _, dir := range []string{"ASC", "DESC"} {
		var resp struct {
			Programmes struct{ Nodes []struct{ Started *string } }
		}
		query(t, c, `query($d: OrderDirection!) { programmes(first: 100, orderBy: {field: DATE, direction: $d}) { nodes { started } } }`, &resp, client.Var("d", dir))
		nodes := resp.Programmes.Nodes
		if len(nodes) < 2 || nodes[0].Started == nil {
			t.Fatalf("%s: first programme has no date: %+v", dir, nodes)
		}
		seenUndated := false
		for _, n := range nodes {
			if n.Started == nil {
				seenUndated = true
			} else if seenUndated {
				t.Fatalf("%s: a dated programme after an undated one", dir)
			}
		}
	}
}

func TestSingleValuedFieldsPreferTheCurrentRelation(t *testing.T) {
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data := `nodes:
  - {id: src, kind: source, name: S, sources: [{source: src}]}
  - {id: f, kind: facility, name: Centre, sources: [{source: src}]}
  - {id: old, kind: organization, name: Old manager, fields: {category: association}, sources: [{source: src}]}
  - {id: new, kind: organization, name: New manager, fields: {category: association}, sources: [{source: src}]}
relations:
  - {kind: manages, from: new, to: f, validFrom: "2016", sources: [{source: src}]}
  - {kind: manages, from: old, to: f, validFrom: "2010", validTo: "2015", sources: [{source: src}]}
`
	if _, err := s.Import(ctx, store.File{Name: "m.yaml", Data: []byte(data)}); err != nil {
		t.Fatal(err)
	}
	c := newClient(s)
	var resp struct {
		Node struct{ Now, Then, Before struct{ ID string } }
	}
	query(t, c, `{ node(id: "f") { ... on Facility { now: manager { id } then: manager(asOf: "2012") { id } } } }`, &resp)
	if resp.Node.Now.ID != "new" || resp.Node.Then.ID != "old" {
		t.Fatalf("manager now = %q, in 2012 = %q; want new and old", resp.Node.Now.ID, resp.Node.Then.ID)
	}
}

func TestEventsDatedByAPeriod(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Node           struct{ Date, EndDate string }
		In2013, In2019 struct {
			Nodes []struct{ Event *struct{ ID string } }
		}
	}
	// Seed 000: "Des années 2011 à 2014 : une Convention prorogée à deux reprises".
	query(t, c, `{
		node(id: "event-201x-prorogation-1") { ... on Event { date endDate } }
		in2013: timeline(from: "2013", to: "2013") { nodes { event { id } } }
		in2019: timeline(from: "2019", to: "2019") { nodes { event { id } } }
	}`, &resp)
	if resp.Node.Date != "2011" || resp.Node.EndDate != "2014" {
		t.Fatalf("the first extension is dated %s to %s, want 2011 to 2014", resp.Node.Date, resp.Node.EndDate)
	}
	has := func(nodes []struct{ Event *struct{ ID string } }) bool {
		return slices.ContainsFunc(nodes, func(n struct{ Event *struct{ ID string } }) bool {
			return n.Event != nil && n.Event.ID == "event-201x-prorogation-1"
		})
	}
	if !has(resp.In2013.Nodes) || has(resp.In2019.Nodes) {
		t.Fatalf("the 2011-2014 extension: in the 2013 timeline %v, in the 2019 one %v; want true, false", has(resp.In2013.Nodes), has(resp.In2019.Nodes))
	}
}

// panicReader panics where a collection is listed or paged.
type panicReader struct{ Reader }

func (panicReader) NodesOfKind(context.Context, domain.Kind) ([]*domain.Node, error) {
	panic("a resolver's bug")
}

func (panicReader) OrderedPage(context.Context, store.PageQuery) (store.Page[*domain.Node], bool, error) {
	panic("a resolver's bug")
}

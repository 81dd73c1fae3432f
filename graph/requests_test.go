package graph

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/domain"
)

// vars sets the request's variables as decoded JSON, as a browser sends them.
func vars(js string) client.Option {
	return func(r *client.Request) {
		if err := json.Unmarshal([]byte(js), &r.Variables); err != nil {
			panic(err)
		}
	}
}

func TestEnumValuesInTheWrongCaseAreBadInput(t *testing.T) {
	c := newClient(defaultDataset(t))
	for _, tc := range []struct{ query, variables, want string }{
		{`query($k: [RelationKind!]) { node(id: "caf-13") { relations(kinds: $k) { totalCount } } }`, `{"k": ["signatory"]}`, `$k[0]: "signatory" is not a RelationKind value`},
		{`query($k: [TerritoryKind!]) { territories(filter: {kinds: $k}) { totalCount } }`, `{"k": ["commune"]}`, "did you mean COMMUNE?"},
		{`query($o: NodeOrder) { organizations(orderBy: $o) { totalCount } }`, `{"o": {"field": "name"}}`, "$o.field"},
		{`query($d: Direction) { node(id: "caf-13") { relations(direction: $d) { totalCount } } }`, `{"d": "out"}`, "did you mean OUT?"},
		{`query($k: [RelationKind!]) { node(id: "caf-13") { relations(kinds: $k) { totalCount } } }`, `{"k": ["party-to"]}`, "did you mean PARTY_TO?"},
		{`query($c: [OrganizationCategory!]) { organizations(filter: {categories: $c}) { totalCount } }`, `{"c": ["ALIENS"]}`, "one of STATE, SOCIAL_SECURITY"},
	} {
		e := wantCode(t, c, domain.EBADINPUT, tc.query, vars(tc.variables))
		if !strings.Contains(e.Message, tc.want) {
			t.Errorf("%s: message %q lacks %q", tc.variables, e.Message, tc.want)
		}
	}
	// The right case still runs.
	var resp struct {
		Node struct{ Relations struct{ TotalCount int } }
	}
	query(t, c, `query($k: [RelationKind!]) { node(id: "caf-13") { relations(kinds: $k) { totalCount } } }`, &resp, vars(`{"k": ["SIGNATORY"]}`))
	if resp.Node.Relations.TotalCount != 1 {
		t.Errorf("SIGNATORY relations of caf-13 = %d, want 1", resp.Node.Relations.TotalCount)
	}
}

func TestRequestMistakesGetHelpfulErrors(t *testing.T) {
	c := newClient(defaultDataset(t))
	two := `query a { node(id: "caf-13") { id } } query b { node(id: "etat") { id } }`
	for _, tc := range []struct {
		name, query string
		opts        []client.Option
		want        string
	}{
		{"two operations, no operationName", two, nil, "the document holds 2 operations (a, b): say which to run with operationName"},
		{"operationName of none", two, []client.Option{client.Operation("c")}, `operationName "c" names no operation of the document, which holds a, b`},
		{"missing variable", `query($d: Date!) { signatories(asOf: $d) { totalCount } }`, nil, "variable $d (Date!) is required and was not given in variables"},
		{"null variable", `query($d: Date!) { signatories(asOf: $d) { totalCount } }`, []client.Option{vars(`{"d": null}`)}, "variable $d (Date!) is required and is null"},
		{"missing input field", `query($o: NodeOrder) { organizations(orderBy: $o) { totalCount } }`, []client.Option{vars(`{"o": {"field": null}}`)}, "variable $o (NodeOrder): its field field is required and is null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := wantCode(t, c, domain.EBADINPUT, tc.query, tc.opts...)
			if e.Message != tc.want {
				t.Errorf("message %q, want %q", e.Message, tc.want)
			}
		})
	}
}

func TestCursorOfAnotherCollectionIsRefused(t *testing.T) {
	c := newClient(defaultDataset(t))
	var resp struct {
		Organizations struct {
			TotalCount int
			PageInfo   struct{ EndCursor string }
		}
	}
	query(t, c, `{ organizations(first: 2) { pageInfo { endCursor } } }`, &resp)
	e := wantCode(t, c, domain.EBADINPUT, `query($a: String) { territories(after: $a) { totalCount } }`, client.Var("a", resp.Organizations.PageInfo.EndCursor))
	if !strings.Contains(e.Message, "belongs to another list (organization), not to territory") {
		t.Errorf("message %q", e.Message)
	}
	// The cursor still works where it came from.
	query(t, c, `query($a: String) { organizations(after: $a) { totalCount } }`, &resp, client.Var("a", resp.Organizations.PageInfo.EndCursor))
}

func TestBatchedBodiesAreRefusedInWords(t *testing.T) {
	h := NewHandler(defaultDataset(t), Options{Limits: DefaultLimits, Introspection: true, Logger: slog.New(slog.DiscardHandler)})
	for body, want := range map[string]string{
		`[{"query":"{ __typename }"},{"query":"{ __typename }"}]`: "batched requests are not supported",
		`"{ __typename }"`: "send a JSON object",
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		var out struct{ Errors []gqlError }
		json.Unmarshal(rec.Body.Bytes(), &out)
		if rec.Code != http.StatusBadRequest || len(out.Errors) != 1 || !strings.Contains(out.Errors[0].Message, want) || strings.Contains(rec.Body.String(), "graphql.RawParams") {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
}

package graph

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/auth"
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
	"github.com/cccs13/cccs-graph/store"
)

// editing is a store with the default dataset that tests may write, a
// client on the handler behind the authentication of the HTTP edge, and a
// token per role.
type editing struct {
	s                     *store.Store
	c                     *client.Client
	reader, editor, admin client.Option
}

func newEditing(t testing.TB) *editing { return newEditingCached(t, 1<<20) }

// newEditingCached is newEditing with an answer cache of cacheBytes (0: none).
func newEditingCached(t testing.TB, cacheBytes int) *editing {
	t.Helper()
	s := freshDefault(t)
	tokens := auth.Tokens{Store: s}
	bearer := func(name string, role auth.Role) client.Option {
		tok, err := tokens.Create(ctx, name, role, "test")
		if err != nil {
			t.Fatal(err)
		}
		return client.AddHeader("Authorization", "Bearer "+tok)
	}
	fail := func(w http.ResponseWriter, r *http.Request, err error) {
		edge.WriteError(w, r, slog.New(slog.DiscardHandler), edge.GraphQL, err)
	}
	h := NewHandler(s, Options{Limits: DefaultLimits, Introspection: true, Logger: slog.New(slog.DiscardHandler), CacheBytes: cacheBytes,
		Writer: s, At: func(v uint64) Reader { return s.At(v) }})
	e := &editing{s: s, c: client.New(tokens.Middleware(auth.Anonymous, fail, h))}
	e.reader, e.editor, e.admin = bearer("lecteur", auth.Reader), bearer("caf", auth.Editor), bearer("ops", auth.Admin)
	return e
}

const addGardanne = `mutation($s: [CitationInput!]!) {
  createNode(input: {id: "commune-gardanne", kind: ORGANIZATION, name: "Commune de Gardanne",
    organization: {category: COMMUNE, shortName: "Gardanne"}, sources: $s, reason: "signed in 2024",
    relations: [{kind: SIGNATORY, direction: OUT, node: "cccs", validFrom: "2024-03-01"}]}) {
    node { id version ... on Organization { shortName category isSignatory(asOf: "2024-06-01") } }
    change { version actor operation target { type id } after }
    changes { operation target { id } } } }`

var seedCitation = client.Var("s", []map[string]any{{"source": "seed-001", "excerpt": "les communes"}})

func TestWalkThroughAddSeeUndo(t *testing.T) {
	e := newEditing(t)
	var before struct{ Signatories struct{ TotalCount int } }
	query(t, e.c, `{ signatories(asOf: "2024-06-01") { totalCount } }`, &before)

	var created struct {
		CreateNode struct {
			Node struct {
				ID, ShortName, Category string
				Version                 int
				IsSignatory             bool
			}
			Change struct {
				Version          int
				Actor, Operation string
				Target           struct{ Type, ID string }
				After            map[string]any
			}
			Changes []struct {
				Operation string
				Target    struct{ ID string }
			}
		}
	}
	query(t, e.c, addGardanne, &created, seedCitation, e.editor)
	n := created.CreateNode
	if n.Node.ID != "commune-gardanne" || !n.Node.IsSignatory || n.Node.Category != "COMMUNE" || n.Change.Actor != "caf" || n.Change.Operation != "CREATE_NODE" || n.Change.Version != n.Node.Version {
		t.Fatalf("createNode answered %+v", n)
	}
	if len(n.Changes) != 2 || n.Changes[1].Operation != "ADD_RELATION" || n.Changes[1].Target.ID != "commune-gardanne>signatory>cccs@2024-03-01" {
		t.Fatalf("changes %+v", n.Changes)
	}
	// The cached answer of before is not served: the write changed the version.
	var after struct{ Signatories struct{ TotalCount int } }
	query(t, e.c, `{ signatories(asOf: "2024-06-01") { totalCount } }`, &after)
	if after.Signatories.TotalCount != before.Signatories.TotalCount+1 {
		t.Fatalf("signatories %d -> %d, want one more", before.Signatories.TotalCount, after.Signatories.TotalCount)
	}
	// See it in changes, by actor.
	var log struct {
		Changes struct {
			TotalCount int
			Nodes      []struct {
				Operation string
				Target    struct {
					ID   string
					Node *struct{ ID string }
				}
				Sources []struct{ Source struct{ ID string } }
			}
		}
	}
	query(t, e.c, `{ changes(actor: "caf") { totalCount nodes { operation target { id node { id } } sources { source { id } } } } }`, &log)
	if log.Changes.TotalCount != 2 || log.Changes.Nodes[0].Target.Node == nil || log.Changes.Nodes[0].Sources[0].Source.ID != "seed-001" {
		t.Fatalf("changes %+v", log.Changes)
	}
	// Undo: the node has a relation, so a plain delete is refused, naming it.
	del := `mutation($v: Int!, $all: Boolean) { deleteNode(input: {id: "commune-gardanne", expectedVersion: $v, reason: "undo", deleteRelations: $all}) {
	  node { id } changes { operation } } }`
	err := wantCode(t, e.c, domain.ECONFLICT, del, client.Var("v", n.Node.Version), e.editor)
	if !strings.Contains(err.Message, "commune-gardanne>signatory>cccs@2024-03-01") {
		t.Errorf("refusal %q does not name the relation", err.Message)
	}
	var undone struct {
		DeleteNode struct {
			Node    struct{ ID string }
			Changes []struct{ Operation string }
		}
	}
	query(t, e.c, del, &undone, client.Var("v", n.Node.Version), client.Var("all", true), e.editor)
	if len(undone.DeleteNode.Changes) != 2 {
		t.Fatalf("undo changes %+v", undone)
	}
	query(t, e.c, `{ signatories(asOf: "2024-06-01") { totalCount } }`, &after)
	if after.Signatories.TotalCount != before.Signatories.TotalCount {
		t.Fatalf("after the undo: %d signatories, want %d", after.Signatories.TotalCount, before.Signatories.TotalCount)
	}
	// The history of the relation outlives it.
	var hist struct {
		Changes struct{ Nodes []struct{ Operation string } }
	}
	query(t, e.c, `{ changes(actor: "caf", kinds: [AGREEMENT]) { nodes { operation } } }`, &hist)
	if len(hist.Changes.Nodes) != 2 || hist.Changes.Nodes[1].Operation != "DELETE_RELATION" {
		t.Errorf("relation changes %+v", hist.Changes.Nodes)
	}
}

func TestUpdatesCheckVersionsAndFields(t *testing.T) {
	e := newEditing(t)
	var n struct {
		Node struct {
			Version int
			History struct{ TotalCount int }
		}
	}
	query(t, e.c, `{ node(id: "caf-13") { version history { totalCount } } }`, &n)
	upd := `mutation($v: Int!, $s: [CitationInput!]!) { updateNode(input: {id: "caf-13", expectedVersion: $v, sources: $s,
	  organization: {website: "https://www.caf.fr/allocataires/caf-des-bouches-du-rhone"}}) {
	  node { version ... on Organization { website shortName description } } change { before after } } }`
	var out struct {
		UpdateNode struct {
			Node struct {
				Version                         int
				Website, ShortName, Description string
			}
			Change struct{ Before, After map[string]any }
		}
	}
	query(t, e.c, upd, &out, client.Var("v", n.Node.Version), seedCitation, e.editor)
	u := out.UpdateNode
	if u.Node.Version <= n.Node.Version || u.Node.ShortName != "Caf 13" || u.Node.Description == "" || !strings.HasPrefix(u.Node.Website, "https://") {
		t.Fatalf("updated %+v: the other fields are kept", u.Node)
	}
	if u.Change.Before["version"] != float64(n.Node.Version) || u.Change.After["version"] != float64(u.Node.Version) {
		t.Errorf("before/after versions %v %v", u.Change.Before["version"], u.Change.After["version"])
	}
	// The same version again is stale.
	wantCode(t, e.c, domain.ECONFLICT, upd, client.Var("v", n.Node.Version), seedCitation, e.editor)
	// Field problems come with their paths; nothing is written.
	for _, tc := range []struct{ q, want string }{
		{`mutation($s: [CitationInput!]!) { createNode(input: {id: "Bad Id", kind: ORGANIZATION, name: "X", sources: $s, organization: {category: OTHER}}) { node { id } } }`, "input.id"},
		{`mutation($s: [CitationInput!]!) { createNode(input: {id: "x-org", kind: ORGANIZATION, name: "X", sources: $s}) { node { id } } }`, "category is required"},
		{`mutation($s: [CitationInput!]!) { createNode(input: {id: "x-org", kind: ORGANIZATION, name: "X", sources: $s, territory: {code: "1"}}) { node { id } } }`, "input.territory"},
		{`mutation($s: [CitationInput!]!) { createNode(input: {id: "x-evt", kind: EVENT, name: "X", sources: $s, event: {date: "2019-02-30"}}) { node { id } } }`, "no such day"},
		{`mutation { createNode(input: {id: "x-org", kind: ORGANIZATION, name: "X", sources: [{source: "caf-13"}], organization: {category: OTHER}}) { node { id } } }`, `sources[0].source: "caf-13" is not a node of kind source`},
		{`mutation($s: [CitationInput!]!) { createNode(input: {id: "cs-x", kind: FACILITY, name: "CS X", sources: $s, facility: {manager: "cccs"}}) { node { id } } }`, "manages goes from [organization] to [facility]"},
		{`mutation($s: [CitationInput!]!) { addRelation(input: {from: "caf-13", kind: MEMBER_OF, to: "cccs", sources: $s}) { relation { id } } }`, "member-of goes from [organization] to [body]"},
		{`mutation($s: [CitationInput!]!) { endRelation(input: {id: "nope", validTo: "2020", expectedVersion: 1, sources: $s}) { relation { id } } }`, "invalid relation id"},
		{`mutation { addRelation(input: {from: "caf-13", kind: SIGNATORY, to: "cccs", sources: [{source: "seed-000", excerpt: "` + strings.Repeat("x", 10_001) + `"}]}) { relation { id } } }`, "input.sources[0].excerpt: at most 10000 bytes"},
		{`mutation { deleteNode(input: {id: "caf-13", expectedVersion: 1, reason: "` + strings.Repeat("x", 10_001) + `"}) { node { id } } }`, "input.reason: at most"},
	} {
		errs := errorsOf(t, e.c, tc.q, seedCitation, e.editor)
		if errs[0].Extensions["code"] != domain.EBADINPUT || !strings.Contains(errs[0].Message, tc.want) {
			t.Errorf("%s\n  -> %s %v, want %q", tc.q, errs[0].Message, errs[0].Extensions["code"], tc.want)
		}
	}
}

func TestRelationsEndAndKeepTheirHistory(t *testing.T) {
	e := newEditing(t)
	var r struct {
		Node struct {
			Relations struct {
				Nodes []struct {
					ID      string
					Version int
				}
			}
		}
	}
	query(t, e.c, `{ node(id: "cco") { relations(kinds: [SIGNATORY]) { nodes { id version } } } }`, &r)
	rel := r.Node.Relations.Nodes[0]
	if rel.ID != "cco>signatory>cccs@2015" {
		t.Fatalf("relation id %q", rel.ID)
	}
	var end struct {
		EndRelation struct {
			Relation struct {
				ValidTo string
				Version int
				History struct {
					Nodes []struct{ Operation string }
				}
			}
		}
	}
	q := `mutation($v: Int!, $s: [CitationInput!]!) { endRelation(input: {id: "cco>signatory>cccs@2015", validTo: "2025-12-31", expectedVersion: $v, sources: $s}) {
	  relation { validTo version history { nodes { operation } } } } }`
	query(t, e.c, q, &end, client.Var("v", rel.Version), seedCitation, e.editor)
	ops := end.EndRelation.Relation.History.Nodes
	if end.EndRelation.Relation.ValidTo != "2025-12-31" || len(ops) != 2 || ops[0].Operation != "ADD_RELATION" || ops[1].Operation != "END_RELATION" {
		t.Fatalf("ended %+v", end)
	}
	wantCode(t, e.c, domain.ECONFLICT, q, client.Var("v", rel.Version), seedCitation, e.editor)
	var upd struct {
		UpdateRelation struct{ Relation struct{ Note *string } }
	}
	query(t, e.c, `mutation($v: Int!, $s: [CitationInput!]!) { updateRelation(input: {id: "cco>signatory>cccs@2015", expectedVersion: $v, note: null, sources: $s}) { relation { note } } }`,
		&upd, client.Var("v", end.EndRelation.Relation.Version), seedCitation, e.editor)
	if upd.UpdateRelation.Relation.Note != nil {
		t.Errorf("note given as null was kept: %q", *upd.UpdateRelation.Relation.Note)
	}
}

func TestMutationsNeedAnEditor(t *testing.T) {
	e := newEditing(t)
	wantCode(t, e.c, domain.EUNAUTHN, addGardanne, seedCitation)
	wantCode(t, e.c, domain.EFORBIDDEN, addGardanne, seedCitation, e.reader)
	var ok map[string]any
	query(t, e.c, addGardanne, &ok, seedCitation, e.admin)
}

func TestMutationsAreNeverSentWithGet(t *testing.T) {
	e := newEditing(t)
	h := NewHandler(e.s, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler), CacheBytes: 1 << 20})
	for _, q := range []string{
		`mutation { deleteRelation(input: {id: "cco>signatory>cccs@2015", expectedVersion: 1, reason: "x"}) { change { version } } }`,
		`query A { __typename } mutation B { deleteRelation(input: {id: "x>signatory>y", expectedVersion: 1, reason: "x"}) { change { version } } }`,
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/graphql?query="+url.QueryEscape(q)+"&operationName=A", nil))
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" || !strings.Contains(rec.Body.String(), "BAD_USER_INPUT") {
			t.Errorf("GET mutation: %d %q %s", rec.Code, rec.Header().Get("Allow"), rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/graphql?query="+url.QueryEscape(`{ node(id: "cco") { id } }`), nil))
	if rec.Code != http.StatusOK {
		t.Errorf("GET query: %d", rec.Code)
	}
}

func TestKnownAtReproducesEarlierStates(t *testing.T) {
	e := newEditing(t)
	var before struct {
		Signatories struct{ TotalCount int }
		Node        struct {
			Name    string
			Version int
		}
	}
	query(t, e.c, `{ signatories(asOf: "2024-06-01") { totalCount } node(id: "caf-13") { name version } }`, &before)
	mark := time.Now().UTC()
	time.Sleep(2 * time.Millisecond)
	query(t, e.c, addGardanne, &map[string]any{}, seedCitation, e.editor)
	query(t, e.c, `mutation($v: Int!, $s: [CitationInput!]!) { updateNode(input: {id: "caf-13", expectedVersion: $v, name: "Caf des Bouches-du-Rhône", sources: $s}) { node { id } } }`,
		&map[string]any{}, client.Var("v", before.Node.Version), seedCitation, e.editor)

	var now, then struct {
		Signatories struct{ TotalCount int }
		Node        struct {
			Name      string
			Relations struct{ TotalCount int }
		}
		Gardanne     *struct{ ID string }
		Neighborhood struct{ Nodes []struct{ ID string } }
		Changes      struct{ TotalCount int }
	}
	q := `query($k: DateTime) { signatories(asOf: "2024-06-01", knownAt: $k) { totalCount }
	  node(id: "caf-13", knownAt: $k) { name relations(kinds: [SIGNATORY]) { totalCount } }
	  gardanne: node(id: "commune-gardanne", knownAt: $k) { id }
	  neighborhood(id: "cccs", kinds: [SIGNATORY], asOf: "2024-06-01", knownAt: $k) { nodes { id } }
	  changes(actor: "caf") { totalCount } }`
	query(t, e.c, q, &now, client.Var("k", nil))
	query(t, e.c, q, &then, client.Var("k", mark.Format(time.RFC3339Nano)))
	if then.Signatories.TotalCount != before.Signatories.TotalCount || now.Signatories.TotalCount != before.Signatories.TotalCount+1 {
		t.Errorf("signatories then %d, now %d, before %d", then.Signatories.TotalCount, now.Signatories.TotalCount, before.Signatories.TotalCount)
	}
	if then.Node.Name != before.Node.Name || now.Node.Name != "Caf des Bouches-du-Rhône" {
		t.Errorf("caf-13 then %q, now %q", then.Node.Name, now.Node.Name)
	}
	if then.Gardanne != nil || now.Gardanne == nil {
		t.Errorf("gardanne then %v, now %v", then.Gardanne, now.Gardanne)
	}
	if len(now.Neighborhood.Nodes) != len(then.Neighborhood.Nodes)+1 {
		t.Errorf("neighbourhood then %d nodes, now %d", len(then.Neighborhood.Nodes), len(now.Neighborhood.Nodes))
	}
	// Before anything was recorded: the empty graph.
	var empty struct{ Node *struct{ ID string } }
	query(t, e.c, `{ node(id: "caf-13", knownAt: "2000-01-01T00:00:00Z") { id } }`, &empty)
	if empty.Node != nil {
		t.Errorf("caf-13 known in 2000: %v", empty.Node)
	}
	wantCode(t, e.c, domain.EBADINPUT, `{ node(id: "caf-13", knownAt: "yesterday") { id } }`)
}

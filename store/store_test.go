package store

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

// ctx is the context of the tests' store calls: nothing cancels it.
var ctx = context.Background()

// openTest opens an in-memory store, closed when the test ends.
func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// importFile imports a testdata file into s.
func importFile(t testing.TB, s *Store, name string) ImportResult {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Import(ctx, File{Name: name, Data: b})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestImportIsIdempotent(t *testing.T) {
	s := openTest(t)
	first := importFile(t, s, "small.yaml")
	if first.NodesWritten != 6 || first.RelationsWritten != 4 {
		t.Fatalf("first import wrote %+v, want 6 nodes and 4 relations", first)
	}
	v1, _ := s.DataVersion(ctx)
	second := importFile(t, s, "small.yaml")
	if second.Changed() || second.NodesUnchanged != 6 || second.RelationsUnchanged != 4 {
		t.Fatalf("second import = %+v, want nothing written", second)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v1 {
		t.Fatalf("data version moved from %d to %d on a no-op import", v1, v2)
	}
}

func TestImportIsAtomicAndReportsEveryProblem(t *testing.T) {
	s := openTest(t)
	bad := `nodes:
  - id: ok-node
    kind: source
    name: Fine
    sources: [{source: ok-node}]
  - id: Bad_Id
    kind: source
    name: x
    sources: [{source: ok-node}]
  - id: no-kind
    kind: spaceship
    name: x
    sources: [{source: ok-node}]
  - id: extra
    kind: source
    name: x
    colour: red
    sources: [{source: ok-node}]
relations:
  - kind: signatory
    from: ok-node
    to: nowhere
    validFrom: "2019-02-30"
    sources: [{source: ok-node}]
  - kind: signatory
    from: ok-node
    to: ok-node
    validFrom: "2019"
    validTo: "2015"
    sources: [{source: ok-node}]
`
	_, err := s.Import(ctx, File{Name: "bad.yaml", Data: []byte(bad)})
	if domain.ErrorCode(err) != domain.EBADINPUT {
		t.Fatalf("err = %v, want %s", err, domain.EBADINPUT)
	}
	for _, want := range []string{
		`bad.yaml:6: invalid id "Bad_Id"`,
		`bad.yaml:10: node no-kind: unknown kind "spaceship"`,
		`bad.yaml:17: unknown key "colour" in node`,
		`bad.yaml:20: relation: invalid date "2019-02-30": no such day`,
		`bad.yaml:25: relation signatory ok-node -> ok-node: validTo 2015 is before validFrom 2019`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not report %q:\n%v", want, err)
		}
	}
	if empty, _ := s.Empty(ctx); !empty {
		t.Fatal("a failed import left nodes behind")
	}
}

func TestImportChecksReferences(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	// References may point into the store; unknown ones are refused.
	more := `nodes:
  - id: delta
    kind: organization
    name: Delta
    fields: {category: other}
    sources: [{source: doc-a}, {source: alpha}]
relations:
  - kind: member-of
    from: delta
    to: pact
    sources: [{source: doc-a}]
  - kind: member-of
    from: delta
    to: ghost
    sources: [{source: doc-a}]
`
	_, err := s.Import(ctx, File{Name: "more.yaml", Data: []byte(more)})
	for _, want := range []string{`more.yaml:2: cited source "alpha" is not a node of kind source`, `more.yaml:12: relation member-of delta -> ghost: unknown node "ghost"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not report %q", err, want)
		}
	}
	if _, err := s.Node(ctx, "delta"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("Node(delta) err = %v, want NOT_FOUND: nothing may be written", err)
	}
}

func TestImportRejectsMalformedFiles(t *testing.T) {
	for name, data := range map[string]string{
		"not yaml":         "nodes: [",
		"not a mapping":    "- a\n- b\n",
		"unknown top":      "edges: []\n",
		"nodes not list":   "nodes: {a: b}\n",
		"bad enum":         "nodes:\n  - {id: x, kind: organization, name: X, fields: {category: alien}, sources: [{source: x}]}\n",
		"no sources":       "nodes:\n  - {id: x, kind: source, name: X}\n",
		"bad int":          "nodes:\n  - {id: x, kind: theme, name: X, fields: {number: two}, sources: [{source: x}]}\n",
		"end before start": "nodes:\n  - {id: x, kind: event, name: X, fields: {date: \"2014\", endDate: \"2011\"}, sources: [{source: x}]}\n",
		"end, no start":    "nodes:\n  - {id: x, kind: event, name: X, fields: {endDate: \"2011\"}, sources: [{source: x}]}\n",
		"wrong ends":       "nodes:\n  - {id: x, kind: source, name: X, sources: [{source: x}]}\nrelations:\n  - {kind: signatory, from: x, to: x, sources: [{source: x}]}\n",
		"duplicate id":     "nodes:\n  - {id: x, kind: source, name: X, sources: [{source: x}]}\n  - {id: x, kind: source, name: Y, sources: [{source: x}]}\n",
	} {
		t.Run(name, func(t *testing.T) {
			s := openTest(t)
			if _, err := s.Import(ctx, File{Name: "f.yaml", Data: []byte(data)}); domain.ErrorCode(err) != domain.EBADINPUT {
				t.Fatalf("err = %v, want %s", err, domain.EBADINPUT)
			}
		})
	}
}

func TestExportRoundTrips(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	out1, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s2 := openTest(t)
	if _, err := s2.Import(ctx, File{Name: "export.yaml", Data: out1}); err != nil {
		t.Fatalf("re-import of the export: %v", err)
	}
	out2, err := s2.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(out1) != string(out2) {
		t.Fatalf("export is not stable across a round trip:\n%s\n---\n%s", out1, out2)
	}
	if res, _ := s.Import(ctx, File{Name: "export.yaml", Data: out1}); res.Changed() {
		t.Fatalf("importing the export into its own store changed %+v", res)
	}
}

func TestTemporalRelations(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	for _, tc := range []struct {
		asOf string
		want int
	}{{"1994-07-24", 0}, {"1994-07-25", 1}, {"1994", 1}, {"2000", 2}, {"2014-12-31", 2}, {"2015-01-01", 2}, {"2015", 2}, {"2030", 2}} {
		d, err := domain.ParseDate(tc.asOf)
		if err != nil {
			t.Fatal(err)
		}
		rels, err := s.Relations(ctx, []RelQuery{{ID: "pact", Dir: domain.In, Kinds: []domain.RelKind{"signatory"}, AsOf: d}})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(rels[0]); got != tc.want {
			t.Errorf("signatories as of %s = %d, want %d", tc.asOf, got, tc.want)
		}
	}
}

func TestNodesAndIndexes(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	orgs, err := s.NodesOfKind(ctx, "organization")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range orgs {
		ids = append(ids, n.ID)
	}
	if strings.Join(ids, ",") != "alpha,beta,gamma" {
		t.Fatalf("organizations = %v, want id order", ids)
	}
	if n, err := s.NodeByCode(ctx, "territory", "13"); err != nil || n.ID != "t-13" {
		t.Fatalf("NodeByCode = %v, %v", n, err)
	}
	nodes, err := s.Nodes(ctx, []string{"beta", "ghost", "alpha"})
	if err != nil || nodes[0].ID != "beta" || nodes[1] != nil || nodes[2].ID != "alpha" {
		t.Fatalf("Nodes = %v, %v: want key order with nil for unknown", nodes, err)
	}
	if _, err := s.NodesOfKind(ctx, "spaceship"); domain.ErrorCode(err) != domain.EBADINPUT {
		t.Fatalf("unknown kind err = %v", err)
	}
	// Re-importing a node with a new code moves its index entry.
	moved := "nodes:\n  - {id: t-13, kind: territory, name: BdR, fields: {type: departement, code: \"013\"}, sources: [{source: doc-a}]}\n"
	if _, err := s.Import(ctx, File{Name: "m.yaml", Data: []byte(moved)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NodeByCode(ctx, "territory", "13"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("old code still indexed: %v", err)
	}
}

func TestSecondOpenOfDirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(dir, nil); domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second Open err = %v, want CONFLICT", err)
	}
}

func TestDefaultDatasetImportsCleanly(t *testing.T) {
	s := openTest(t)
	loaded, err := s.LoadDefaultIfEmpty(ctx)
	if err != nil || !loaded {
		t.Fatalf("LoadDefaultIfEmpty = %v, %v", loaded, err)
	}
	if loaded, _ := s.LoadDefaultIfEmpty(ctx); loaded {
		t.Fatal("the default dataset was loaded into a store that has data")
	}
}

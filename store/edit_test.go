package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/cccs13/cccs-graph/domain"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var editor = Meta{Actor: "caf", Sources: []domain.Citation{{Source: "doc-a", Excerpt: "said so"}}}

func TestEditsWriteRecordsIndexesAndHistory(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	n := &domain.Node{ID: "delta", Kind: "organization", Name: "Delta Fédération", Fields: map[string]string{"category": "federation"}, Sources: editor.Sources}
	sig := &domain.Relation{Kind: "signatory", From: "delta", To: "pact", ValidFrom: mustDate(t, "2019"), Sources: editor.Sources}
	w, err := s.CreateNode(ctx, n, []*domain.Relation{sig}, editor)
	if err != nil {
		t.Fatal(err)
	}
	v1, _ := s.DataVersion(ctx)
	if w.Node.Version != v1 || len(w.Relations) != 1 || w.Relations[0].Version != v1 || len(w.Changes) != 2 {
		t.Fatalf("written %+v at version %d", w, v1)
	}
	// The record, the search index and both edge directions.
	if got, err := s.Node(ctx, "delta"); err != nil || got.Version != v1 {
		t.Fatalf("domain.Node = %+v, %v", got, err)
	}
	if got := hitIDs(t, s, "federation delta"); !slices.Equal(got, []string{"delta"}) {
		t.Errorf("search finds %v", got)
	}
	in, _ := s.Relations(ctx, []RelQuery{{ID: "pact", Dir: domain.In, Kinds: []domain.RelKind{"signatory"}}})
	if !slices.ContainsFunc(in[0], func(r *domain.Relation) bool { return r.From == "delta" }) {
		t.Error("the in edge is missing")
	}
	// Update with the right version, then a stale one: CONFLICT, nothing written.
	w, err = s.UpdateNode(ctx, "delta", v1, func(n *domain.Node) error { n.ShortName = "Delta"; return nil }, editor)
	if err != nil {
		t.Fatal(err)
	}
	v2 := w.Node.Version
	if _, err := s.UpdateNode(ctx, "delta", v1, func(n *domain.Node) error { n.Name = "Lost"; return nil }, editor); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("stale update: %v, want CONFLICT", err)
	}
	if v, _ := s.DataVersion(ctx); v != v2 {
		t.Fatalf("a refused write moved the version to %d", v)
	}
	// An update that changes nothing records nothing.
	if _, err := s.UpdateNode(ctx, "delta", v2, func(n *domain.Node) error { n.ShortName = "Delta"; return nil }, editor); domain.ErrorCode(err) != domain.EBADINPUT || !strings.Contains(err.Error(), "changes nothing") {
		t.Fatalf("a no-op update: %v", err)
	}
	// Deleting a node with relations is refused, naming them.
	_, err = s.DeleteNode(ctx, "delta", v2, false, Meta{Actor: "caf", Reason: "test"})
	if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(err.Error(), "delta>signatory>pact@2019") {
		t.Fatalf("delete with relations: %v", err)
	}
	// End the relation, then read its history: complete and in order.
	rid := "delta>signatory>pact@2019"
	if _, err := s.UpdateRelation(ctx, rid, v1, OpEndRelation, func(r *domain.Relation) error { r.ValidTo = mustDate(t, "2021"); return nil }, editor); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, Target{TargetRelation, rid})
	if err != nil || len(h) != 2 || h[0].Operation != OpAddRelation || h[1].Operation != OpEndRelation || h[1].Actor != "caf" {
		t.Fatalf("history %+v, %v", h, err)
	}
	var before, after map[string]any
	json.Unmarshal(h[1].Before, &before)
	json.Unmarshal(h[1].After, &after)
	if before["validTo"] != nil || after["validTo"] != "2021" || after["version"] != float64(h[1].Version) {
		t.Errorf("before %v, after %v", before, after)
	}
	// Delete with its relations: three changes, gone from every index.
	node, _ := s.Node(ctx, "delta")
	w, err = s.DeleteNode(ctx, "delta", node.Version, true, Meta{Actor: "caf", Reason: "entered by mistake"})
	if err != nil || len(w.Changes) != 2 {
		t.Fatalf("delete: %+v, %v", w, err)
	}
	if got := hitIDs(t, s, "delta"); len(got) != 0 {
		t.Errorf("search still finds %v", got)
	}
	all, _ := s.Changes(ctx, ChangeQuery{Actor: "caf"})
	var ops []string
	for _, c := range all {
		ops = append(ops, c.Operation)
	}
	want := []string{OpCreateNode, OpAddRelation, OpUpdateNode, OpEndRelation, OpDeleteRelation, OpDeleteNode}
	if !slices.Equal(ops, want) {
		t.Errorf("changes by caf: %v, want %v", ops, want)
	}
}

func TestEditsAreValidatedWithTheirFieldPaths(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	v0, _ := s.DataVersion(ctx)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"no sources", second(s.AddRelation(ctx, &domain.Relation{Kind: "signatory", From: "alpha", To: "pact", ValidFrom: mustDate(t, "2020"), Sources: editor.Sources}, Meta{Actor: "x"})), "sources: a write cites"},
		{"source not a source", second(s.AddRelation(ctx, &domain.Relation{Kind: "signatory", From: "alpha", To: "pact", ValidFrom: mustDate(t, "2021"), Sources: []domain.Citation{{Source: "beta"}}}, editor)), `sources[0].source: "beta" is not a node of kind source`},
		{"ends", second(s.AddRelation(ctx, &domain.Relation{Kind: "member-of", From: "alpha", To: "pact", Sources: editor.Sources}, editor)), "member-of goes from [organization] to [body]"},
		{"unknown end", second(s.AddRelation(ctx, &domain.Relation{Kind: "member-of", From: "alpha", To: "ghost", Sources: editor.Sources}, editor)), `to: unknown node "ghost"`},
		{"onBehalfOf", second(s.AddRelation(ctx, &domain.Relation{Kind: "signed", From: "alpha", To: "pact", OnBehalfOf: "beta", Sources: editor.Sources}, editor)), "only a person acts on behalf"},
		{"exists", second(s.AddRelation(ctx, &domain.Relation{Kind: "signatory", From: "alpha", To: "pact", ValidFrom: mustDate(t, "1994-07-25"), Sources: editor.Sources}, editor)), "exists already"},
		{"enum", second(s.CreateNode(ctx, &domain.Node{ID: "x", Kind: "organization", Name: "X", Fields: map[string]string{"category": "club"}, Sources: editor.Sources}, nil, editor)), `category "club" is not one of`},
		{"relation of a new node", second(s.CreateNode(ctx, &domain.Node{ID: "x", Kind: "organization", Name: "X", Fields: map[string]string{"category": "other"}, Sources: editor.Sources},
			[]*domain.Relation{{Kind: "manages", From: "x", To: "pact", Sources: editor.Sources}}, editor)), "relations[0].kind"},
	} {
		if domain.ErrorCode(tc.err) == "" || !strings.Contains(domain.ErrorMessage(tc.err), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, tc.err, tc.want)
		}
	}
	if v, _ := s.DataVersion(ctx); v != v0 {
		t.Errorf("refused edits moved the data version %d -> %d", v0, v)
	}
	if _, err := s.Node(ctx, "x"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("a refused create left its node: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

func mustDate(t *testing.T, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestKnownAtReadsEarlierVersions(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	v1, _ := s.DataVersion(ctx)
	t1 := time.Now()
	time.Sleep(2 * time.Millisecond)
	n, _ := s.Node(ctx, "alpha")
	if _, err := s.UpdateNode(ctx, "alpha", n.Version, func(n *domain.Node) error { n.Name = "Alpha Renamed"; return nil }, editor); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteRelation(ctx, "gamma>signatory>pact@2015", mustVersion(t, s, "gamma>signatory>pact@2015"), Meta{Actor: "caf", Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	v, err := s.VersionAt(ctx, t1)
	if err != nil || v != v1 {
		t.Fatalf("VersionAt(before the edits) = %d, %v; want %d", v, err, v1)
	}
	past := s.At(v)
	if n, _ := past.Node(ctx, "alpha"); n.Name != "Alpha Œuvres" {
		t.Errorf("alpha as known then: %q", n.Name)
	}
	if got := hitIDs(t, past, "oeuvres"); !slices.Equal(got, []string{"alpha"}) {
		t.Errorf("search as known then: %v", got)
	}
	rels, _ := past.Relations(ctx, []RelQuery{{ID: "pact", Dir: domain.In}})
	if len(rels[0]) != 3 {
		t.Errorf("signatories as known then: %d, want 3", len(rels[0]))
	}
	if n, _ := s.Node(ctx, "alpha"); n.Name != "Alpha Renamed" {
		t.Errorf("alpha now: %q", n.Name)
	}
	if v, _ := s.VersionAt(ctx, time.Unix(0, 0)); v != 0 {
		t.Errorf("VersionAt(1970) = %d", v)
	}
	// A time window of changes: only the edits after t1.
	if cs, err := s.Changes(ctx, ChangeQuery{Since: t1}); err != nil || len(cs) != 2 || cs[0].Operation != OpUpdateNode {
		t.Errorf("changes since the edits began: %d, %v", len(cs), err)
	}
	if cs, _ := s.Changes(ctx, ChangeQuery{Until: t1}); len(cs) == 0 || cs[len(cs)-1].Version > v1 {
		t.Errorf("changes until then end at version %d, want %d", cs[len(cs)-1].Version, v1)
	}
	if _, err := past.CreateNode(ctx, &domain.Node{}, nil, editor); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("writing the past: %v", err)
	}
}

func mustVersion(t *testing.T, s *Store, id string) uint64 {
	t.Helper()
	r, err := s.Relation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Version
}

func TestImportMergesAndDryRuns(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	more := File{Name: "more.yaml", Data: []byte(`nodes:
  - id: alpha
    kind: organization
    name: Alpha Œuvres
    aliases: [AO]
    sources: [{source: doc-a, excerpt: "new"}]
`)}
	v0, _ := s.DataVersion(ctx)
	dry, err := s.ImportWith(ctx, ImportOptions{DryRun: true}, more)
	if err != nil || dry.NodesWritten != 1 || len(dry.Plan) != 1 {
		t.Fatalf("dry run %+v, %v", dry, err)
	}
	var buf bytes.Buffer
	dry.WritePlan(&buf, 10)
	if !strings.Contains(buf.String(), "changed node alpha\n  aliases: \"ALF\" -> \"ALF, AO\"") {
		t.Errorf("plan:\n%s", buf.String())
	}
	if v, _ := s.DataVersion(ctx); v != v0 {
		t.Fatal("a dry run wrote")
	}
	if _, err := s.Import(ctx, more); err != nil {
		t.Fatal(err)
	}
	n, _ := s.Node(ctx, "alpha")
	if n.ShortName != "Alpha" || n.Field("category") != "state" || len(n.Sources) != 2 || !slices.Equal(n.Aliases, []string{"ALF", "AO"}) {
		t.Errorf("merged node %+v: kept shortName, category and the old source, added the alias and source", n)
	}
	h, _ := s.History(ctx, Target{TargetNode, "alpha"})
	if len(h) != 2 || h[1].Actor != "import" || h[1].Operation != OpUpdateNode {
		t.Errorf("history %+v", h)
	}
}

func TestStagedWriteCutShortIsRolledBack(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	importFile(t, s, "small.yaml")
	v0, _ := s.DataVersion(ctx)
	// A crash after some parts of a staged write committed: they are on
	// disk under a version that was never published.
	s.w.mu.Lock()
	txn := s.db.NewTransactionAt(v0, true)
	putNode(txn, &domain.Node{ID: "half", Kind: "source", Name: "Half", Sources: []domain.Citation{{Source: "half"}}})
	n, _ := s.Node(ctx, "alpha")
	n.Name = "Half-written"
	putNode(txn, n)
	if err := txn.CommitAt(s.w.next, nil); err != nil {
		t.Fatal(err)
	}
	s.w.mu.Unlock()
	s.Close()
	if s, err = Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Node(ctx, "half"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("the unpublished node survived: %v", err)
	}
	if n, _ = s.Node(ctx, "alpha"); n.Name != "Alpha Œuvres" {
		t.Errorf("alpha = %q, want its published name", n.Name)
	}
	if got := hitIDs(t, s, "half"); len(got) != 0 {
		t.Errorf("search finds %v", got)
	}
	// And the store goes on writing. (The rolled-back records were written
	// again at the recovery's version: an editor reads them again.)
	if _, err := s.UpdateNode(ctx, "alpha", n.Version, func(n *domain.Node) error { n.Name = "After"; return nil }, editor); err != nil {
		t.Fatal(err)
	}
}

func TestLargeDatasetImportIsOneVersion(t *testing.T) {
	// 28,000 nodes with their search keys are far more than one Badger
	// transaction takes: the import commits in several under one version.
	if testing.Short() {
		t.Skip("imports 28,000 nodes")
	}
	s := openTest(t)
	importFile(t, s, "small.yaml")
	var b strings.Builder
	b.WriteString("nodes:\n")
	const n = 28_000
	for i := range n {
		fmt.Fprintf(&b, "  - {id: org-%05d, kind: organization, name: \"Association numéro %d du quartier\", fields: {category: association}, sources: [{source: doc-a}]}\n", i, i)
	}
	v0, _ := s.DataVersion(ctx)
	res, err := s.Import(ctx, File{Name: "big.yaml", Data: []byte(b.String())})
	if err != nil {
		t.Fatal(err)
	}
	v1, _ := s.DataVersion(ctx)
	if res.NodesWritten != n || v1 != v0+1 || res.Version != v1 {
		t.Fatalf("wrote %d nodes, version %d -> %d (result %d)", res.NodesWritten, v0, v1, res.Version)
	}
	if orgs, _ := s.At(v0).NodesOfKind(ctx, domain.KindOrganization); len(orgs) != 3 {
		t.Errorf("the version before sees %d organizations, want the 3 of small.yaml", len(orgs))
	}
	if got := hitIDs(t, s, "numero 27999"); !slices.Contains(got, "org-27999") {
		t.Errorf("search misses the last node: %v", got)
	}
	if cs, _ := s.Changes(ctx, ChangeQuery{Actor: "import"}); len(cs) < n {
		t.Errorf("%d changes by the import, want at least %d", len(cs), n)
	}
}

// The example of docs/dataset.md, imported over the default dataset, merges
// into caf-13 and its signatory relation: nothing the example does not
// mention is lost, and no relation is added.
func TestTheDatasetExampleMerges(t *testing.T) {
	doc, err := os.ReadFile("../docs/dataset.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/dataset.md has no yaml example")
	}
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Node(ctx, "caf-13")
	_, relsBefore, _ := s.Size(ctx)
	res, err := s.Import(ctx, File{Name: "example.yaml", Data: m[1]})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := s.Node(ctx, "caf-13")
	if after.Field("description") != before.Field("description") || len(after.Sources) < len(before.Sources) || len(after.Aliases) < len(before.Aliases) {
		t.Errorf("caf-13 lost fields, aliases or sources: %d -> %d sources, %d -> %d aliases", len(before.Sources), len(after.Sources), len(before.Aliases), len(after.Aliases))
	}
	if _, rels, _ := s.Size(ctx); rels != relsBefore {
		t.Errorf("the example added %d relation(s): %+v", rels-relsBefore, res.Plan)
	}
}

// A dry run shows where a long value changes, not two prefixes that look
// the same.
func TestDryRunShowsTheChangeOfALongValue(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	aliases := "[ALF, Alpha des Œuvres sociales, Alpha Œuvres sociales et familiales du département]"
	record := func(extra string) File {
		return File{Name: "alpha.yaml", Data: []byte("nodes:\n  - id: alpha\n    kind: organization\n    name: Alpha Œuvres\n    aliases: " +
			strings.TrimSuffix(aliases, "]") + extra + "]\n    sources: [{source: doc-a}]\n")}
	}
	if _, err := s.Import(ctx, record("")); err != nil {
		t.Fatal(err)
	}
	dry, err := s.ImportWith(ctx, ImportOptions{DryRun: true}, record(", AOSF"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	dry.WritePlan(&buf, 10)
	if want := `aliases: "…sociales et familiales du département" -> "…sociales et familiales du département, AOSF"`; !strings.Contains(buf.String(), want) {
		t.Errorf("plan:\n%s\nwant %s", buf.String(), want)
	}
}

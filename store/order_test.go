package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/geotest"
)

// verifyOrder fails the test when an ordered index disagrees with a full
// sort of the nodes (VerifyOrder).
func verifyOrder(t *testing.T, s *Store, after string) {
	t.Helper()
	if err := s.VerifyOrder(ctx); err != nil {
		t.Fatalf("after %s: %v", after, err)
	}
}

func TestOrderedKeysRoundTripAndSortAsCursors(t *testing.T) {
	for _, c := range []Cursor{{Key: "", ID: "a"}, {Key: "caf 13", ID: "caf-13"}, {Key: "a\x00b", ID: "x"}, {Key: "~", ID: "y"}} {
		k, err := ParseKey(orderKey(pOrderName, 2, c))
		if err != nil || k.Kind != 2 || k.Other != c.Key || k.ID != c.ID {
			t.Errorf("%+v: parsed %+v, %v", c, k, err)
		}
	}
	// Byte order is Cursor.Compare's order, zero bytes and prefixes included.
	cs := []Cursor{{Key: "", ID: "b"}, {Key: "a", ID: "z"}, {Key: "a\x00", ID: "a"}, {Key: "a\x00\x00", ID: "a"}, {Key: "a\x01", ID: "a"}, {Key: "ab", ID: ""}, {Key: "ab", ID: "a"}, {Key: "b", ID: "a"}}
	for i := 1; i < len(cs); i++ {
		if cs[i-1].Compare(cs[i]) >= 0 {
			t.Fatalf("test data out of order at %d", i)
		}
		if bytes.Compare(orderKey(pOrderName, 1, cs[i-1]), orderKey(pOrderName, 1, cs[i])) >= 0 {
			t.Errorf("key of %+v does not sort before that of %+v", cs[i-1], cs[i])
		}
	}
	if _, err := ParseKey([]byte{pOrderName, 1, 'a', 0, 7, 'b'}); err == nil {
		t.Error("a bad escape parsed")
	}
}

// TestOrderedIndexesFollowEveryWrite: after each write path (dataset
// import, every edit, facility sheet, map layer) the indexes agree with a
// full sort, and a view of an earlier version reads that version's order.
func TestOrderedIndexesFollowEveryWrite(t *testing.T) {
	s := openTest(t)
	verifyOrder(t, s, "open")
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	verifyOrder(t, s, "the default dataset")
	v0, _ := s.DataVersion(ctx)

	n := &domain.Node{ID: "aaa-new", Kind: domain.KindOrganization, Name: "Zzz Association", Fields: map[string]string{"category": "association"}, Sources: []domain.Citation{{Source: "seed-000"}}}
	w, err := s.CreateNode(ctx, n, nil, Meta{Actor: "test", Sources: n.Sources})
	if err != nil {
		t.Fatal(err)
	}
	verifyOrder(t, s, "createNode")
	w, err = s.UpdateNode(ctx, n.ID, w.Node.Version, func(n *domain.Node) error { n.Name = "Aaa Association"; return nil }, Meta{Actor: "test", Sources: n.Sources})
	if err != nil {
		t.Fatal(err)
	}
	verifyOrder(t, s, "updateNode (renamed)")
	renamed, _ := s.DataVersion(ctx)
	ev, err := s.NodesOfKind(ctx, domain.KindEvent)
	if err != nil || len(ev) == 0 {
		t.Fatalf("events: %d, %v", len(ev), err)
	}
	if _, err := s.UpdateNode(ctx, ev[0].ID, ev[0].Version, func(n *domain.Node) error { n.Fields["date"] = "1901"; return nil }, Meta{Actor: "test", Sources: n.Sources}); err != nil {
		t.Fatal(err)
	}
	verifyOrder(t, s, "updateNode (new date)")
	meta := Meta{Actor: "test", Sources: n.Sources, Reason: "test"}
	self := &domain.Relation{Kind: domain.RelSucceeds, From: n.ID, To: n.ID, Sources: n.Sources}
	sig := &domain.Relation{Kind: domain.RelSignatory, From: n.ID, To: "cccs", ValidFrom: domain.Date{Y: 2019, Precision: domain.Year}, Sources: n.Sources}
	for _, r := range []*domain.Relation{sig, self} {
		if _, err := s.AddRelation(ctx, r, meta); err != nil {
			t.Fatal(err)
		}
	}
	verifyOrder(t, s, "addRelation (one to itself)")
	sigID := domain.RelationID(sig)
	r, err := s.Relation(ctx, sigID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateRelation(ctx, sigID, r.Version, OpEndRelation, func(r *domain.Relation) error { r.ValidTo = domain.Date{Y: 2021, Precision: domain.Year}; return nil }, meta); err != nil {
		t.Fatal(err)
	}
	verifyOrder(t, s, "endRelation")
	if r, err = s.Relation(ctx, domain.RelationID(self)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteRelation(ctx, domain.RelationID(self), r.Version, meta); err != nil {
		t.Fatal(err)
	}
	verifyOrder(t, s, "deleteRelation")
	cur, _ := s.Node(ctx, n.ID)
	if _, err := s.DeleteNode(ctx, n.ID, cur.Version, true, meta); err != nil {
		t.Fatal(err)
	}
	verifyOrder(t, s, "deleteNode with its relations")

	if _, err := importCSV(t, s, facilityHeader+goodFacilityRow); err != nil {
		t.Fatal(err)
	}
	verifyOrder(t, s, "a facility sheet")
	if _, err := s.ImportLayer(ctx, Layer{Kind: "commune", File: File{Name: geotest.Communes, Data: geotest.Read(t, geotest.Communes)}, Source: "cog-insee-2018"}); err != nil {
		t.Fatal(err)
	}
	verifyOrder(t, s, "a commune layer")

	// The past reads its own order: at v0 no "Aaa" organisation, at
	// renamed it comes first by name.
	for _, tc := range []struct {
		v     uint64
		first bool
	}{{v0, false}, {renamed, true}} {
		past := s.At(tc.v)
		if err := past.VerifyOrder(ctx); err != nil {
			t.Fatalf("at version %d: %v", tc.v, err)
		}
		one := 1
		p, ok, err := past.OrderedPage(ctx, PageQuery{Kind: domain.KindOrganization, Args: PageArgs{First: &one}})
		if err != nil || !ok || len(p.Items) != 1 || (p.Items[0].ID == "aaa-new") != tc.first {
			t.Errorf("first organisation by name at version %d: %+v, %v, %v", tc.v, p.Items, ok, err)
		}
	}
}

// TestOrderedIndexesAreBuiltForAnOlderDirectory: a data directory written
// before the ordered indexes (none of their keys) opens, gets them built
// once at a new version, and views of the versions before it sort instead.
func TestOrderedIndexesAreBuiltForAnOlderDirectory(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	old, _ := s.DataVersion(ctx)
	dropOrderKeys(t, s) // as an older server left it
	s.Close()

	if s, err = Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	built, _ := s.DataVersion(ctx)
	if built <= old {
		t.Fatalf("no version was written for the indexes (%d, before %d)", built, old)
	}
	verifyOrder(t, s, "reopening an older directory")
	if _, ok, err := s.At(old).OrderedPage(ctx, PageQuery{Kind: domain.KindOrganization, Args: PageArgs{First: new(int)}}); ok || err != nil {
		t.Errorf("a view from before the indexes were built read them: %v, %v", ok, err)
	}
	s.Close()
	if s, err = Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.DataVersion(ctx); again != built {
		t.Errorf("the indexes were built again: version %d, then %d", built, again)
	}
}

// dropOrderKeys deletes every key of the ordered indexes, their version
// included, at a new version: the store as a server without them wrote it.
func dropOrderKeys(t *testing.T, s *Store) {
	t.Helper()
	_, err := s.staged(ctx, func(st *stage) error {
		if err := dropOrderIndex(st); err != nil {
			return err
		}
		return st.Add(bumpDataVersion, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRestoreBuildsOrderedIndexes: a backup written with the indexes
// restores them as they were; one written without them (an older server's)
// gets them built.
func TestRestoreBuildsOrderedIndexes(t *testing.T) {
	for _, without := range []bool{false, true} {
		src := openTest(t)
		if _, err := src.LoadDefaultIfEmpty(ctx); err != nil {
			t.Fatal(err)
		}
		if without {
			dropOrderKeys(t, src)
		}
		var b bytes.Buffer
		if err := src.Backup(ctx, &b); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "backup")
		if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "data")
		if _, err := RestoreDir(ctx, file, dir, nil); err != nil {
			t.Fatal(err)
		}
		s, err := Open(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		verifyOrder(t, s, "a restore")
		orgs, _ := s.NodesOfKind(ctx, domain.KindOrganization)
		all := 500
		p, _, err := s.OrderedPage(ctx, PageQuery{Kind: domain.KindOrganization, Args: PageArgs{First: &all}, Count: true})
		if err != nil || p.Total != len(orgs) || len(p.Items) != len(orgs) || !slices.IsSortedFunc(p.Cursors, Cursor.Compare) {
			t.Errorf("restored without=%v: %d of %d organisations, %v", without, len(p.Items), len(orgs), err)
		}
		s.Close()
	}
}

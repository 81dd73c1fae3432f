package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/geotest"
)

// Every path that writes nodes keeps the posting lists current: the next
// search finds what was written and no longer finds a name that is gone
// (hitIDs asks both the ranking of every hit and the posting lists' page).

func TestSearchFollowsEdits(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	n := &domain.Node{ID: "zeta", Kind: "organization", Name: "Zeta Bricolage", Fields: map[string]string{"category": "federation"}, Sources: editor.Sources}
	w, err := s.CreateNode(ctx, n, nil, editor)
	if err != nil {
		t.Fatal(err)
	}
	created := w.Node.Version
	for _, q := range []string{"bricol", "Bricolage", "zeta", "z"} {
		if got := hitIDs(t, s, q); !slices.Contains(got, "zeta") {
			t.Errorf("after createNode, %q finds %v", q, got)
		}
	}
	w, err = s.UpdateNode(ctx, "zeta", created, func(n *domain.Node) error { n.Name = "Zeta Jardinage"; n.Aliases = []string{"ZJ"}; return nil }, editor)
	if err != nil {
		t.Fatal(err)
	}
	renamed := w.Node.Version
	if got := hitIDs(t, s, "bricolage"); len(got) != 0 {
		t.Errorf("after the rename, the old name finds %v", got)
	}
	for _, q := range []string{"jardin", "zj"} {
		if got := hitIDs(t, s, q); !slices.Equal(got, []string{"zeta"}) {
			t.Errorf("after the rename, %q finds %v", q, got)
		}
	}
	if _, err := s.DeleteNode(ctx, "zeta", renamed, false, Meta{Actor: "caf", Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"jardinage", "zeta", "zj"} {
		if got := hitIDs(t, s, q); slices.Contains(got, "zeta") {
			t.Errorf("after deleteNode, %q finds %v", q, got)
		}
	}
	// knownAt: the postings are versioned with the nodes, so a view of an
	// earlier version searches the names of that version.
	if got := hitIDs(t, s.At(created), "bricolage"); !slices.Equal(got, []string{"zeta"}) {
		t.Errorf("as known at its creation, bricolage finds %v", got)
	}
	if got := hitIDs(t, s.At(renamed), "bricolage"); len(got) != 0 {
		t.Errorf("as known after the rename, bricolage finds %v", got)
	}
	if got := hitIDs(t, s.At(renamed), "jardinage"); !slices.Equal(got, []string{"zeta"}) {
		t.Errorf("as known after the rename, jardinage finds %v", got)
	}
}

func TestSearchFollowsFacilityImports(t *testing.T) {
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportFacilities(ctx, FacilitySheet{File: File{Name: "essai.csv", Data: []byte(facilityHeader + goodFacilityRow)}, DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(t, s, "essais"); len(got) != 0 {
		t.Errorf("a dry run indexed %v", got)
	}
	if _, err := importCSV(t, s, facilityHeader+goodFacilityRow); err != nil {
		t.Fatal(err)
	}
	id := FacilityID("Marseille", "Centre social des Essais")
	for _, q := range []string{"essais", "centre social des essais"} {
		if got := hitIDs(t, s, q); len(got) == 0 || got[0] != id {
			t.Errorf("after the facility import, %q finds %v, want %s first", q, got[:min(3, len(got))], id)
		}
	}
}

func TestSearchFollowsLayerImports(t *testing.T) {
	s := openTest(t)
	if got := hitIDs(t, s, "ciotat"); len(got) != 0 {
		t.Fatalf("an empty store finds %v", got)
	}
	importLayer(t, s, "commune", geotest.Communes, "")
	if got := hitIDs(t, s, "ciotat", "territory"); len(got) == 0 || got[0] != "insee-13028" {
		t.Errorf("after the layer import, ciotat finds %v", got)
	}
}

// A store of the first layout (one key per token and node, 0x30 and 0x31)
// is indexed again at open, and its old keys are gone.
func TestSearchIndexOfTheFirstLayoutIsReplaced(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	importFile(t, s, "small.yaml")
	err = s.update(ctx, func(txn *badger.Txn) error {
		for _, p := range []byte{pPrefixPosting, pStemPosting} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{p}})
			var keys [][]byte
			for it.Rewind(); it.Valid(); it.Next() {
				keys = append(keys, it.Item().KeyCopy(nil))
			}
			it.Close()
			for _, k := range keys {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
		}
		if err := txn.Set(append([]byte{0x30}, "gamma\x00gamma"...), nil); err != nil {
			return err
		}
		if err := bumpDataVersion(txn); err != nil {
			return err
		}
		return txn.Set(searchVersionKey, binary.BigEndian.AppendUint32(nil, 1))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := hitIDs(t, s, "gamma"); !slices.Equal(got, []string{"gamma"}) {
		t.Errorf("after reopening: gamma finds %v", got)
	}
	err = s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{0x30}})
		defer it.Close()
		if it.Rewind(); it.Valid() {
			t.Errorf("a key of the first layout survived: %q", it.Item().Key())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A node with too many words to index is refused whole, by an edit and by
// an import: its index would cost the square of its words.
func TestSearchRefusesNodesWithTooManyWords(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	before, _ := s.DataVersion(ctx)
	var aliases []string
	for i := range MaxSearchWords {
		aliases = append(aliases, fmt.Sprintf("mot%d", i))
	}
	n := &domain.Node{ID: "verbose", Kind: "organization", Name: "Verbose", Aliases: aliases, Fields: map[string]string{"category": "other"}, Sources: editor.Sources}
	if _, err := s.CreateNode(ctx, n, nil, editor); domain.ErrorCode(err) != domain.EBADINPUT {
		t.Errorf("createNode with %d words: %v, want %s", MaxSearchWords+1, err, domain.EBADINPUT)
	}
	file := "nodes:\n  - id: verbose\n    kind: organization\n    name: Verbose\n    aliases: [" + strings.Join(aliases, ", ") + "]\n    fields: {category: other}\n    sources: [{source: doc-a}]\n"
	if _, err := s.Import(ctx, File{Name: "verbose.yaml", Data: []byte(file)}); domain.ErrorCode(err) != domain.EBADINPUT {
		t.Errorf("import with %d words: %v, want %s", MaxSearchWords+1, err, domain.EBADINPUT)
	}
	if v, _ := s.DataVersion(ctx); v != before {
		t.Errorf("a refused write moved the version from %d to %d", before, v)
	}
	if _, err := s.Node(ctx, "verbose"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("the refused node was written: %v", err)
	}
	n.Aliases = aliases[:MaxSearchWords-1]
	if _, err := s.CreateNode(ctx, n, nil, editor); err != nil {
		t.Errorf("createNode with %d words: %v", MaxSearchWords, err)
	}
	if got := hitIDs(t, s, "mot198"); !slices.Equal(got, []string{"verbose"}) {
		t.Errorf("mot198 finds %v", got)
	}
}

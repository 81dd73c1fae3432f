package store

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

// A tree left by several writes and restarts (each close flushes a level-0
// table) is compacted to one level, and every answer, now and as known at
// an earlier version, stays what it was.
func TestCompactKeepsEveryAnswerAndVersion(t *testing.T) {
	dir := t.TempDir()
	reopen := func(s *Store) *Store {
		t.Helper()
		if s != nil {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
		s, err := Open(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := reopen(nil)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	before, _ := s.DataVersion(ctx)
	// Each restart flushes a level-0 table, as each import process does.
	for i := 0; !s.deepTree(); i++ {
		if i == 12 {
			t.Fatalf("the tree of %d restarts is not deep: %+v", i, s.db.Levels())
		}
		s = reopen(s)
		caf, err := s.Node(ctx, "caf-13")
		if err != nil {
			t.Fatal(err)
		}
		rename := func(n *domain.Node) error { n.Name = fmt.Sprintf("Caisse des centres %d", i); return nil }
		if _, err := s.UpdateNode(ctx, "caf-13", caf.Version, rename, Meta{Actor: "caf", Reason: "test", Sources: caf.Sources}); err != nil {
			t.Fatal(err)
		}
		s = reopen(s)
	}
	defer func() { s.Close() }()
	answers := func() string {
		t.Helper()
		var out string
		for _, v := range []*Store{s, s.At(before)} {
			g, err := v.Neighborhood(ctx, "caf-13", 2, Walk{})
			if err != nil {
				t.Fatal(err)
			}
			p, err := v.SearchPage(ctx, SearchRequest{Query: "centre", First: 20, Count: true})
			if err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("%v %v %d %s\n", nodeIDs(g.Nodes), len(g.Relations), p.Total, g.Nodes[0].Name)
			for _, h := range p.Items {
				out += h.Node.ID + " "
			}
		}
		return out
	}
	want := answers()
	compacted, err := s.Compact()
	if err != nil || !compacted {
		t.Fatalf("Compact() = %v, %v", compacted, err)
	}
	if s.deepTree() {
		t.Errorf("still deep after Compact: %v", s.db.Levels())
	}
	if got := answers(); !reflect.DeepEqual(got, want) {
		t.Errorf("after Compact:\n%s\nbefore:\n%s", got, want)
	}
	if again, err := s.Compact(); err != nil || again {
		t.Errorf("a compacted tree compacted again: %v, %v", again, err)
	}
}

package synth

import (
	"testing"

	"github.com/cccs13/cccs-graph/store"
)

// TestScaledDatasetImports: a dataset three times the default imports into a
// store (valid ids, every reference known) with three times its nodes other
// than the sources and territories, and one network through the map.
func TestScaledDatasetImports(t *testing.T) {
	one, err := Default(1)
	if err != nil {
		t.Fatal(err)
	}
	three, err := Default(3)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, n := range one.Nodes {
		if shared[n.Kind] {
			kept++
		}
	}
	if want := kept + 3*(len(one.Nodes)-kept); len(three.Nodes) != want {
		t.Errorf("%d nodes at 3x, want %d", len(three.Nodes), want)
	}
	f, err := File(three)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Import(t.Context(), f); err != nil {
		t.Fatalf("import of the 3x dataset: %v", err)
	}
	nodes, rels, err := s.Size(t.Context())
	if err != nil || nodes != len(three.Nodes) || rels != len(three.Relations) {
		t.Errorf("store holds %d nodes and %d relations (%v), the dataset %d and %d", nodes, rels, err, len(three.Nodes), len(three.Relations))
	}
	if _, err := Default(0); err == nil {
		t.Error("factor 0 accepted")
	}
}

package synth

import (
	"context"
	"testing"

	"github.com/cccs13/cccs-graph/store"
)

// TestChunksImportOneByOne: a scaled dataset cut into small files imports
// file by file, each in its own transaction, to the same size.
func TestChunksImportOneByOne(t *testing.T) {
	ds, err := Default(2)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Chunks(ds, 100)
	if err != nil {
		t.Fatal(err)
	}
	if want := (len(ds.Nodes)+99)/100 + (len(ds.Relations)+99)/100; len(files) != want {
		t.Errorf("%d files, want %d", len(files), want)
	}
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, f := range files {
		if _, err := s.Import(ctx, f); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	nodes, rels, err := s.Size(ctx)
	if err != nil || nodes != len(ds.Nodes) || rels != len(ds.Relations) {
		t.Errorf("store holds %d nodes and %d relations (%v), the dataset %d and %d", nodes, rels, err, len(ds.Nodes), len(ds.Relations))
	}
	if _, err := Chunks(ds, 0); err == nil {
		t.Error("chunk size 0 accepted")
	}
}

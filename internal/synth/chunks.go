package synth

import (
	"context"
	"fmt"

	"github.com/cccs13/cccs-graph/store"
)

// Chunks writes a dataset as dataset files of at most size records, nodes
// before relations, for datasets too large for one import transaction:
// import them one by one, in order (each relation's ends are then stored).
func Chunks(ds store.Dataset, size int) ([]store.File, error) {
	if size < 1 {
		return nil, fmt.Errorf("synth: chunk size %d is not positive", size)
	}
	var parts []store.Dataset
	for i := 0; i < len(ds.Nodes); i += size {
		parts = append(parts, store.Dataset{Nodes: ds.Nodes[i:min(i+size, len(ds.Nodes))]})
	}
	for i := 0; i < len(ds.Relations); i += size {
		parts = append(parts, store.Dataset{Relations: ds.Relations[i:min(i+size, len(ds.Relations))]})
	}
	files := make([]store.File, len(parts))
	for i, p := range parts {
		f, err := File(p)
		if err != nil {
			return nil, err
		}
		files[i] = store.File{Name: fmt.Sprintf("synthetic-%03d.yaml", i), Data: f.Data}
	}
	return files, nil
}

// Open returns an in-memory store holding the default dataset copied
// factor times, imported in chunks of 2,000 records, its tables compacted
// as the server compacts them before it serves.
func Open(ctx context.Context, factor int) (*store.Store, error) {
	ds, err := Default(factor)
	if err != nil {
		return nil, err
	}
	files, err := Chunks(ds, 2000)
	if err != nil {
		return nil, err
	}
	s, err := store.Open("", nil)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := s.Import(ctx, f); err != nil {
			s.Close()
			return nil, err
		}
	}
	if _, err := s.Compact(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

package synth

import (
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

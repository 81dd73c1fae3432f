package store

import (
	"context"
	"embed"
	"io/fs"
	"sort"
)

// The default dataset: every fact of the five seed documents, with its sources.
//
//go:embed dataset/*.yaml
var defaultDataset embed.FS

// DefaultDataset returns the embedded dataset files, in name order.
func DefaultDataset() []File {
	names, _ := fs.Glob(defaultDataset, "dataset/*.yaml")
	sort.Strings(names)
	files := make([]File, 0, len(names))
	for _, name := range names {
		b, _ := defaultDataset.ReadFile(name)
		files = append(files, File{Name: name, Data: b})
	}
	return files
}

// LoadDefaultIfEmpty imports the embedded dataset into a store that holds no
// node. Reports whether it did.
func (s *Store) LoadDefaultIfEmpty(ctx context.Context) (bool, error) {
	empty, err := s.Empty(ctx)
	if err != nil || !empty {
		return false, err
	}
	_, err = s.Import(ctx, DefaultDataset()...)
	return err == nil, err
}

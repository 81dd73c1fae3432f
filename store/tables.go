package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// TablesSize is the bytes of Badger's tables and value logs in dir, read from
// the directory without opening the store: what the store maps into memory
// (0 for a directory that does not exist yet).
func TablesSize(dir string) (int64, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var n int64
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); e.Type().IsRegular() && (ext == ".sst" || ext == ".vlog") {
			info, err := e.Info()
			if err != nil {
				return 0, err
			}
			n += info.Size()
		}
	}
	return n, nil
}

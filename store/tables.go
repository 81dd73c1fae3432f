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

// BlockCacheStats are the counts of Badger's block cache since the store opened.
type BlockCacheStats struct {
	Hits, Misses uint64
	Bytes        int64 // the blocks it holds: what was added less what was evicted
}

// BlockCache reports the block cache's counts, for the metrics: a hit ratio
// well below one under a steady load says the budget is short for the data.
func (s *Store) BlockCache() BlockCacheStats {
	m := s.db.BlockCacheMetrics()
	if m == nil {
		return BlockCacheStats{}
	}
	return BlockCacheStats{Hits: m.Hits(), Misses: m.Misses(), Bytes: int64(m.CostAdded()) - int64(m.CostEvicted())}
}

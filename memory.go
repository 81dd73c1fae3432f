package main

import (
	"context"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/cccs13/cccs-graph/store"
)

// The default soft memory limit, sized for the data: a floor for what does
// not depend on it (Badger's memtable arena, about 42 MB of Go heap, its
// block cache, the requests in flight) and a share of the records' bytes for
// what does (decoded records memoised, collections sorted in memory, search
// analyses). docs/operations.md gives the measures behind the figures.
const (
	minMemoryLimit = 100 << 20
	baseMemory     = 64 << 20
)

// dataMemory is what the data takes in memory for each byte of its records.
const dataMemory = 1.5

// setMemoryLimit sets the runtime's soft memory limit: -memory-limit when it
// is given; else GOMEMLIMIT when it is set (the runtime read it; "off" for
// none); else the default sized for the data of s. It returns the limit in
// bytes, and where it comes from.
func setMemoryLimit(ctx context.Context, c *config, s *store.Store) (int64, string, error) {
	switch {
	case c.MemoryLimit > 0:
		limit := int64(c.MemoryLimit) << 20
		debug.SetMemoryLimit(limit)
		return limit, "-memory-limit", nil
	case os.Getenv("GOMEMLIMIT") != "":
		return debug.SetMemoryLimit(-1), "GOMEMLIMIT", nil
	}
	records, err := s.BackupSize(ctx)
	if err != nil {
		return 0, "", err
	}
	limit := defaultMemoryLimit(records)
	debug.SetMemoryLimit(limit)
	return limit, "the data", nil
}

// defaultMemoryLimit is the limit for records bytes of data.
func defaultMemoryLimit(records int64) int64 {
	return max(minMemoryLimit, baseMemory+int64(dataMemory*float64(records)))
}

// logMemoryLimit says which limit the server runs under.
func logMemoryLimit(log *slog.Logger, limit int64, from string) {
	log.Info("memory limit", "MiB", limit>>20, "from", from)
}

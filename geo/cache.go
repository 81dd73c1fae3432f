package geo

import "sync"

// byteCache keeps encoded answers (tiles, reprojected outlines) for one data
// version, within a byte budget, first in first out: a new version empties
// it, so nothing is ever stale.
type byteCache[K comparable] struct {
	mu      sync.Mutex
	budget  int // bytes; an entry above an eighth of it is not kept
	version uint64
	entries map[K][]byte
	order   []K
	bytes   int
}

func newByteCache[K comparable](budget int) *byteCache[K] {
	return &byteCache[K]{budget: budget}
}

func (c *byteCache[K]) get(version uint64, k K) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return nil, false
	}
	b, ok := c.entries[k]
	return b, ok
}

func (c *byteCache[K]) put(version uint64, k K, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version || c.entries == nil {
		c.version, c.entries, c.order, c.bytes = version, map[K][]byte{}, nil, 0
	}
	if _, ok := c.entries[k]; ok || len(b) > c.budget/8 {
		return
	}
	for c.bytes+len(b) > c.budget && len(c.order) > 0 {
		c.bytes -= len(c.entries[c.order[0]])
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.entries[k] = b
	c.order = append(c.order, k)
	c.bytes += len(b)
}

package graph

import (
	"sync"

	"github.com/cccs13/cccs-graph/internal/bytelru"
)

// byteLRU is the server's byte-bounded cache (internal/bytelru) behind a
// lock: the caches of this package (parsed documents, plans, APQ documents,
// responses) are all one.
type byteLRU[K comparable, V any] struct {
	mu       sync.Mutex
	lru      *bytelru.LRU[K, V]
	maxBytes int // fixed at start
}

// newByteLRU returns a cache of at most maxBytes, and of maxEntries entries
// when it is positive.
func newByteLRU[K comparable, V any](maxBytes, maxEntries int, weigh func(K, V) int) *byteLRU[K, V] {
	return &byteLRU[K, V]{lru: bytelru.New(maxBytes, maxEntries, weigh), maxBytes: maxBytes}
}

func (c *byteLRU[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(k)
}

// add keeps v under k, in place of what k held; a value that weighs more
// than the whole budget is not kept.
func (c *byteLRU[K, V]) add(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Add(k, v)
}

// weight is the weight of the entries kept.
func (c *byteLRU[K, V]) weight() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Bytes()
}

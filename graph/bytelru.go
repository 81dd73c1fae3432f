package graph

import (
	"sync"

	lru "github.com/hashicorp/golang-lru/v2/simplelru"
)

// byteLRU is a map bounded in the bytes its entries weigh (and in their
// number): the least recently used go first. The caches of this package
// (parsed documents, plans, APQ documents, responses) are all one.
type byteLRU[K comparable, V any] struct {
	mu       sync.Mutex // guards bytes together with the LRU's contents
	lru      *lru.LRU[K, V]
	weigh    func(K, V) int
	bytes    int
	maxBytes int
}

// newByteLRU returns a cache of at most maxBytes, and of maxEntries entries
// when it is positive.
func newByteLRU[K comparable, V any](maxBytes, maxEntries int, weigh func(K, V) int) *byteLRU[K, V] {
	if maxEntries <= 0 {
		maxEntries = 1 << 30
	}
	c := &byteLRU[K, V]{weigh: weigh, maxBytes: maxBytes}
	c.lru, _ = lru.NewLRU[K, V](maxEntries, func(k K, v V) { c.bytes -= weigh(k, v) })
	return c
}

func (c *byteLRU[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(k)
}

// add keeps v under k, in place of what k held; a value that weighs more
// than the whole budget is not kept.
func (c *byteLRU[K, V]) add(k K, v V) {
	w := c.weigh(k, v)
	if w > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.lru.Peek(k); ok {
		c.bytes -= c.weigh(k, old)
	}
	c.lru.Add(k, v)
	c.bytes += w
	for c.bytes > c.maxBytes {
		c.lru.RemoveOldest()
	}
}

// weight is the weight of the entries kept.
func (c *byteLRU[K, V]) weight() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

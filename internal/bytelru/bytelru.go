// Package bytelru is the cache type of the server's caches: a map bounded
// in the bytes its entries weigh (and in their number), the least recently
// used out first, holding the entries of one data version (LRU); and the
// same, safe for concurrent use, that builds a missing entry once for the
// requests waiting for it (Cache).
package bytelru

import lru "github.com/hashicorp/golang-lru/v2/simplelru"

// LRU is not safe for concurrent use: each owner guards it with its own
// lock, together with what else that lock guards (a version's builds in
// flight, counters).
type LRU[K comparable, V any] struct {
	lru      *lru.LRU[K, V]
	weigh    func(K, V) int
	bytes    int
	maxBytes int
	version  uint64
}

// New returns a cache of at most maxBytes, and of maxEntries entries when
// it is positive.
func New[K comparable, V any](maxBytes, maxEntries int, weigh func(K, V) int) *LRU[K, V] {
	if maxEntries <= 0 {
		maxEntries = 1 << 30
	}
	c := &LRU[K, V]{weigh: weigh, maxBytes: maxBytes}
	c.lru, _ = lru.NewLRU[K, V](maxEntries, func(k K, v V) { c.bytes -= weigh(k, v) })
	return c
}

// At moves the cache to version v when v is newer, emptying it, and reports
// whether v is the cache's version: a reader of an older version neither
// finds nor keeps anything, so no entry is ever served stale. Caches that
// hold no versioned data never call it.
func (c *LRU[K, V]) At(v uint64) bool {
	if v > c.version {
		c.version = v
		c.lru.Purge()
	}
	return v == c.version
}

// Get returns the entry of k, marking it used.
func (c *LRU[K, V]) Get(k K) (V, bool) { return c.lru.Get(k) }

// Contains reports whether k has an entry, without marking it used.
func (c *LRU[K, V]) Contains(k K) bool { return c.lru.Contains(k) }

// Add keeps v under k, in place of what k held, the least recently used
// going until it fits, and returns how many went; a value that weighs more
// than the whole budget is not kept.
func (c *LRU[K, V]) Add(k K, v V) (evicted int) {
	w := c.weigh(k, v)
	if w > c.maxBytes {
		return 0
	}
	c.lru.Remove(k)
	for c.bytes+w > c.maxBytes && c.lru.Len() > 0 {
		c.lru.RemoveOldest()
		evicted++
	}
	c.lru.Add(k, v)
	c.bytes += w
	return evicted
}

// Resize sets the budget and empties the cache.
func (c *LRU[K, V]) Resize(maxBytes int) {
	c.maxBytes = maxBytes
	c.lru.Purge()
}

// Purge empties the cache.
func (c *LRU[K, V]) Purge() { c.lru.Purge() }

// Reset empties the cache and forgets its version (a restore can publish an
// older version than the one it held).
func (c *LRU[K, V]) Reset() {
	c.lru.Purge()
	c.version = 0
}

// Bytes is the weight of the entries kept; Len their number; MaxBytes the
// budget.
func (c *LRU[K, V]) Bytes() int    { return c.bytes }
func (c *LRU[K, V]) Len() int      { return c.lru.Len() }
func (c *LRU[K, V]) MaxBytes() int { return c.maxBytes }

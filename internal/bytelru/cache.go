package bytelru

import (
	"context"
	"errors"
	"sync"
)

// Cache is an LRU safe for concurrent use whose missing entries are built
// once for all the requests that ask for them at the same time (Do): the
// maps' answers and outlines, the spatial indexes of earlier versions. It
// keeps the entries of one version (a new one empties it, so nothing is
// ever stale), within a budget of bytes and a count of entries. An entry
// above an eighth of the budget is not kept, so one huge answer cannot push
// everything else out.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	budget  int         // bytes; 0 keeps nothing
	weigh   func(V) int // bytes an entry holds
	lru     *LRU[K, V]
	flights map[flightKey[K]]*flight[V] // builds under way, for Do
}

type flightKey[K comparable] struct {
	version uint64
	k       K
}

// flight is one build of an entry that the requests asking for it at the
// same time wait for.
type flight[V any] struct {
	done  chan struct{}
	value V
	err   error
}

func NewCache[K comparable, V any](budget, entries int, weigh func(V) int) *Cache[K, V] {
	return &Cache[K, V]{budget: budget, weigh: weigh, flights: map[flightKey[K]]*flight[V]{},
		lru: New(budget, max(entries, 1), func(_ K, v V) int { return weigh(v) })}
}

// maxEntry is the largest entry kept, in bytes.
func (c *Cache[K, V]) MaxEntry() int { return c.budget / 8 }

// keeps reports whether an entry of n bytes would be kept.
func (c *Cache[K, V]) Keeps(n int) bool { return c.budget > 0 && n <= c.MaxEntry() }

// at empties the cache when the data version has moved on, and reports
// whether version is the cache's: a request that read an older version
// neither finds nor keeps anything. Called with mu held.
func (c *Cache[K, V]) at(version uint64) bool { return c.lru.At(version) }

func (c *Cache[K, V]) Get(version uint64, k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(version) {
		var zero V
		return zero, false
	}
	return c.lru.Get(k)
}

func (c *Cache[K, V]) Put(version uint64, k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put1(version, k, v)
}

// put1 is put with mu held.
func (c *Cache[K, V]) put1(version uint64, k K, v V) {
	if !c.at(version) || c.lru.Contains(k) || !c.Keeps(c.weigh(v)) {
		return
	}
	c.lru.Add(k, v)
}

// errNotKept tells do's waiters that the build made nothing they can share:
// each builds its own.
var errNotKept = errors.New("bytelru: not kept in the cache")

// do returns the entry of k at version, building it when it is missing:
// one build per key and version at a time, the other requests for it
// waiting (each within its own deadline) and sharing the result. build
// reports whether what it returns is complete: an incomplete result (an
// answer too large to hold, sent as it was made) is neither kept nor
// shared, and the waiters build their own. A build that failed on its
// context (its client went away, its deadline passed) does not fail the
// others: the next one builds.
func (c *Cache[K, V]) Do(ctx context.Context, version uint64, k K, build func() (v V, complete bool, err error)) (V, error) {
	for {
		c.mu.Lock()
		if c.at(version) {
			if v, ok := c.lru.Get(k); ok {
				c.mu.Unlock()
				return v, nil
			}
		}
		f, waiting := c.flights[flightKey[K]{version, k}]
		if !waiting {
			f = &flight[V]{done: make(chan struct{})}
			c.flights[flightKey[K]{version, k}] = f
		}
		c.mu.Unlock()
		if !waiting {
			return c.fly(version, k, f, build)
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
		if f.err == nil {
			return f.value, nil
		}
		if !errors.Is(f.err, errNotKept) && !errors.Is(f.err, context.Canceled) && !errors.Is(f.err, context.DeadlineExceeded) {
			var zero V
			return zero, f.err
		}
		if errors.Is(f.err, errNotKept) {
			v, _, err := build()
			return v, err
		}
	}
}

// fly runs the build of a flight and lands it: kept in the cache, handed to
// the waiters.
func (c *Cache[K, V]) fly(version uint64, k K, f *flight[V], build func() (V, bool, error)) (V, error) {
	v, complete, err := build()
	c.mu.Lock()
	delete(c.flights, flightKey[K]{version, k})
	switch {
	case err != nil:
		f.err = err
	case complete:
		if c.budget > 0 {
			c.put1(version, k, v)
		}
		f.value = v
	default:
		f.err = errNotKept
	}
	c.mu.Unlock()
	close(f.done)
	return v, err
}

// Budget is the cache's budget in bytes; 0 keeps nothing.
func (c *Cache[K, V]) Budget() int { return c.budget }

// Len is how many entries the cache holds.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

package store

import (
	"sync"
	"sync/atomic"

	"github.com/cccs13/cccs-graph/domain"
)

// memo remembers values that are pure functions of their key: decoded
// records by their stored bytes, the analysis and folding of names by their
// text. No write can make an entry stale, so nothing needs invalidating.
// What it returns is shared: callers treat it as read-only (copy a slice
// before appending to it).
//
// A memo is bounded by an estimate of the bytes its entries hold (the
// store's Options.MemoBytes, a share of the server's memory budget); when a
// put would pass it, a quarter of the entries go, taken at random (the
// map's order), so a working set larger than the bound still finds most of
// what it holds instead of starting again empty.
type memo[V any] struct {
	mu     sync.RWMutex
	m      map[string]V
	bytes  int64                  // the weights of the entries of m
	limit  atomic.Int64           // bytes
	weight func(key string) int64 // an entry's bytes, from its key
}

// The memos' default bounds in bytes (Open): about what 100,000 entries of
// each took at 100x the default dataset.
const DefaultMemoBytes = 320 << 20

func newMemo[V any](weight func(key string) int64) *memo[V] {
	mm := &memo[V]{m: map[string]V{}, weight: weight}
	mm.limit.Store(DefaultMemoBytes / 4)
	return mm
}

var (
	// A decoded record takes about 3.5 times its stored bytes (its key, its
	// strings, maps and slices): measured at 100x, 1,650 bytes an entry.
	nodeMemo     = newMemo[*domain.Node](recordWeight)
	relationMemo = newMemo[*domain.Relation](recordWeight)
)

func recordWeight(key string) int64 { return 3*int64(len(key)) + 256 }

// setMemoBytes bounds the memos to n bytes together: two fifths for the
// decoded nodes, two for the relations, a tenth each for the analyses and
// the folded names. The memos are the process's: the last store opened sets
// the bound.
func setMemoBytes(n int64) {
	nodeMemo.setLimit(n * 2 / 5)
	relationMemo.setLimit(n * 2 / 5)
	analyses.setLimit(n / 10)
	folded.setLimit(n / 10)
}

// setLimit sets the bound, emptying the memo when it holds more.
func (mm *memo[V]) setLimit(n int64) {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	mm.limit.Store(n)
	if mm.bytes > n {
		clear(mm.m)
		mm.bytes = 0
	}
}

// get returns the value remembered for key.
func (mm *memo[V]) get(key []byte) (V, bool) {
	mm.mu.RLock()
	v, ok := mm.m[string(key)] // no allocation for the lookup
	mm.mu.RUnlock()
	return v, ok
}

// getString is get for a key that is already a string.
func (mm *memo[V]) getString(key string) (V, bool) {
	mm.mu.RLock()
	v, ok := mm.m[key]
	mm.mu.RUnlock()
	return v, ok
}

// put remembers v for key, unless the entry alone passes the bound.
func (mm *memo[V]) put(key string, v V) {
	w := mm.weight(key)
	limit := mm.limit.Load()
	if w > limit {
		return
	}
	mm.mu.Lock()
	defer mm.mu.Unlock()
	if _, ok := mm.m[key]; ok {
		return
	}
	if mm.bytes+w > limit {
		mm.evict(limit * 3 / 4)
	}
	mm.m[key] = v
	mm.bytes += w
}

// evict deletes entries, in the map's random order, until the memo holds at
// most n bytes. Called with mu held.
func (mm *memo[V]) evict(n int64) {
	for k := range mm.m {
		if mm.bytes <= n {
			return
		}
		delete(mm.m, k)
		mm.bytes -= mm.weight(k)
	}
}

// decodeSeen is decodeMemo for the reads of every record (snapshots, scans
// of all the edges): it takes what the memo holds but remembers nothing, so
// a read of the whole graph (a map's network, an export) does not fill the
// memo with records no query asked for, which the collector would then mark
// on every cycle (at 100x, a million objects: 1.5x the CPU per request).
func decodeSeen[T any](mm *memo[*T], b []byte) (*T, error) {
	if v, ok := mm.get(b); ok {
		return v, nil
	}
	v := new(T)
	if err := decode(b, v); err != nil {
		return nil, err
	}
	return v, nil
}

// decodeMemo returns the value stored as b (valid only during the call),
// decoded once for all callers.
func decodeMemo[T any](mm *memo[*T], b []byte) (*T, error) {
	if v, ok := mm.get(b); ok {
		return v, nil
	}
	v := new(T)
	if err := decode(b, v); err != nil {
		return nil, err
	}
	mm.put(string(b), v)
	return v, nil
}

package store

import (
	"sync"

	"github.com/cccs13/cccs-graph/domain"
)

// memo remembers values that are pure functions of their key: decoded
// records by their stored bytes, the analysis and folding of names by their
// text. No write can make an entry stale, so nothing needs invalidating.
// What it returns is shared: callers treat it as read-only (copy a slice
// before appending to it).
type memo[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

// memoMax bounds a memo; past it the memo starts again empty.
const memoMax = 100_000

func newMemo[V any]() *memo[V] { return &memo[V]{m: map[string]V{}} }

var (
	nodeMemo     = newMemo[*domain.Node]()
	relationMemo = newMemo[*domain.Relation]()
)

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

// put remembers v for key.
func (mm *memo[V]) put(key string, v V) {
	mm.mu.Lock()
	if len(mm.m) >= memoMax {
		clear(mm.m)
	}
	mm.m[key] = v
	mm.mu.Unlock()
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

package store

import (
	"sync"

	"github.com/cccs13/cccs-graph/domain"
)

// memo remembers decoded values by their stored bytes. The same bytes always
// decode to the same value, so no write can make an entry stale and nothing
// needs invalidating. What it returns is shared: callers treat it as
// read-only (copy a slice before appending to it).
type memo[T any] struct {
	mu sync.RWMutex
	m  map[string]*T
}

// memoMax bounds a memo; past it the memo starts again empty.
const memoMax = 100_000

var (
	nodeMemo     = &memo[domain.Node]{m: map[string]*domain.Node{}}
	relationMemo = &memo[domain.Relation]{m: map[string]*domain.Relation{}}
)

// decode returns the value stored as b (valid only during the call).
func (mm *memo[T]) decode(b []byte) (*T, error) {
	mm.mu.RLock()
	v, ok := mm.m[string(b)] // no allocation for the lookup
	mm.mu.RUnlock()
	if ok {
		return v, nil
	}
	v = new(T)
	if err := decode(b, v); err != nil {
		return nil, err
	}
	mm.mu.Lock()
	if len(mm.m) >= memoMax {
		clear(mm.m)
	}
	mm.m[string(b)] = v
	mm.mu.Unlock()
	return v, nil
}

package store

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/bytelru"
)

// The read cache keeps what the read path decodes for the version published
// last: nodes by id, and each node's relation order (relpage.go) as a list
// with its cursors already encoded, so repeated requests pay no Badger
// seek, Txn.Get or decoding. It holds one version: a read of another one
// (a view of the past, a read that started before the last write) neither
// finds nor keeps anything, and the first read of a newer version empties
// it, so a write can never serve stale data. It is bounded by an estimate
// of the bytes its entries hold, least recently used out first; a node with
// more than maxCachedRelations relations (a hub at 100x) is remembered as
// such and read through the iterator.
//
// What it hands out is shared between requests and read-only, as the
// decoded records of the memo always were (memo.go).
type readCache struct {
	mu     sync.Mutex
	budget int         // bytes; 0: off
	on     atomic.Bool // budget > 0, read without mu by cacheAt
	lru    *bytelru.LRU[cacheKey, cached]

	hits, misses, evictions atomic.Int64
}

// cacheKey names an entry: a node ('n'), a node's relation list ('r'), a
// page of a hub's relations ('p') or a node's edges ('e').
type cacheKey struct {
	what byte
	id   string
}

// cached is an entry: one of node, rels (a big one for a node whose
// relations are too many to keep as a list) and page (one page of such a
// node's relations, 'p', keyed by its query).
type cached struct {
	node   *domain.Node
	rels   *relList
	page   *Page[*domain.Relation]
	edges  *edgeList // 'e': a node's edges in key order (edgelist.go)
	weight int32
}

// DefaultReadCacheBytes is the budget of a store opened by Open; the
// server sizes it with its memory limit (-read-cache-bytes).
const DefaultReadCacheBytes = 16 << 20

// maxCachedRelations is the most relations of one node kept as a list: a
// longer one would cost more to read whole than its pages do.
var maxCachedRelations = 2048 // a variable for the tests of hubs

func newReadCache(budget int) *readCache {
	c := &readCache{budget: budget, lru: bytelru.New(budget, 0, func(_ cacheKey, v cached) int { return int(v.weight) })}
	c.on.Store(budget > 0)
	return c
}

// resize sets the budget (0: off) and empties the cache.
func (c *readCache) resize(budget int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.budget = budget
	c.on.Store(budget > 0)
	c.lru.Resize(budget)
}

// reset empties the cache and forgets its version: a restore can publish
// an older version than the one the cache held.
func (c *readCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Reset()
}

// at moves the cache to version v when v is newer, emptying it, and
// reports whether v is the cache's version. Called with mu held.
func (c *readCache) at(v uint64) bool { return c.lru.At(v) && c.budget > 0 }

func (c *readCache) get(v uint64, k cacheKey) (cached, bool) {
	c.mu.Lock()
	e, ok := cached{}, false
	if c.at(v) {
		e, ok = c.lru.Get(k)
	}
	c.mu.Unlock()
	if ok {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return e, ok
}

// keeps reports whether an entry of weight w would be kept: one over a
// sixteenth of the budget is not, so one list cannot push out everything
// else.
func (c *readCache) keeps(w int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return w <= c.budget/16
}

// put keeps e under k for version v, if it keeps an entry of its weight.
func (c *readCache) put(v uint64, k cacheKey, e cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(v) || int(e.weight) > c.budget/16 {
		return
	}
	c.evictions.Add(int64(c.lru.Add(k, e)))
}

// ReadCacheStats are the read cache's counters since the store opened.
type ReadCacheStats struct {
	Hits, Misses, Evictions int64
	Bytes, Entries, Budget  int
}

// ReadCacheStats reports the read cache's use, for metrics.
func (s *Store) ReadCacheStats() ReadCacheStats {
	c := s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	return ReadCacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load(),
		Bytes: c.lru.Bytes(), Entries: c.lru.Len(), Budget: c.budget}
}

// SetReadCacheBytes sets the read cache's budget in bytes (0 switches it
// off) and empties it. Returns EBADINPUT for a negative budget.
func (s *Store) SetReadCacheBytes(n int) error {
	if n < 0 {
		return domain.Errorf(domain.EBADINPUT, "read cache budget must be 0 or more bytes, not %d", n)
	}
	s.cache.resize(n)
	return nil
}

// WithoutReadCache returns a view of s that reads past the read cache, for
// tests that compare its answers with the cached ones.
func (s *Store) WithoutReadCache() *Store {
	c := *s
	c.uncached = true
	return &c
}

// cacheAt returns the read cache when a read at version v may use it: the
// cache is on and v is the version published last. Off, it is nil, so the
// reads take the uncached path instead of reading whole lists to keep none.
func (s *Store) cacheAt(v uint64) *readCache {
	if s.uncached || !s.cache.on.Load() || v != s.w.published.Load() {
		return nil
	}
	return s.cache
}

// node returns the node with id as read in txn, through the read cache:
// shared, read-only. Returns ENOTFOUND if there is none.
func (s *Store) node(txn *badger.Txn, id string) (*domain.Node, error) {
	v := txn.ReadTs()
	c := s.cacheAt(v)
	if n, ok := c.node(v, id); ok {
		return n, nil
	}
	return s.decodeNode(txn, c, id)
}

// node returns the node with id kept for version v, if c (nil: none) has it.
func (c *readCache) node(v uint64, id string) (*domain.Node, bool) {
	if c == nil {
		return nil, false
	}
	e, ok := c.get(v, cacheKey{'n', id})
	return e.node, ok
}

// decodeNode reads the node with id in txn and keeps it in c (nil: none).
func (s *Store) decodeNode(txn *badger.Txn, c *readCache, id string) (*domain.Node, error) {
	n := new(domain.Node)
	if err := getNode(txn, id, n); err != nil {
		return nil, err
	}
	if c != nil {
		c.put(txn.ReadTs(), cacheKey{'n', id}, cached{node: n, weight: int32(nodeWeight(n))})
	}
	return n, nil
}

// lazyTxn opens its read transaction at version v the first time it is
// needed: a request the cache answers opens none.
type lazyTxn struct {
	s     *Store
	v     uint64
	cache *readCache // nil: none for v
	txn   *badger.Txn
}

// lazy starts a read of the version s reads, unless ctx is done.
func (s *Store) lazy(ctx context.Context) (*lazyTxn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.db.IsClosed() {
		return nil, badger.ErrDBClosed
	}
	v := s.readVersion()
	return &lazyTxn{s: s, v: v, cache: s.cacheAt(v)}, nil
}

// get returns the transaction, opening it (and counting a read) once.
func (l *lazyTxn) get() *badger.Txn {
	if l.txn == nil {
		l.s.reads.Add(1)
		l.txn = l.s.db.NewTransactionAt(l.v, false)
	}
	return l.txn
}

func (l *lazyTxn) discard() {
	if l.txn != nil {
		l.txn.Discard()
	}
}

// node is Store.node at the version of l, with no transaction when the
// cache holds the node.
func (l *lazyTxn) node(id string) (*domain.Node, error) {
	if n, ok := l.cache.node(l.v, id); ok {
		return n, nil
	}
	return l.s.decodeNode(l.get(), l.cache, id)
}

// Weights: what an entry holds, estimated from its strings and the fixed
// size of its structs, maps and the LRU's element.
const (
	entryOverhead    = 96  // the LRU's element and map slot, the key
	nodeOverhead     = 160 // domain.Node
	relationOverhead = 176 // domain.Relation
	fieldOverhead    = 48  // a map entry
	citationOverhead = 32  // domain.Citation
)

// NodeWeight and RelationWeight estimate the bytes a decoded record holds
// (its strings, fields and citations), as the store's caches weigh theirs:
// for the caches of the layers above that keep records.
func NodeWeight(n *domain.Node) int { return nodeWeight(n) - entryOverhead }

func RelationWeight(r *domain.Relation) int { return relationWeight(r) }

func nodeWeight(n *domain.Node) int {
	w := entryOverhead + nodeOverhead + 2*len(n.ID) + len(n.Kind) + len(n.Name) + len(n.ShortName)
	for _, a := range n.Aliases {
		w += 16 + len(a)
	}
	for k, v := range n.Fields {
		w += fieldOverhead + len(k) + len(v)
	}
	return w + citationsWeight(n.Sources)
}

func relationWeight(r *domain.Relation) int {
	return relationOverhead + len(r.Kind) + len(r.From) + len(r.To) + len(r.Role) + len(r.OnBehalfOf) + len(r.Note) + citationsWeight(r.Sources)
}

func citationsWeight(cs []domain.Citation) int {
	w := 0
	for _, c := range cs {
		w += citationOverhead + len(c.Source) + len(c.Excerpt)
	}
	return w
}

package store

import "sync"

// versionCounts keeps counts that are a function of a data version and a
// key (a kind, a search word and its kinds), so a totalCount is counted
// once per version, not per request. A write publishes a new version, so
// no entry can go stale, and a view of the past (At, knownAt) reads the
// counts of its own version. Bounded in bytes: when full, the entries of
// older versions go first, then all.
type versionCounts struct {
	mu     sync.Mutex
	m      map[versionCount]int
	bytes  int
	newest uint64 // the latest version counted
}

type versionCount struct {
	version uint64
	key     string
}

const (
	versionCountsBytes = 1 << 20
	versionCountBytes  = 64 // an entry's share of the map, besides its key
)

// get returns the count of key at version, calling count once when it is
// not known. An error is returned, not kept.
func (c *versionCounts) get(version uint64, key string, count func() (int, error)) (int, error) {
	k := versionCount{version, key}
	c.mu.Lock()
	n, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return n, nil
	}
	n, err := count()
	if err != nil {
		return 0, err
	}
	c.put(k, n)
	return n, nil
}

func (c *versionCounts) put(k versionCount, n int) {
	size := len(k.key) + versionCountBytes
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[versionCount]int{}
	}
	c.newest = max(c.newest, k.version)
	if c.bytes+size > versionCountsBytes {
		for old := range c.m {
			if old.version < c.newest {
				delete(c.m, old)
				c.bytes -= len(old.key) + versionCountBytes
			}
		}
	}
	if c.bytes+size > versionCountsBytes {
		clear(c.m)
		c.bytes = 0
	}
	if _, ok := c.m[k]; !ok {
		c.bytes += size
	}
	c.m[k] = n
}

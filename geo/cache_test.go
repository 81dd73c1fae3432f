package geo

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
	"github.com/cccs13/cccs-graph/store"
)

func newTestCache(budget, entries int) *byteCache[int, []byte] {
	return newByteCache[int](budget, entries, func(b []byte) int { return len(b) })
}

func TestByteCache(t *testing.T) {
	c := newTestCache(80, 100)
	c.put(1, 1, bytes.Repeat([]byte("a"), 10))
	if b, ok := c.get(1, 1); !ok || len(b) != 10 {
		t.Fatalf("get after put: %q %v", b, ok)
	}
	c.put(1, 2, bytes.Repeat([]byte("b"), 11)) // above an eighth of the budget: not kept
	if _, ok := c.get(1, 2); ok {
		t.Error("an entry above an eighth of the budget was kept")
	}
	for k := 3; k < 12; k++ {
		c.get(1, 1) // used: the least recently used go first
		c.put(1, k, bytes.Repeat([]byte("c"), 10))
	}
	if _, ok := c.get(1, 1); !ok || c.lru.Bytes() > 80 {
		t.Errorf("the entry in use was evicted, or the budget passed: %d bytes held", c.lru.Bytes())
	}
	if _, ok := c.get(1, 3); ok {
		t.Error("the oldest unused entry outlived the budget")
	}
	c.put(2, 1, []byte("new"))
	if _, ok := c.get(2, 5); ok || c.lru.Bytes() != 3 {
		t.Errorf("a new version kept old entries: %d bytes", c.lru.Bytes())
	}
	// A request that read the older version finds nothing and keeps nothing.
	c.put(1, 7, []byte("old"))
	if _, ok := c.get(1, 1); ok || c.lru.Bytes() != 3 {
		t.Errorf("an older version was served or kept: %d bytes", c.lru.Bytes())
	}
	if b, ok := c.get(2, 1); !ok || string(b) != "new" {
		t.Errorf("an older version emptied the cache: %q %v", b, ok)
	}
}

func TestByteCacheEntries(t *testing.T) {
	c := newTestCache(1<<20, 3)
	for k := range 10 {
		c.put(1, k, []byte("x"))
	}
	if c.lru.Len() != 3 || c.lru.Bytes() != 3 {
		t.Errorf("%d entries, %d bytes held; want 3 and 3", c.lru.Len(), c.lru.Bytes())
	}
}

// TestByteCacheSingleFlight: requests for one key at the same time build it
// once and share it; a build that failed on its context leaves the next
// request to build; an incomplete build is not shared.
func TestByteCacheSingleFlight(t *testing.T) {
	c := newTestCache(1<<20, 100)
	var builds atomic.Int32
	release := make(chan struct{})
	build := func() ([]byte, bool, error) {
		builds.Add(1)
		<-release
		return []byte("answer"), true, nil
	}
	var wg sync.WaitGroup
	results := make([][]byte, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = c.do(context.Background(), 1, 7, build)
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); builds.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // the others are waiting by now
	close(release)
	wg.Wait()
	if builds.Load() != 1 {
		t.Errorf("%d builds for one key, want 1", builds.Load())
	}
	for i, r := range results {
		if string(r) != "answer" {
			t.Errorf("request %d got %q", i, r)
		}
	}

	// The builder's deadline passes: a waiter builds again.
	leader := make(chan struct{})
	go c.do(context.Background(), 1, 8, func() ([]byte, bool, error) {
		close(leader)
		time.Sleep(20 * time.Millisecond)
		return nil, false, context.DeadlineExceeded
	})
	<-leader
	b, err := c.do(context.Background(), 1, 8, func() ([]byte, bool, error) { return []byte("second"), true, nil })
	if err != nil || string(b) != "second" {
		t.Errorf("after the builder's deadline: %q, %v", b, err)
	}
	// A waiter's own deadline ends its wait.
	slow := make(chan struct{})
	defer close(slow)
	go c.do(context.Background(), 1, 9, func() ([]byte, bool, error) { <-slow; return nil, true, nil })
	time.Sleep(10 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.do(ctx, 1, 9, build); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a waiter past its deadline: %v", err)
	}
	// Another error is shared: the waiters do not build the same failure.
	bad := errors.New("bad filter")
	if _, err := c.do(context.Background(), 1, 10, func() ([]byte, bool, error) { return nil, false, bad }); err != bad {
		t.Errorf("the builder's error: %v", err)
	}
	if _, ok := c.get(1, 10); ok {
		t.Error("a failed build was kept")
	}
	// An incomplete build (sent as it was made) is not kept.
	if _, err := c.do(context.Background(), 1, 11, func() ([]byte, bool, error) { return nil, false, nil }); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.get(1, 11); ok {
		t.Error("an incomplete build was kept")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                           false,
		"gzip":                       true,
		"GZIP":                       true,
		"gzip, deflate, br":          true,
		"deflate, gzip;q=1.0, *;q=0": true,
		"x-gzip":                     true,
		"*":                          true,
		"br;q=1, gzip;q=0.5":         true, // br is not offered: gzip is the best there is
		"gzip;q=0":                   false,
		"identity":                   false,
		"br":                         false,
		"gzip;q=0.5, identity":       false,
		"gzip;q=0.5, identity;q=0.4": true,
		"identity;q=0, *;q=0.1":      true,
		"*;q=0":                      false,
		"gzip;q=abc":                 false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", header, got, want)
		}
	}
}

// slowReader is a store whose snapshots take a while, as on a large
// dataset.
type slowReader struct {
	Reader
	delay time.Duration
	calls atomic.Int32
}

func (s *slowReader) Snapshot(ctx context.Context, asOf domain.Date) (*store.Snapshot, error) {
	s.calls.Add(1)
	time.Sleep(s.delay)
	return s.Reader.Snapshot(ctx, asOf)
}

// TestNetworkBuildOutlivesRequest: a network that takes longer to build
// than a request may wait still lands, once, for the next request; too
// many dates at once are refused with UNAVAILABLE.
func TestNetworkBuildOutlivesRequest(t *testing.T) {
	s := &slowReader{Reader: geostore.New(t), delay: 200 * time.Millisecond}
	var c networkCache
	d := domain.Date{Y: 2019, Precision: domain.Year}
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.get(short, s, 1, d); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a request shorter than the build: %v", err)
	}
	// The next request waits for the same build, and gets it.
	nw, err := c.get(context.Background(), s, 1, d)
	if err != nil || nw == nil || s.calls.Load() != 1 {
		t.Fatalf("after the build: %v, %d snapshots, want 1", err, s.calls.Load())
	}
	for year := 2000; year < 2000+maxPendingBuilds; year++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		c.get(ctx, s, 1, domain.Date{Y: year, Precision: domain.Year})
		cancel()
	}
	if _, err := c.get(context.Background(), s, 1, domain.Date{Y: 1999, Precision: domain.Year}); domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Errorf("a date beyond %d builds under way: %v, want UNAVAILABLE", maxPendingBuilds, err)
	}
	// The builds end before the store closes.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		c.mu.Lock()
		n := len(c.pending)
		c.mu.Unlock()
		if n == 0 {
			break
		}
	}
}

// TestNetworkCacheIsBoundedInBytes: the networks of the dates asked are
// kept within the cache's budget, the least recently used out first (asked
// again, it is built again), and a new data version empties the cache.
func TestNetworkCacheIsBoundedInBytes(t *testing.T) {
	s := &slowReader{Reader: geostore.New(t)}
	year := func(y int) domain.Date { return domain.Date{Y: y, Precision: domain.Year} }
	one, err := buildNetwork(t.Context(), s, year(2000))
	if err != nil || one.weight < 10_000 {
		t.Fatalf("a network: %v, weighs %d bytes", err, one.weight)
	}
	c := &networkCache{budget: 2*one.weight + one.weight/2}
	get := func(version uint64, y int) *network {
		t.Helper()
		nw, err := c.get(t.Context(), s, version, year(y))
		if err != nil || nw.asOf != year(y) {
			t.Fatalf("the network of %d: %v", y, err)
		}
		return nw
	}
	for y := 2000; y < 2004; y++ {
		get(1, y)
	}
	c.mu.Lock()
	n, bytes := c.byDate.Len(), c.byDate.Bytes()
	c.mu.Unlock()
	if n != 2 || bytes > c.budget {
		t.Fatalf("four dates in a budget of two and a half networks: %d kept, %d bytes of %d", n, bytes, c.budget)
	}
	builds := s.calls.Load()
	kept := get(1, 2003)
	if s.calls.Load() != builds {
		t.Error("the last date asked was built again")
	}
	get(1, 2000) // out
	if s.calls.Load() != builds+1 {
		t.Error("the first date asked was not built again")
	}
	if get(2, 2003) == kept || s.calls.Load() != builds+2 {
		t.Error("a new data version served the network of the old one")
	}
	c.mu.Lock()
	if c.byDate.Len() != 1 {
		t.Errorf("after a new version: %d networks kept, want 1", c.byDate.Len())
	}
	c.mu.Unlock()

	// A network heavier than the whole budget is kept alone, until the next.
	c = &networkCache{budget: one.weight / 2} // a new cache: the old one's builds may still be ending
	builds = s.calls.Load()
	heavy := get(1, 2000)
	if get(1, 2000) != heavy || s.calls.Load() != builds+1 {
		t.Errorf("a network over the budget: %d builds for two requests, want 1", s.calls.Load()-builds)
	}
	get(1, 2001)
	if get(1, 2000) == heavy || s.calls.Load() != builds+3 || c.byDate.Len() != 0 {
		t.Errorf("the next date over the budget: %d builds, %d kept in the LRU", s.calls.Load()-builds, c.byDate.Len())
	}
}

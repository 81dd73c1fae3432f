package geo

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
	"github.com/cccs13/cccs-graph/store"
)

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

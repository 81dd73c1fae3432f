package bytelru

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func newTestCache(budget, entries int) *Cache[int, []byte] {
	return NewCache[int](budget, entries, func(b []byte) int { return len(b) })
}

func TestCache(t *testing.T) {
	c := newTestCache(80, 100)
	c.Put(1, 1, bytes.Repeat([]byte("a"), 10))
	if b, ok := c.Get(1, 1); !ok || len(b) != 10 {
		t.Fatalf("get after put: %q %v", b, ok)
	}
	c.Put(1, 2, bytes.Repeat([]byte("b"), 11)) // above an eighth of the budget: not kept
	if _, ok := c.Get(1, 2); ok {
		t.Error("an entry above an eighth of the budget was kept")
	}
	for k := 3; k < 12; k++ {
		c.Get(1, 1) // used: the least recently used go first
		c.Put(1, k, bytes.Repeat([]byte("c"), 10))
	}
	if _, ok := c.Get(1, 1); !ok || c.lru.Bytes() > 80 {
		t.Errorf("the entry in use was evicted, or the budget passed: %d bytes held", c.lru.Bytes())
	}
	if _, ok := c.Get(1, 3); ok {
		t.Error("the oldest unused entry outlived the budget")
	}
	c.Put(2, 1, []byte("new"))
	if _, ok := c.Get(2, 5); ok || c.lru.Bytes() != 3 {
		t.Errorf("a new version kept old entries: %d bytes", c.lru.Bytes())
	}
	// A request that read the older version finds nothing and keeps nothing.
	c.Put(1, 7, []byte("old"))
	if _, ok := c.Get(1, 1); ok || c.lru.Bytes() != 3 {
		t.Errorf("an older version was served or kept: %d bytes", c.lru.Bytes())
	}
	if b, ok := c.Get(2, 1); !ok || string(b) != "new" {
		t.Errorf("an older version emptied the cache: %q %v", b, ok)
	}
}

func TestCacheEntries(t *testing.T) {
	c := newTestCache(1<<20, 3)
	for k := range 10 {
		c.Put(1, k, []byte("x"))
	}
	if c.lru.Len() != 3 || c.lru.Bytes() != 3 {
		t.Errorf("%d entries, %d bytes held; want 3 and 3", c.lru.Len(), c.lru.Bytes())
	}
}

// TestCacheSingleFlight: requests for one key at the same time build it
// once and share it; a build that failed on its context leaves the next
// request to build; an incomplete build is not shared.
func TestCacheSingleFlight(t *testing.T) {
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
			results[i], _ = c.Do(context.Background(), 1, 7, build)
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
	go c.Do(context.Background(), 1, 8, func() ([]byte, bool, error) {
		close(leader)
		time.Sleep(20 * time.Millisecond)
		return nil, false, context.DeadlineExceeded
	})
	<-leader
	b, err := c.Do(context.Background(), 1, 8, func() ([]byte, bool, error) { return []byte("second"), true, nil })
	if err != nil || string(b) != "second" {
		t.Errorf("after the builder's deadline: %q, %v", b, err)
	}
	// A waiter's own deadline ends its wait.
	slow := make(chan struct{})
	defer close(slow)
	go c.Do(context.Background(), 1, 9, func() ([]byte, bool, error) { <-slow; return nil, true, nil })
	time.Sleep(10 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.Do(ctx, 1, 9, build); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a waiter past its deadline: %v", err)
	}
	// Another error is shared: the waiters do not build the same failure.
	bad := errors.New("bad filter")
	if _, err := c.Do(context.Background(), 1, 10, func() ([]byte, bool, error) { return nil, false, bad }); err != bad {
		t.Errorf("the builder's error: %v", err)
	}
	if _, ok := c.Get(1, 10); ok {
		t.Error("a failed build was kept")
	}
	// An incomplete build (sent as it was made) is not kept.
	if _, err := c.Do(context.Background(), 1, 11, func() ([]byte, bool, error) { return nil, false, nil }); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(1, 11); ok {
		t.Error("an incomplete build was kept")
	}
}

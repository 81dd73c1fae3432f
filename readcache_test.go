package main

import (
	"math"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

// The read cache is an eighth of the Go limit at auto, as set by its
// option otherwise; more than half of the Go limit is refused.
func TestReadCacheBudget(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int64
	}{{nil, 110 * mib / 8}, {[]string{"-memory-limit", "512"}, 486 * mib / 8}, {[]string{"-read-cache-bytes", "0"}, 0}, {[]string{"-read-cache-bytes", "40000000"}, 40000000}} {
		b, err := planned(t, 2*mib, "", tc.args...)
		if err != nil || b.ReadCache != tc.want {
			t.Errorf("%v: a read cache of %d, %v; want %d", tc.args, b.ReadCache, err, tc.want)
		}
		var c config
		b.apply(&c)
		if c.ReadCacheBytes != int(tc.want) || b.storeOptions().ReadCacheBytes != tc.want {
			t.Errorf("%v: applied %d, store options %+v", tc.args, c.ReadCacheBytes, b.storeOptions())
		}
	}
	debug.SetMemoryLimit(math.MaxInt64)
	if b, err := planned(t, 2*mib, "off"); err != nil || b.ReadCache != 64*mib {
		t.Errorf("GOMEMLIMIT=off: %+v, %v", b, err)
	}
	_, err := planned(t, 0, "", "-memory-limit", "112", "-read-cache-bytes", "50000000")
	if err == nil || !strings.HasPrefix(err.Error(), "-memory-limit: a memory budget of 112 MiB leaves 88 MiB to the Go heap, too little for a read cache of 47 MiB (-read-cache-bytes") {
		t.Errorf("a read cache over half the Go limit: %v", err)
	}
}

// TestReadCacheOverHTTP: the real binary reports its read cache in
// /metrics (hits when the same query comes again, its bytes within the
// budget), and refuses a budget over half its memory limit at start.
func TestReadCacheOverHTTP(t *testing.T) {
	const budget = 2 << 20
	s := startServer(t, t.TempDir(), "-read-cache-bytes", "2097152", "-cache-bytes", "0")
	shape, err := os.ReadFile("bench/shapes/a.graphql")
	if err != nil {
		t.Fatal(err)
	}
	before := s.metrics(t)
	for range 2 {
		var out map[string]any
		if code := s.post(t, string(shape), &out); code != 200 || out["errors"] != nil {
			t.Fatalf("shape (a): %d %v", code, out["errors"])
		}
	}
	after := s.metrics(t)
	hits := after["cccs_store_read_cache_hits_total"] - before["cccs_store_read_cache_hits_total"]
	if bytes := after["cccs_store_read_cache_bytes"]; hits < 100 || bytes <= 0 || bytes > budget {
		t.Errorf("after shape (a) twice: %v hits, %v bytes (budget %d)", hits, bytes, budget)
	}
	if !strings.Contains(s.logs.String(), `"readCacheMiB":"2"`) {
		t.Errorf("the read cache's size is not logged:\n%s", s.logs)
	}

	out, err := exec.Command(binary, "serve", "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-memory-limit", "112", "-read-cache-bytes", "50000000").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "too little for a read cache of 47 MiB (-read-cache-bytes") {
		t.Errorf("a read cache over half the memory limit: %v\n%s", err, out)
	}
}

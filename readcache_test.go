package main

import (
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The read cache is an eighth of the memory limit by default; more than
// half of it is refused, as is a negative budget other than -1.
func TestReadCacheBytes(t *testing.T) {
	for _, tc := range []struct {
		flag  int
		limit int64
		want  int
	}{{-1, 100 << 20, 100 << 17}, {-1, 394 << 20, 394 << 17}, {-1, math.MaxInt64, 64 << 20}, {0, 100 << 20, 0}, {50 << 20, 100 << 20, 50 << 20}, {1 << 30, math.MaxInt64, 1 << 30}} {
		if got, err := readCacheBytes(tc.flag, tc.limit); err != nil || got != tc.want {
			t.Errorf("%d bytes with a limit of %d MiB: %d, %v; want %d", tc.flag, tc.limit>>20, got, err, tc.want)
		}
	}
	if _, err := readCacheBytes(60<<20, 100<<20); err == nil || !strings.HasPrefix(err.Error(), "-read-cache-bytes: 62914560 bytes is more than half the memory limit (100 MiB)") {
		t.Errorf("over half the limit: %v", err)
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
	if !strings.Contains(s.logs.String(), `"msg":"read cache","MiB":2`) {
		t.Errorf("the read cache's size is not logged:\n%s", s.logs)
	}

	out, err := exec.Command(binary, "serve", "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-memory-limit", "64", "-read-cache-bytes", "50000000").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "-read-cache-bytes: 50000000 bytes is more than half the memory limit (64 MiB)") {
		t.Errorf("a read cache over half the memory limit: %v\n%s", err, out)
	}
}

package main

import (
	"strings"
	"testing"
	"time"
)

// Turns shorter than minSlice are refused: each turn waits for its
// requests in flight, so a microsecond slice made a second's load last
// minutes.
func TestLoadRefusesTinySlices(t *testing.T) {
	urls := []string{"http://127.0.0.1:1/a", "http://127.0.0.1:1/b"}
	if err := load(urls, "", 2, time.Second, time.Microsecond, 10, false); err == nil || !strings.Contains(err.Error(), "-slice at least") {
		t.Errorf("a 1 µs slice: %v", err)
	}
	if err := load([]string{"http://example.org/"}, "", 1, time.Second, minSlice, 1, false); err == nil {
		t.Error("a target off 127.0.0.1 was loaded")
	}
}

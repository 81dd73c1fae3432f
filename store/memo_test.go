package store

import (
	"strconv"
	"strings"
	"testing"
)

// A memo holds at most its bound; past it a quarter goes and the rest stays.
func TestMemoIsBoundedInBytes(t *testing.T) {
	mm := newMemo[int](func(key string) int64 { return int64(len(key)) })
	mm.setLimit(10_000)
	key := func(i int) string { return strings.Repeat("k", 90) + strconv.Itoa(1000+i) } // 94 bytes
	for i := range 1000 {
		mm.put(key(i), i)
		if mm.bytes > 10_000 {
			t.Fatalf("after %d puts the memo holds %d bytes, over its bound", i+1, mm.bytes)
		}
	}
	var sum int64
	for k, v := range mm.m {
		if k != key(v) {
			t.Fatalf("%q holds %d", k, v)
		}
		sum += int64(len(k))
	}
	if sum != mm.bytes || mm.bytes < 7_500-94 {
		t.Errorf("the memo counts %d bytes, its entries weigh %d; want about three quarters of its bound at least", mm.bytes, sum)
	}
	mm.put(strings.Repeat("x", 10_001), 1) // alone over the bound: not kept
	if _, ok := mm.getString(strings.Repeat("x", 10_001)); ok {
		t.Error("an entry over the bound was kept")
	}
	mm.setLimit(100) // a lower bound empties a memo that holds more
	if len(mm.m) != 0 || mm.bytes != 0 {
		t.Errorf("after a lower bound: %d entries, %d bytes", len(mm.m), mm.bytes)
	}
}

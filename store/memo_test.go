package store

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
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

// Reads of every record (a snapshot: the maps' network, the exports, the
// statistics) take what the memos hold but add nothing to them; a node read
// by a query still fills them.
func TestFullReadsDoNotFillTheMemos(t *testing.T) {
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	setMemoBytes(1) // a lower bound empties the memos
	setMemoBytes(DefaultMemoBytes)
	t.Cleanup(func() { setMemoBytes(DefaultMemoBytes) })
	held := func() int64 {
		nodeMemo.mu.RLock()
		defer nodeMemo.mu.RUnlock()
		relationMemo.mu.RLock()
		defer relationMemo.mu.RUnlock()
		return nodeMemo.bytes + relationMemo.bytes
	}
	snap, err := s.WithoutReadCache().Snapshot(ctx, domain.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Nodes) == 0 || len(snap.Relations) == 0 {
		t.Fatalf("an empty snapshot: %d nodes, %d relations", len(snap.Nodes), len(snap.Relations))
	}
	if n := held(); n != 0 {
		t.Errorf("a snapshot of %d nodes and %d relations left %d bytes in the memos", len(snap.Nodes), len(snap.Relations), n)
	}
	if _, err := s.WithoutReadCache().Node(ctx, snap.Nodes[0].ID); err != nil {
		t.Fatal(err)
	}
	if held() == 0 {
		t.Error("a node read by a query was not remembered")
	}
}

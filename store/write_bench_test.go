package store

import (
	"fmt"
	"github.com/cccs13/cccs-graph/domain"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// Synced writes on disk: each edit is one transaction with its change
// record, acknowledged once fsync'd. Compare with BenchmarkNodeLookup.
//
//	go test -run '^$' -bench 'SyncedWrite|NodeLookup' -benchtime 2s ./store

// diskStore is a store in a temporary directory with small.yaml and one
// organization per writer.
func diskStore(b *testing.B, writers int) *Store {
	b.Helper()
	s, err := Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	importFile(b, s, "small.yaml")
	for w := range writers {
		n := &domain.Node{ID: fmt.Sprintf("w-%d", w), Kind: "organization", Name: "W", Fields: map[string]string{"category": "other"}, Sources: editor.Sources}
		if _, err := s.CreateNode(ctx, n, nil, editor); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// bump writes one update of node id from version v; returns the new version.
func bump(b *testing.B, s *Store, id string, v uint64, i int) uint64 {
	w, err := s.UpdateNode(ctx, id, v, func(n *domain.Node) error { n.Fields["description"] = strconv.Itoa(i); return nil }, editor)
	if err != nil {
		b.Fatal(err)
	}
	return w.Node.Version
}

func BenchmarkSyncedWrite(b *testing.B) {
	s := diskStore(b, 1)
	n, _ := s.Node(ctx, "w-0")
	v := n.Version
	var lat []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		v = bump(b, s, "w-0", v, i)
		lat = append(lat, time.Since(start))
		i++
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkSyncedWriteParallel: 8 editors, each on its own node. Writes are
// serialised (one writer at a time), so the rate is that of one writer:
// see docs/editing.md on group commit.
func BenchmarkSyncedWriteParallel(b *testing.B) {
	const writers = 8
	nodes := writers * runtime.GOMAXPROCS(0) // one per goroutine of RunParallel
	s := diskStore(b, nodes)
	var next atomic.Int64
	start := time.Now()
	b.SetParallelism(writers)
	b.RunParallel(func(pb *testing.PB) {
		id := fmt.Sprintf("w-%d", (next.Add(1)-1)%int64(nodes))
		n, _ := s.Node(ctx, id)
		v, i := n.Version, 0
		for pb.Next() {
			w, err := s.UpdateNode(ctx, id, v, func(n *domain.Node) error { n.Fields["description"] = strconv.Itoa(i); return nil }, editor)
			if err != nil {
				b.Error(err)
				return
			}
			v, i = w.Node.Version, i+1
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "writes/s")
}

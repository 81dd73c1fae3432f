package store

import (
	"fmt"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

// A search's totalCount is kept per data version: a write makes the next
// count see it, a view of the past (knownAt) keeps the count of its version,
// and each count is the number of hits the ranking of every node finds.
func TestSearchCountFollowsWritesAndVersions(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	count := func(s *Store, query string, kinds ...domain.Kind) int {
		t.Helper()
		p, err := s.SearchPage(ctx, SearchRequest{Query: query, Kinds: kinds, First: 1, Count: true})
		if err != nil {
			t.Fatal(err)
		}
		hits, err := s.Search(ctx, query, kinds)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != len(hits) {
			t.Fatalf("%q: totalCount %d, %d hits", query, p.Total, len(hits))
		}
		return p.Total
	}
	v0, _ := s.DataVersion(ctx)
	if n := count(s, "zeta"); n != 0 {
		t.Fatalf("zeta before any write: %d", n)
	}
	var versions []uint64
	for i, name := range []string{"Zeta Bricolage", "Zeta Jardinage"} {
		n := &domain.Node{ID: fmt.Sprintf("zeta-%d", i), Kind: "organization", Name: name, Fields: map[string]string{"category": "federation"}, Sources: editor.Sources}
		w, err := s.CreateNode(ctx, n, nil, editor)
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, w.Node.Version)
		for range 2 { // the second count is the kept one
			if n := count(s, "zeta"); n != i+1 {
				t.Errorf("after %d creations, zeta counts %d", i+1, n)
			}
			if n := count(s, "zeta", "territory"); n != 0 {
				t.Errorf("zeta among territories counts %d", n)
			}
		}
	}
	if _, err := s.UpdateNode(ctx, "zeta-0", versions[0], func(n *domain.Node) error { n.Name = "Omega Bricolage"; return nil }, editor); err != nil {
		t.Fatal(err)
	}
	if n := count(s, "zeta"); n != 1 {
		t.Errorf("after a rename, zeta counts %d", n)
	}
	for want, v := range []uint64{v0, versions[0], versions[1]} {
		if n := count(s.At(v), "zeta"); n != want {
			t.Errorf("as known at version %d, zeta counts %d, want %d", v, n, want)
		}
	}
}

func TestVersionCountsAreBoundedInBytes(t *testing.T) {
	var c versionCounts
	calls := 0
	get := func(v uint64, key string) int {
		n, err := c.get(v, key, func() (int, error) { calls++; return len(key), nil })
		if err != nil || n != len(key) {
			t.Fatalf("get(%d, %q) = %d, %v", v, key, n, err)
		}
		return n
	}
	get(1, "centre")
	get(1, "centre")
	if calls != 1 {
		t.Fatalf("a kept count was counted %d times", calls)
	}
	key := func(i int) string { return fmt.Sprintf("%0100d", i) }
	entries := versionCountsBytes / (100 + versionCountBytes)
	for i := range 2 * entries {
		get(uint64(2+i/entries), key(i))
		if c.bytes > versionCountsBytes || len(c.m)*(100+versionCountBytes) > versionCountsBytes+len("centre")+versionCountBytes {
			t.Fatalf("after %d counts: %d bytes, %d entries", i+1, c.bytes, len(c.m))
		}
	}
	// Filling version 3 dropped the older versions first.
	for k := range c.m {
		if k.version != 3 {
			t.Fatalf("an entry of version %d is left beside version 3's", k.version)
		}
	}
	calls = 0
	get(3, key(2*entries-1))
	if calls != 0 {
		t.Errorf("the newest count was dropped")
	}
}

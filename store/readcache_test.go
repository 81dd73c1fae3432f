package store

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

// writableDefault is a store of the default dataset of its own, which the
// test may write or configure.
func writableDefault(t *testing.T) *Store {
	t.Helper()
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// everyRelationPage asks, for every node, the queries a client asks of its
// relations: every direction, a kind, a date, a cursor, the count.
func everyRelationPage(t *testing.T, s *Store) []RelPageQuery {
	t.Helper()
	var qs []RelPageQuery
	n := func(v int) *int { return &v }
	for _, k := range domain.Kinds {
		nodes, err := s.NodesOfKind(ctx, k.Kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, nd := range nodes {
			for _, q := range []RelPageQuery{
				{Dir: domain.Both, Count: true},
				{Dir: domain.In, Args: PageArgs{First: n(3)}},
				{Dir: domain.Out, Kinds: []domain.RelKind{domain.RelSignatory, "located-in"}, Args: PageArgs{First: n(2)}, Count: true},
				{Dir: domain.Both, AsOf: domain.Date{Y: 2015}, Args: PageArgs{First: n(5)}, Count: true},
			} {
				q.ID, q.Args.Order = nd.ID, relationsOrder
				qs = append(qs, q)
			}
		}
	}
	return qs
}

// pagesText writes pages as their clients see them.
func pagesText(pages []Page[*domain.Relation], ends map[string]*domain.Node) string {
	var b []byte
	for _, p := range pages {
		b = fmt.Appendf(b, "total %d prev %v next %v:", p.Total, p.HasPrev, p.HasNext)
		for i, r := range p.Items {
			b = fmt.Appendf(b, " %s/%d %s %+v", domain.RelationID(r), r.Version, p.Cursors[i].String(), *r)
		}
		b = append(b, '\n')
	}
	ids := make([]string, 0, len(ends))
	for id := range ends {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		b = fmt.Appendf(b, "%+v\n", *ends[id])
	}
	return string(b)
}

// withCursors adds to qs, for each query of a first page, the page after
// its first item.
func withCursors(t *testing.T, s *Store, qs []RelPageQuery) []RelPageQuery {
	pages, _, _, err := s.WithoutReadCache().RelationPages(ctx, qs, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pages {
		if len(p.Cursors) > 0 {
			q := qs[i]
			c := p.Cursors[0].String()
			q.Args.After = &c
			qs = append(qs, q)
		}
	}
	return qs
}

// TestReadCacheAnswersAsTheDatabase reads every node's relation pages (and
// their ends) through the read cache, filling it then hitting it, under a
// budget large enough for all and one that evicts, and with a cap that
// leaves most nodes to the iterator: every answer is the database's.
func TestReadCacheAnswersAsTheDatabase(t *testing.T) {
	s := writableDefault(t)
	qs := withCursors(t, s, everyRelationPage(t, s))
	read := func(s *Store, qs []RelPageQuery) string {
		t.Helper()
		var out string
		for i := 0; i < len(qs); i += 50 { // batches, as the loaders ask
			pages, ends, covered, err := s.RelationPages(ctx, qs[i:min(i+50, len(qs))], 2000)
			if err != nil || !covered {
				t.Fatalf("covered %v: %v", covered, err)
			}
			out += pagesText(pages, ends)
		}
		return out
	}
	want := read(s.WithoutReadCache(), qs)
	defer func(cap int) { maxCachedRelations = cap }(maxCachedRelations)
	for _, tc := range []struct {
		budget, cap int
		evicts      bool
	}{{DefaultReadCacheBytes, 2048, false}, {256 << 10, 2048, true}, {DefaultReadCacheBytes, 3, false}} {
		maxCachedRelations = tc.cap
		if err := s.SetReadCacheBytes(tc.budget); err != nil {
			t.Fatal(err)
		}
		before := s.ReadCacheStats()
		for round := range 2 {
			if got := read(s, qs); got != want {
				t.Fatalf("budget %d, cap %d, round %d: the cache answers otherwise than the database", tc.budget, tc.cap, round)
			}
			st := s.ReadCacheStats()
			if st.Bytes > tc.budget || st.Budget != tc.budget {
				t.Fatalf("budget %d: the cache holds %d bytes", tc.budget, st.Bytes)
			}
		}
		st := s.ReadCacheStats()
		if st.Hits == before.Hits || (st.Evictions > before.Evictions) != tc.evicts {
			t.Errorf("budget %d, cap %d: %d hits, %d evictions", tc.budget, tc.cap, st.Hits-before.Hits, st.Evictions-before.Evictions)
		}
		t.Logf("budget %d, cap %d: %d entries, %d bytes, %d hits, %d misses, %d evictions", tc.budget, tc.cap, st.Entries, st.Bytes, st.Hits-before.Hits, st.Misses-before.Misses, st.Evictions-before.Evictions)
	}
}

// TestReadCacheFollowsWrites: a write moves the data version, so the next
// read finds the new node and relations; a view of the version before it
// still reads the old ones, cache or not.
func TestReadCacheFollowsWrites(t *testing.T) {
	s := writableDefault(t)
	q := []RelPageQuery{{ID: "caf-13", Dir: domain.Both, Count: true, Args: PageArgs{Order: relationsOrder}}}
	read := func(s *Store) (string, string) {
		t.Helper()
		pages, ends, _, err := s.RelationPages(ctx, q, 2000)
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Node(ctx, "caf-13")
		if err != nil {
			t.Fatal(err)
		}
		return pagesText(pages, ends), n.Name
	}
	v0, _ := s.DataVersion(ctx)
	pages0, name0 := read(s)
	read(s) // from the cache
	const signed = "caf-13>signatory>cccs@1994-07-25"
	r, err := s.Relation(ctx, signed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteRelation(ctx, signed, r.Version, Meta{Actor: "test", Reason: "test", Sources: r.Sources}); err != nil {
		t.Fatal(err)
	}
	caf, _ := s.Node(ctx, "caf-13")
	if _, err := s.UpdateNode(ctx, "caf-13", caf.Version, func(n *domain.Node) error { n.Name = "Caisse renommée"; return nil }, Meta{Actor: "test", Reason: "test", Sources: caf.Sources}); err != nil {
		t.Fatal(err)
	}
	pages1, name1 := read(s)
	if want, _ := read(s.WithoutReadCache()); pages1 != want || name1 != "Caisse renommée" {
		t.Fatalf("after the writes the cache answers %q and\n%s\nwant\n%s", name1, pages1, want)
	}
	if pages1 == pages0 {
		t.Fatal("the deleted relation is still there")
	}
	for _, past := range []*Store{s.At(v0), s.At(v0).WithoutReadCache()} {
		if pages, name := read(past); pages != pages0 || name != name0 {
			t.Fatalf("version %d reads %q and\n%s\nwant %q and\n%s", v0, name, pages, name0, pages0)
		}
	}
}

// TestReadCacheHandsOutCopies: a caller that changes a node it read does
// not change what the next caller reads.
func TestReadCacheHandsOutCopies(t *testing.T) {
	s := defaultTest(t)
	n, err := s.Node(ctx, "caf-13")
	if err != nil {
		t.Fatal(err)
	}
	name := n.Name
	n.Name, n.Version = "changed", 0
	ns, _ := s.Nodes(ctx, []string{"caf-13", "nope"})
	if ns[0].Name != name || ns[0].Version == 0 || ns[1] != nil {
		t.Fatalf("read %+v after a caller changed its copy", ns)
	}
}

func TestReadCacheBudgetIsChecked(t *testing.T) {
	s := openTest(t)
	if err := s.SetReadCacheBytes(-1); domain.ErrorCode(err) != domain.EBADINPUT {
		t.Fatalf("a negative budget: %v", err)
	}
	if err := s.SetReadCacheBytes(0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Node(ctx, "caf-13"); err != nil {
		t.Fatal(err)
	}
	if st := s.ReadCacheStats(); st.Entries != 0 || st.Bytes != 0 {
		t.Fatalf("a cache switched off holds %+v", st)
	}
}

// TestWalksThroughTheReadCache: neighbourhoods, paths and relation lists
// read through the cache's nodes and edge lists (filled, then hit, and
// with every node a hub) are those read from the database; so are walks
// the caps cut (a star of more organizations than a neighbourhood holds).
func TestWalksThroughTheReadCache(t *testing.T) {
	s := writableDefault(t)
	if _, err := s.Import(ctx, starDataset(MaxSubgraphNodes+50)); err != nil {
		t.Fatal(err)
	}
	defer func(cap int) { maxCachedRelations = cap }(maxCachedRelations)
	walks := []Walk{{}, {AsOf: domain.Date{Y: 2015}}, {Dir: domain.Out, Kinds: []domain.RelKind{domain.RelSignatory, "located-in"}}}
	read := func(s *Store) string {
		t.Helper()
		var b []byte
		for _, id := range []string{"caf-13", "cccs", "insee-13055", "departement-13", "ucs-13", "hub", "org-7"} {
			for _, w := range walks {
				g, err := s.Neighborhood(ctx, id, 2, w)
				if err != nil {
					t.Fatal(err)
				}
				b = fmt.Appendf(b, "%v %v\n", g.Depths, g.Truncated)
				for _, n := range g.Nodes {
					b = fmt.Appendf(b, "%+v\n", *n)
				}
				for _, r := range g.Relations {
					b = fmt.Appendf(b, "%+v\n", *r)
				}
				p, found, err := s.ShortestPath(ctx, id, "msa-provence-azur", MaxPathDepth, w)
				if err != nil {
					t.Fatal(err)
				}
				b = fmt.Appendf(b, "path %v\n", found)
				if found {
					for _, n := range p.Nodes {
						b = fmt.Appendf(b, "%+v\n", *n)
					}
					for _, r := range p.Relations {
						b = fmt.Appendf(b, "%+v\n", *r)
					}
				}
			}
		}
		var qs []RelQuery
		for _, k := range domain.Kinds {
			nodes, _ := s.NodesOfKind(ctx, k.Kind)
			for _, n := range nodes {
				qs = append(qs, RelQuery{ID: n.ID, Dir: domain.Both}, RelQuery{ID: n.ID, Dir: domain.In, Limit: 2, AsOf: domain.Date{Y: 2019}})
			}
		}
		rels, ends, err := s.RelationsWithEnds(ctx, qs, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		for _, list := range rels {
			for _, r := range list {
				b = fmt.Appendf(b, "%+v ", *r)
			}
			b = append(b, '\n')
		}
		return string(b) + pagesText(nil, ends)
	}
	want := read(s.WithoutReadCache())
	for _, cap := range []int{2048, 3} {
		maxCachedRelations = cap
		if err := s.SetReadCacheBytes(DefaultReadCacheBytes); err != nil {
			t.Fatal(err)
		}
		for round := range 2 {
			if got := read(s); got != want {
				g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
				for i := range min(len(g), len(w)) {
					if g[i] != w[i] {
						t.Fatalf("cap %d, round %d: the walks read otherwise through the cache, line %d:\n%.500s\nwant\n%.500s", cap, round, i, g[i], w[i])
					}
				}
				t.Fatalf("cap %d, round %d: %d lines, want %d", cap, round, len(g), len(w))
			}
		}
	}
}

// TestReadCacheOffReadsAsUncached: with the cache switched off, a page of a
// node's relations and its edges cost the allocations of the uncached
// path, not those of reading whole lists to keep none.
func TestReadCacheOffReadsAsUncached(t *testing.T) {
	s := writableDefault(t)
	if err := s.SetReadCacheBytes(0); err != nil {
		t.Fatal(err)
	}
	first := 1
	page := []RelPageQuery{{ID: "fr-13", Dir: domain.Both, Args: PageArgs{First: &first, Order: relationsOrder}}}
	edges := []RelQuery{{ID: "fr-13", Dir: domain.Out, Limit: 1}}
	allocs := func(s *Store) (pages, rels float64) {
		pages = testing.AllocsPerRun(20, func() {
			if _, _, _, err := s.RelationPages(ctx, page, 0); err != nil {
				t.Fatal(err)
			}
		})
		rels = testing.AllocsPerRun(20, func() {
			if _, _, err := s.RelationsWithEnds(ctx, edges, 0); err != nil {
				t.Fatal(err)
			}
		})
		return pages, rels
	}
	offPages, offRels := allocs(s)
	pages, rels := allocs(s.WithoutReadCache())
	if offPages > 1.5*pages || offRels > 1.5*rels {
		t.Errorf("cache off: %.0f allocations a page, %.0f a list of edges; uncached: %.0f and %.0f", offPages, offRels, pages, rels)
	}
	if st := s.ReadCacheStats(); st.Misses != 0 {
		t.Errorf("a cache switched off counts %d misses", st.Misses)
	}
}

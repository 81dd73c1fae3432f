package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

var (
	defaultOnce  sync.Once
	defaultStore *Store
)

// defaultTest returns a store with the embedded default dataset, shared by
// the tests that only read it.
func defaultTest(t testing.TB) *Store {
	t.Helper()
	defaultOnce.Do(func() {
		s, err := Open("", nil)
		if err == nil {
			_, err = s.LoadDefaultIfEmpty(ctx)
		}
		if err != nil {
			panic(err)
		}
		defaultStore = s
	})
	return defaultStore
}

func date(t testing.TB, s string) domain.Date {
	t.Helper()
	if s == "" {
		return domain.Date{}
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func nodeIDs(nodes []*domain.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.ID
	}
	return out
}

func TestNeighborhoodOnTheSmallGraph(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	for _, tc := range []struct {
		depth int
		walk  Walk
		nodes string // in key order: length-prefixed ids, shorter first
		rels  int
	}{
		{0, Walk{}, "pact", 0},
		{1, Walk{}, "pact,beta,alpha,gamma", 3},
		{2, Walk{}, "pact,beta,alpha,gamma,t-13", 4},
		{2, Walk{Kinds: []domain.RelKind{"signatory"}}, "pact,beta,alpha,gamma", 3},
		{2, Walk{Dir: domain.Out}, "pact", 0}, // the pact signs nothing
		{1, Walk{Dir: domain.In}, "pact,beta,alpha,gamma", 3},
		{2, Walk{Dir: domain.In}, "pact,beta,alpha,gamma", 3}, // beta administers t-13: out, not followed
		{1, Walk{AsOf: date(t, "2000")}, "pact,beta,alpha", 2},
		{1, Walk{AsOf: date(t, "1994-07-24")}, "", 0}, // the pact starts on the 25th
	} {
		g, err := s.Neighborhood(ctx, "pact", tc.depth, tc.walk)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(nodeIDs(g.Nodes), ","); got != tc.nodes || len(g.Relations) != tc.rels || g.Truncated {
			t.Errorf("depth %d %+v: nodes %s, %d relations, truncated %v; want %s, %d", tc.depth, tc.walk, got, len(g.Relations), g.Truncated, tc.nodes, tc.rels)
		}
	}
	g, _ := s.Neighborhood(ctx, "t-13", 2, Walk{})
	if !slices.Equal(g.Depths, []int{0, 1, 2}) {
		t.Errorf("depths = %v, want [0 1 2]", g.Depths)
	}
}

func TestNeighborhoodBadInput(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	if _, err := s.Neighborhood(ctx, "ghost", 1, Walk{}); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unknown id: %v, want %s", err, domain.ENOTFOUND)
	}
	for _, depth := range []int{-1, MaxWalkDepth + 1} {
		if _, err := s.Neighborhood(ctx, "pact", depth, Walk{}); domain.ErrorCode(err) != domain.EBADINPUT {
			t.Errorf("depth %d: %v, want %s", depth, err, domain.EBADINPUT)
		}
	}
	if _, err := s.Neighborhood(ctx, "pact", 1, Walk{Kinds: []domain.RelKind{"spaceship"}}); domain.ErrorCode(err) != domain.EBADINPUT {
		t.Errorf("unknown relation kind: %v, want %s", err, domain.EBADINPUT)
	}
}

// starDataset is one agreement signed by n organizations.
func starDataset(n int) File {
	var b strings.Builder
	b.WriteString("nodes:\n  - {id: doc, kind: source, name: Doc, sources: [{source: doc}]}\n  - {id: hub, kind: agreement, name: Hub, sources: [{source: doc}]}\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {id: org-%d, kind: organization, name: Org %d, fields: {category: other}, sources: [{source: doc}]}\n", i, i)
	}
	b.WriteString("relations:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {kind: signatory, from: org-%d, to: hub, sources: [{source: doc}]}\n", i)
	}
	return File{Name: "star.yaml", Data: []byte(b.String())}
}

func TestNeighborhoodIsCappedAndSaysSo(t *testing.T) {
	s := openTest(t)
	if _, err := s.Import(ctx, starDataset(MaxSubgraphNodes+50)); err != nil {
		t.Fatal(err)
	}
	g, err := s.Neighborhood(ctx, "hub", 1, Walk{})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != MaxSubgraphNodes || len(g.Relations) != MaxSubgraphNodes-1 || !g.Truncated {
		t.Errorf("%d nodes, %d relations, truncated %v; want %d, %d, true", len(g.Nodes), len(g.Relations), g.Truncated, MaxSubgraphNodes, MaxSubgraphNodes-1)
	}
}

func TestNeighborhoodTravelsInTime(t *testing.T) {
	s := defaultTest(t)
	// MSA Provence Azur joins in 2019: in 2015 it stands alone.
	for asOf, want := range map[string]int{"2015": 1, "2019": 8, "1970": 1} {
		g, err := s.Neighborhood(ctx, "msa-provence-azur", 1, Walk{AsOf: date(t, asOf)})
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Nodes) != want {
			t.Errorf("MSA's neighbourhood in %s has %d nodes %v, want %d", asOf, len(g.Nodes), nodeIDs(g.Nodes), want)
		}
	}
	// An event is part of the network during its date only.
	g, _ := s.Neighborhood(ctx, "cccs", 1, Walk{AsOf: date(t, "2015"), Kinds: []domain.RelKind{"concerns"}})
	for _, n := range g.Nodes {
		if n.Kind == "event" && !strings.Contains(n.Field("date"), "2015") && n.Field("date") != "201X" {
			t.Errorf("in 2015, cccs's neighbourhood holds the event %s of %s", n.ID, n.Field("date"))
		}
	}
}

func TestShortestPath(t *testing.T) {
	s := defaultTest(t)
	p, ok, err := s.ShortestPath(ctx, "msa-provence-azur", "ucs-13", MaxPathDepth, Walk{})
	if err != nil || !ok {
		t.Fatalf("no path from MSA to UCS 13: %v", err)
	}
	if got := strings.Join(nodeIDs(p.Nodes), ","); got != "msa-provence-azur,cccs,ucs-13" {
		t.Errorf("path = %s, want msa-provence-azur,cccs,ucs-13", got)
	}
	for i, r := range p.Relations {
		a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
		if !(r.From == a && r.To == b) && !(r.From == b && r.To == a) {
			t.Errorf("relation %d (%s) does not join %s and %s", i, domain.RelationID(r), a, b)
		}
	}
	for name, tc := range map[string]struct {
		from, to string
		walk     Walk
		max      int
	}{
		"a source has no relation":     {"seed-000", "caf-13", Walk{}, MaxPathDepth},
		"only part-of":                 {"msa-provence-azur", "ucs-13", Walk{Kinds: []domain.RelKind{"part-of"}}, MaxPathDepth},
		"MSA before it joined":         {"msa-provence-azur", "ucs-13", Walk{AsOf: date(t, "2015")}, MaxPathDepth},
		"before 1980":                  {"caf-13", "ucs-13", Walk{AsOf: date(t, "1975")}, 1},
		"too short":                    {"msa-provence-azur", "ucs-13", Walk{}, 1},
		"following relations out only": {"msa-provence-azur", "ucs-13", Walk{Dir: domain.Out}, MaxPathDepth},
	} {
		if p, ok, err := s.ShortestPath(ctx, tc.from, tc.to, tc.max, tc.walk); ok || err != nil {
			t.Errorf("%s: path %v, error %v; want none and no error", name, p, err)
		}
	}
	if p, ok, _ := s.ShortestPath(ctx, "caf-13", "caf-13", 0, Walk{}); !ok || len(p.Nodes) != 1 || len(p.Relations) != 0 {
		t.Errorf("path from a node to itself = %+v, want the node alone", p)
	}
	if _, _, err := s.ShortestPath(ctx, "caf-13", "ghost", 3, Walk{}); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unknown end: %v, want %s", err, domain.ENOTFOUND)
	}
	if _, _, err := s.ShortestPath(ctx, "caf-13", "ucs-13", MaxPathDepth+1, Walk{}); domain.ErrorCode(err) != domain.EBADINPUT {
		t.Errorf("maxDepth over the cap: %v, want %s", err, domain.EBADINPUT)
	}
}

func TestSnapshotAndStats(t *testing.T) {
	s := defaultTest(t)
	all, err := s.Snapshot(ctx, domain.Date{})
	if err != nil {
		t.Fatal(err)
	}
	nodes, rels, err := s.Size(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Nodes) != nodes || len(all.Relations) != rels {
		t.Errorf("whole graph: %d nodes, %d relations; want %d and %d", len(all.Nodes), len(all.Relations), nodes, rels)
	}
	count := func(st *Stats, kind domain.RelKind) int {
		for _, c := range st.RelationsByKind {
			if c.Kind == kind {
				return c.Count
			}
		}
		return -1
	}
	for asOf, want := range map[string]int{"1970": 0, "1994": 3, "2015": 18, "2019": 23} {
		snap, err := s.Snapshot(ctx, date(t, asOf))
		if err != nil {
			t.Fatal(err)
		}
		st := snap.Stats()
		if got := count(st, "signatory"); got != want {
			t.Errorf("signatory relations in force in %s = %d, want %d", asOf, got, want)
		}
		if asOf == "1970" && (count(st, "concerns") != 0 || st.NodesByKind[slices.IndexFunc(st.NodesByKind, func(c KindCount) bool { return c.Kind == "event" })].Count != 0) {
			t.Errorf("in 1970 there are events: %v", st.NodesByKind)
		}
	}
	st := all.Stats()
	if len(st.NodesByKind) != len(domain.Kinds) || len(st.RelationsByKind) != len(domain.RelKinds) {
		t.Errorf("counts by kind leave kinds out: %v", st.NodesByKind)
	}
	// Over all time the CCO leads: it manages or federates ten facilities
	// besides signing; the Caf follows.
	if st.Degrees[0].Node.ID != "cco" || st.Degrees[0].Total() < st.Degrees[1].Total() {
		t.Errorf("most connected organization = %s (%d), want cco first", st.Degrees[0].Node.ID, st.Degrees[0].Total())
	}
	if len(st.BodyMembers) != 9 {
		t.Errorf("%d bodies, want 9", len(st.BodyMembers))
	}
}

func TestSignatoriesByYearMatchTheSeeds(t *testing.T) {
	s := defaultTest(t)
	series, err := s.SignatoriesByYear(ctx, "cccs", 1970, 2030)
	if err != nil {
		t.Fatal(err)
	}
	// The seeds up to 2019; then the web sources: 23 through the extensions of
	// 2022 and 2023, 19 named parties of 2024-2027, none known after 2027.
	want := map[int]int{1970: 0, 1979: 0, 1994: 3, 2000: 12, 2006: 14, 2015: 18, 2017: 19, 2018: 20, 2019: 23,
		2021: 23, 2022: 23, 2023: 23, 2024: 19, 2025: 19, 2026: 19, 2027: 19, 2028: 0, 2030: 0}
	for _, yc := range series {
		if w, ok := want[yc.Year]; ok && yc.AtYearEnd != w {
			t.Errorf("signatories at the end of %d = %d, want %d", yc.Year, yc.AtYearEnd, w)
		}
		if yc.Count < yc.AtYearEnd {
			t.Errorf("%d: %d in force during the year, fewer than the %d at its end", yc.Year, yc.Count, yc.AtYearEnd)
		}
	}
	if series[0].Year != 1970 || series[len(series)-1].Year != 2030 {
		t.Errorf("series from %d to %d, want 1970 to 2030", series[0].Year, series[len(series)-1].Year)
	}
	if def, _ := s.SignatoriesByYear(ctx, "cccs", 0, 2000); def[0].Year != 1994 {
		t.Errorf("default first year = %d, want 1994 (the first signature)", def[0].Year)
	}
	for _, bad := range [][2]int{{2000, 1999}, {1800, 2021}} {
		if _, err := s.SignatoriesByYear(ctx, "cccs", bad[0], bad[1]); domain.ErrorCode(err) != domain.EBADINPUT {
			t.Errorf("years %v: %v, want %s", bad, err, domain.EBADINPUT)
		}
	}
}

func TestTimeline(t *testing.T) {
	s := defaultTest(t)
	entries, err := s.Timeline(ctx, date(t, "1970"), date(t, "1979"), nil, true)
	if err != nil || len(entries) != 0 {
		t.Errorf("1970s: %d entries, %v; want none and no error", len(entries), err)
	}
	entries, err = s.Timeline(ctx, date(t, "2019"), date(t, "2019"), []domain.RelKind{"signatory"}, true)
	if err != nil {
		t.Fatal(err)
	}
	var starts []string
	for i, e := range entries {
		if i > 0 && e.Cursor().Compare(entries[i-1].Cursor()) < 0 {
			t.Errorf("entry %d is out of date order", i)
		}
		if e.Type == TimelineStart {
			starts = append(starts, e.Relation.From)
		}
		if e.Type == TimelineEvent && e.Event.Kind != "event" {
			t.Errorf("event entry holds a %s", e.Event.Kind)
		}
	}
	slices.Sort(starts)
	if !slices.Equal(starts, []string{"carsat-sud-est", "commune-tarascon", "msa-provence-azur"}) {
		t.Errorf("signatories joining in 2019 = %v, want Carsat, Tarascon and MSA", starts)
	}
	ends, _ := s.Timeline(ctx, domain.Date{}, domain.Date{}, []domain.RelKind{"holds-office"}, false)
	if len(ends) == 0 || !slices.ContainsFunc(ends, func(e TimelineEntry) bool { return e.Type == TimelineEnd }) {
		t.Errorf("holds-office timeline has no end entries: %d entries", len(ends))
	}
	if _, err := s.Timeline(ctx, date(t, "2020"), date(t, "2019"), nil, true); domain.ErrorCode(err) != domain.EBADINPUT {
		t.Errorf("reversed interval: %v, want %s", err, domain.EBADINPUT)
	}
}

func TestLifetime(t *testing.T) {
	for _, tc := range []struct {
		node     domain.Node
		from, to string
	}{
		{domain.Node{Kind: "event", Fields: map[string]string{"date": "2015"}}, "2015", "2015"},
		{domain.Node{Kind: "agreement", Fields: map[string]string{"signedAt": "2018", "startDate": "2018-01-01", "endDate": "2021-12-31"}}, "2018-01-01", "2021-12-31"},
		{domain.Node{Kind: "amendment", Fields: map[string]string{"signedAt": "2019-06-27", "effectiveFrom": "2019-01-01"}}, "2019-01-01", ""},
		{domain.Node{Kind: "organization"}, "", ""},
	} {
		iv := tc.node.Lifetime()
		if iv.From.String() != tc.from || iv.To.String() != tc.to {
			t.Errorf("%s %v: lifetime %s..%s, want %s..%s", tc.node.Kind, tc.node.Fields, iv.From, iv.To, tc.from, tc.to)
		}
	}
}

// A request's deadline stops reads: a done context ends a walk or a scan
// with its error instead of an answer.
func TestDoneContextStopsReads(t *testing.T) {
	s := defaultTest(t)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Neighborhood(done, "cccs", 3, Walk{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Neighborhood: %v, want context.Canceled", err)
	}
	if _, err := s.NodesOfKind(done, domain.KindOrganization); !errors.Is(err, context.Canceled) {
		t.Errorf("NodesOfKind: %v, want context.Canceled", err)
	}
	if _, err := s.Snapshot(done, domain.Date{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Snapshot: %v, want context.Canceled", err)
	}
	if _, err := s.Timeline(done, domain.Date{}, domain.Date{}, nil, true); !errors.Is(err, context.Canceled) {
		t.Errorf("Timeline: %v, want context.Canceled", err)
	}
	// Past its start, a scan still stops: scanDone looks at the context on its first step.
	if err := s.view(ctx, func(txn *badger.Txn) error {
		_, err := scanEdges(done, txn, []byte{pEdgeOut}, domain.Date{})
		return err
	}); !errors.Is(err, context.Canceled) {
		t.Errorf("scanEdges: %v, want context.Canceled", err)
	}
}

// A walk reads its nodes through the read cache of the version published
// last: a write shows in the next walk, and a walk of an earlier version
// (knownAt) reads that version's nodes.
func TestNeighborhoodNodesFollowWrites(t *testing.T) {
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	name := func(s *Store, id string) string {
		t.Helper()
		g, err := s.Neighborhood(ctx, "caf-13", 1, Walk{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range g.Nodes {
			if n.ID == id {
				return n.Name
			}
		}
		t.Fatalf("%s is not in the neighbourhood of caf-13: %v", id, nodeIDs(g.Nodes))
		return ""
	}
	g, err := s.Neighborhood(ctx, "caf-13", 1, Walk{})
	if err != nil || len(g.Nodes) < 2 {
		t.Fatalf("neighbourhood of caf-13: %v, %v", g, err)
	}
	other := g.Nodes[1]
	before := name(s, other.ID)
	v, _ := s.DataVersion(ctx)
	if _, err := s.UpdateNode(ctx, other.ID, other.Version, func(n *domain.Node) error { n.Name += " (renamed)"; return nil }, Meta{Actor: "caf", Reason: "test", Sources: other.Sources}); err != nil {
		t.Fatal(err)
	}
	if got := name(s, other.ID); got != before+" (renamed)" {
		t.Errorf("after the rename, the walk reads %q", got)
	}
	if got := name(s.At(v), other.ID); got != before {
		t.Errorf("as known before the rename, the walk reads %q, want %q", got, before)
	}
}

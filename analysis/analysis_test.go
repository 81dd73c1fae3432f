package analysis

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// snapshot builds a network of organizations joined by partner relations
// ("a-b" is a relation from a to b).
func snapshot(ids []string, edges ...[2]string) *store.Snapshot {
	snap := &store.Snapshot{}
	for _, id := range ids {
		snap.Nodes = append(snap.Nodes, &domain.Node{ID: id, Kind: "organization", Name: id})
	}
	for _, e := range edges {
		snap.Relations = append(snap.Relations, &domain.Relation{Kind: "member-of", From: e[0], To: e[1]})
	}
	return snap
}

func scores(t *testing.T, snap *store.Snapshot, m Measure) map[string]Score {
	t.Helper()
	r, err := NewNetwork(snap, nil).centrality(context.Background(), m, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Score{}
	for _, s := range r.Scores {
		out[s.Node.ID] = s
	}
	return out
}

// TestCentralityOfAPath checks the four measures on the path a - b - c (and
// a parallel relation and a reversed one, which the network reads as the
// same edge), against the values NetworkX gives for nx.path_graph(3).
func TestCentralityOfAPath(t *testing.T) {
	snap := snapshot([]string{"a", "b", "c"}, [2]string{"a", "b"}, [2]string{"b", "a"}, [2]string{"c", "b"})
	want := map[Measure]map[string]float64{
		Degree:      {"a": 1, "b": 2, "c": 1},
		Betweenness: {"a": 0, "b": 1, "c": 0},
		Closeness:   {"a": 2.0 / 3, "b": 1, "c": 2.0 / 3},
		PageRank:    {"a": 0.2567567, "b": 0.4864865, "c": 0.2567567},
	}
	for m, w := range want {
		got := scores(t, snap, m)
		for id, v := range w {
			if math.Abs(got[id].Score-v) > 1e-6 {
				t.Errorf("%s of %s = %v, want %v", m, id, got[id].Score, v)
			}
		}
		if got["b"].Rank != 1 || got["a"].Rank != 2 || got["c"].Rank != 2 {
			t.Errorf("%s ranks: b %d, a %d, c %d; want 1, 2, 2 (a tie shares its rank)", m, got["b"].Rank, got["a"].Rank, got["c"].Rank)
		}
	}
}

// TestClosenessOfComponents: a node of a small component is scaled down by
// the share of the network it reaches; an isolated node scores 0.
func TestClosenessOfComponents(t *testing.T) {
	snap := snapshot([]string{"a", "b", "c", "d", "e"}, [2]string{"a", "b"}, [2]string{"b", "c"}, [2]string{"d", "e"})
	got := scores(t, snap, Closeness)
	// b reaches 2 of 4 others at distance 1: (2/2) * (2/4).
	if got["b"].Score != 0.5 || got["d"].Score != 0.25 {
		t.Errorf("closeness b = %v, d = %v; want 0.5 and 0.25", got["b"].Score, got["d"].Score)
	}
	lone := snapshot([]string{"a", "z"}, [2]string{"a", "a"})
	if got := scores(t, lone, Closeness); got["a"].Score != 0 || got["z"].Score != 0 {
		t.Errorf("closeness without edges = %v, want 0", got)
	}
}

// TestCommunitiesOfTwoTriangles: two triangles joined by one relation are two
// communities, with Newman's modularity 2 (3/7 - (7/14)^2).
func TestCommunitiesOfTwoTriangles(t *testing.T) {
	snap := snapshot([]string{"a", "b", "c", "d", "e", "f", "lone"},
		[2]string{"a", "b"}, [2]string{"b", "c"}, [2]string{"c", "a"},
		[2]string{"d", "e"}, [2]string{"e", "f"}, [2]string{"f", "d"}, [2]string{"c", "d"})
	for range 3 { // the same answer every time
		p, err := NewNetwork(snap, nil).communities(context.Background(), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Communities) != 3 || math.Abs(p.Modularity-0.357143) > 1e-6 {
			t.Fatalf("%d communities, modularity %v; want 3 (two triangles and the lone node) and 0.357143", len(p.Communities), p.Modularity)
		}
		var first []string
		for _, n := range p.Communities[0].Nodes {
			first = append(first, n.ID)
		}
		if len(first) != 3 || first[0] != "a" || len(p.Communities[2].Nodes) != 1 || p.Communities[2].Nodes[0].ID != "lone" {
			t.Errorf("communities %v ... %v, want a, b, c first and lone last", first, p.Communities[2].Nodes[0].ID)
		}
	}
	empty, err := NewNetwork(snapshot([]string{"x", "y"}), nil).communities(context.Background(), DefaultLimits)
	if err != nil || len(empty.Communities) != 2 || empty.Modularity != 0 {
		t.Errorf("without edges: %+v, %v; want two singletons, modularity 0", empty, err)
	}
}

// TestLimits: a network over the limits is refused before any work, with
// the code of a query too costly; a cancelled context stops the walks.
func TestLimits(t *testing.T) {
	snap := snapshot([]string{"a", "b", "c"}, [2]string{"a", "b"}, [2]string{"b", "c"})
	n := NewNetwork(snap, nil)
	for _, m := range Measures[1:] {
		_, err := n.centrality(context.Background(), m, Limits{MaxNodes: 2})
		if domain.ErrorCode(err) != domain.ECOMPLEXITY {
			t.Errorf("%s over MaxNodes: %v, want %s", m, err, domain.ECOMPLEXITY)
		}
	}
	if _, err := n.centrality(context.Background(), Betweenness, Limits{MaxPathWork: 10}); domain.ErrorCode(err) != domain.ECOMPLEXITY {
		t.Errorf("betweenness over MaxPathWork: %v", err)
	}
	if _, err := n.communities(context.Background(), Limits{MaxNodes: 2}); domain.ErrorCode(err) != domain.ECOMPLEXITY {
		t.Errorf("communities over MaxNodes: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := n.centrality(ctx, Closeness, DefaultLimits); !errors.Is(err, context.Canceled) {
		t.Errorf("closeness with a cancelled context: %v", err)
	}
	if _, err := n.centrality(context.Background(), "eigen", DefaultLimits); domain.ErrorCode(err) != domain.EBADINPUT {
		t.Errorf("unknown measure: %v", err)
	}
}

// TestNetworkOfKinds: kinds keep their relations and the nodes at their ends.
func TestNetworkOfKinds(t *testing.T) {
	snap := snapshot([]string{"a", "b", "c", "d"}, [2]string{"a", "b"}, [2]string{"a", "b"}, [2]string{"b", "c"})
	snap.Relations[2].Kind = "signatory"
	if n := NewNetwork(snap, nil); n.Order() != 4 || n.Size() != 2 {
		t.Errorf("whole network: %d nodes, %d edges; want 4 and 2 (parallel relations once, d isolated)", n.Order(), n.Size())
	}
	if n := NewNetwork(snap, []domain.RelKind{"signatory"}); n.Order() != 2 || n.Size() != 1 {
		t.Errorf("signatory network: %d nodes, %d edges; want 2 and 1", n.Order(), n.Size())
	}
}

// TestDiff compares two snapshots: a relation started, one ended, one
// changed its record, one unchanged; nodes appeared and disappeared.
func TestDiff(t *testing.T) {
	y := func(s string) domain.Date { d, _ := domain.ParseDate(s); return d }
	before := snapshot([]string{"a", "b", "c", "old"}, [2]string{"a", "b"}, [2]string{"b", "c"}, [2]string{"old", "a"})
	after := snapshot([]string{"a", "b", "c", "new"}, [2]string{"a", "b"}, [2]string{"b", "c"}, [2]string{"new", "a"})
	before.AsOf, after.AsOf = y("2015"), y("2019")
	after.Relations[1].ValidFrom = y("2018") // b-c renewed
	d := diffOf(before, after)
	if len(d.Relations) != 1 {
		t.Fatalf("%d kinds changed, want 1: %+v", len(d.Relations), d.Relations)
	}
	g := d.Relations[0]
	if len(g.Started) != 1 || g.Started[0].From != "new" || len(g.Ended) != 1 || g.Ended[0].From != "old" ||
		len(g.Changed) != 1 || g.Changed[0].After.ValidFrom != y("2018") {
		t.Errorf("started %v, ended %v, changed %v", g.Started, g.Ended, g.Changed)
	}
	if len(d.Nodes) != 1 || d.Nodes[0].Appeared[0].ID != "new" || d.Nodes[0].Disappeared[0].ID != "old" {
		t.Errorf("nodes %+v", d.Nodes)
	}
}

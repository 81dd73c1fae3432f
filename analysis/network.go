// Package analysis answers an analyst's questions about the network at a
// date: how central each node is, which communities it falls into, and what
// changed between two dates. The graph algorithms are gonum's; this package
// chooses the graph they run on and says what their numbers mean
// (docs/analysts.md). It reads the network through Source, so it knows
// nothing of how the store keeps it.
package analysis

import (
	"context"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// Source is what the analyses read: the network at a date. *store.Store is one.
type Source interface {
	// Snapshot returns the nodes that exist at asOf and the relations in
	// force then between two of them (everything when asOf is zero); the
	// context's error when it ends first.
	Snapshot(ctx context.Context, asOf domain.Date) (*store.Snapshot, error)
}

// Network is the graph an analysis runs on: the snapshot at a date reduced
// to some relation kinds (store.Snapshot.OfKinds), read as a simple
// undirected graph. Relations are partnerships, not flows, so direction is
// dropped, parallel relations between two nodes count once and a relation
// of a node to itself not at all.
type Network struct {
	Snap *store.Snapshot
	g    *undirected
}

// NewNetwork builds the network of the relations of kinds (all when empty)
// in snap.
func NewNetwork(snap *store.Snapshot, kinds []domain.RelKind) *Network {
	sub := snap.OfKinds(kinds)
	index := make(map[string]int64, len(sub.Nodes))
	for i, n := range sub.Nodes {
		index[n.ID] = int64(i)
	}
	adj := make([][]int64, len(sub.Nodes))
	for _, r := range sub.Relations {
		u, v := index[r.From], index[r.To]
		if u != v {
			adj[u], adj[v] = append(adj[u], v), append(adj[v], u)
		}
	}
	return &Network{Snap: sub, g: newUndirected(adj)}
}

// Order is the number of nodes; Size the number of distinct pairs of
// neighbours (the edges of the simple graph).
func (n *Network) Order() int { return len(n.g.from) }

// Size is the number of edges of the simple undirected graph.
func (n *Network) Size() int { return n.g.edges }

// undirected is a simple undirected graph on the nodes 0..n-1 with sorted
// neighbour lists, so that every gonum algorithm sees the same order on
// every run (gonum's simple graphs iterate maps). It also reads as a
// directed graph with both arcs of each edge, for PageRank.
type undirected struct {
	from  [][]graph.Node
	edges int
}

func newUndirected(adj [][]int64) *undirected {
	g := &undirected{from: make([][]graph.Node, len(adj))}
	for u, vs := range adj {
		slices.Sort(vs)
		vs = slices.Compact(vs)
		g.edges += len(vs)
		g.from[u] = make([]graph.Node, len(vs))
		for i, v := range vs {
			g.from[u][i] = simple.Node(v)
		}
	}
	g.edges /= 2
	return g
}

func (g *undirected) has(id int64) bool { return id >= 0 && id < int64(len(g.from)) }

func (g *undirected) Node(id int64) graph.Node {
	if !g.has(id) {
		return nil
	}
	return simple.Node(id)
}

func (g *undirected) Nodes() graph.Nodes {
	nodes := make([]graph.Node, len(g.from))
	for i := range nodes {
		nodes[i] = simple.Node(i)
	}
	return iterator.NewOrderedNodes(nodes)
}

func (g *undirected) From(id int64) graph.Nodes {
	if !g.has(id) {
		return graph.Empty
	}
	return iterator.NewOrderedNodes(g.from[id])
}

func (g *undirected) To(id int64) graph.Nodes { return g.From(id) }

func (g *undirected) HasEdgeBetween(x, y int64) bool {
	if !g.has(x) || !g.has(y) {
		return false
	}
	_, found := slices.BinarySearchFunc(g.from[x], y, func(n graph.Node, id int64) int {
		return int(n.ID() - id)
	})
	return found
}

func (g *undirected) HasEdgeFromTo(u, v int64) bool { return g.HasEdgeBetween(u, v) }

func (g *undirected) Edge(u, v int64) graph.Edge {
	if !g.HasEdgeBetween(u, v) {
		return nil
	}
	return simple.Edge{F: simple.Node(u), T: simple.Node(v)}
}

func (g *undirected) EdgeBetween(x, y int64) graph.Edge { return g.Edge(x, y) }

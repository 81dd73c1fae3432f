package analysis

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"

	"github.com/cccs13/cccs-graph/domain"
)

// louvainSeed fixes the order in which Louvain visits the nodes, so that the
// same network always gets the same communities.
const louvainSeed = 1994

// Community is a group of nodes more linked among themselves than to the
// rest, in the order of the snapshot (kind, then id).
type Community struct {
	Nodes []*domain.Node
}

// Partition is the network cut into communities, the largest first (ties by
// their first node's id); every node is in exactly one, a node without
// relations alone in its own.
type Partition struct {
	// Modularity is Newman's Q of the partition at resolution 1: the share
	// of edges inside communities minus the share expected at random.
	Modularity  float64
	Communities []Community
}

// communities runs gonum's Louvain modularity optimisation. Returns the
// errors of the limits.
func (n *Network) communities(ctx context.Context, lim Limits) (*Partition, error) {
	if err := lim.checkSize(n); err != nil {
		return nil, err
	}
	p := &Partition{Communities: []Community{}}
	var groups [][]graph.Node
	if n.Size() == 0 { // no edge: Q is undefined, every node is alone
		for _, node := range graph.NodesOf(n.g.Nodes()) {
			groups = append(groups, []graph.Node{node})
		}
	} else {
		err := bounded(ctx, func() {
			reduced := community.Modularize(n.g, 1, rand.NewPCG(louvainSeed, louvainSeed))
			groups = reduced.Communities()
			p.Modularity = round(community.Q(n.g, groups, 1))
		})
		if err != nil {
			return nil, err
		}
	}
	for _, g := range groups {
		c := Community{Nodes: make([]*domain.Node, len(g))}
		slices.SortFunc(g, func(a, b graph.Node) int { return cmp.Compare(a.ID(), b.ID()) })
		for i, node := range g {
			c.Nodes[i] = n.Snap.Nodes[node.ID()]
		}
		p.Communities = append(p.Communities, c)
	}
	slices.SortFunc(p.Communities, func(a, b Community) int {
		return cmp.Or(cmp.Compare(len(b.Nodes), len(a.Nodes)), cmp.Compare(a.Nodes[0].ID, b.Nodes[0].ID))
	})
	return p, nil
}

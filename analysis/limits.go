package analysis

import (
	"context"
	"fmt"

	"github.com/cccs13/cccs-graph/domain"
)

// Limits bound the work of one analysis. gonum's algorithms take no
// context, so their size is bounded before they start; the loops of this
// package check the context as they go.
type Limits struct {
	// MaxNodes is the largest network analysed at all.
	MaxNodes int
	// MaxPathWork bounds nodes times edges for the measures that walk from
	// every node (betweenness, closeness): their cost grows as that product.
	MaxPathWork int
}

// DefaultLimits: betweenness walked the seeds' dataset (282 nodes, 513
// edges: work 220,000) in 20 to 50 ms and ten times it (work 9.7 million)
// in 1.7 to 4 s on these shared machines; with the facilities (514 nodes,
// 866 edges) the whole network is work 710,000, so the limit takes about
// four times it. Communities of 50,000 nodes take a few seconds, PageRank
// less.
var DefaultLimits = Limits{MaxNodes: 50_000, MaxPathWork: 12_000_000}

// NoLimits are for benchmarks.
var NoLimits = Limits{}

// checkSize returns ECOMPLEXITY when the network has more nodes than allowed.
func (l Limits) checkSize(n *Network) error {
	if l.MaxNodes > 0 && n.Order() > l.MaxNodes {
		return domain.Errorf(domain.ECOMPLEXITY, "the network has %d nodes, more than the %d analysed: choose relation kinds or a date", n.Order(), l.MaxNodes)
	}
	return nil
}

// checkPaths returns ECOMPLEXITY when walking from every node would cost
// more than allowed.
func (l Limits) checkPaths(n *Network) error {
	if err := l.checkSize(n); err != nil {
		return err
	}
	if work := n.Order() * (n.Order() + n.Size()); l.MaxPathWork > 0 && work > l.MaxPathWork {
		return domain.Errorf(domain.ECOMPLEXITY, "the network has %d nodes and %d edges: walking from each node costs %d steps, more than the %d allowed: choose relation kinds or a date", n.Order(), n.Size(), work, l.MaxPathWork)
	}
	return nil
}

// bounded runs f, which cannot be interrupted, and returns when it is done
// or when ctx ends; f then runs on to its end, which the limits bound.
func bounded(ctx context.Context, f func()) error {
	done := make(chan struct{})
	var panicked any
	go func() {
		defer close(done)
		defer func() { panicked = recover() }()
		f()
	}()
	select {
	case <-done:
		if panicked != nil {
			return fmt.Errorf("analysis: %v", panicked)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

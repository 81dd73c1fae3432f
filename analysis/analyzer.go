package analysis

import (
	"context"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// Analyzer runs the analyses on the networks a Source gives.
type Analyzer struct {
	src Source
	lim Limits
}

// New returns an Analyzer reading src within lim.
func New(src Source, lim Limits) *Analyzer { return &Analyzer{src: src, lim: lim} }

// Network reads the network of kinds (all when empty) at asOf (all time
// when zero).
func (a *Analyzer) Network(ctx context.Context, asOf domain.Date, kinds []domain.RelKind) (*Network, error) {
	snap, err := a.src.Snapshot(ctx, asOf)
	if err != nil {
		return nil, err
	}
	return NewNetwork(snap, kinds), nil
}

// snapshot reads the snapshot of kinds at asOf, as the Network holds it.
func (a *Analyzer) snapshot(ctx context.Context, asOf domain.Date, kinds []domain.RelKind) (*store.Snapshot, error) {
	snap, err := a.src.Snapshot(ctx, asOf)
	if err != nil {
		return nil, err
	}
	return snap.OfKinds(kinds), nil
}

// Centrality ranks the nodes of the network at asOf by a measure. Returns
// EBADINPUT for an unknown measure, ECOMPLEXITY beyond the limits.
func (a *Analyzer) Centrality(ctx context.Context, m Measure, asOf domain.Date, kinds []domain.RelKind) (*Ranking, error) {
	n, err := a.Network(ctx, asOf, kinds)
	if err != nil {
		return nil, err
	}
	return n.centrality(ctx, m, a.lim)
}

// Communities cuts the network at asOf into communities. Returns
// ECOMPLEXITY beyond the limits.
func (a *Analyzer) Communities(ctx context.Context, asOf domain.Date, kinds []domain.RelKind) (*Partition, error) {
	n, err := a.Network(ctx, asOf, kinds)
	if err != nil {
		return nil, err
	}
	return n.communities(ctx, a.lim)
}

// Diff compares the network of kinds at two dates. Returns EBADINPUT when
// a date is missing.
func (a *Analyzer) Diff(ctx context.Context, from, to domain.Date, kinds []domain.RelKind) (*Diff, error) {
	if from.IsZero() || to.IsZero() {
		return nil, domain.Errorf(domain.EBADINPUT, "diff compares two dates: give both from and to")
	}
	before, err := a.snapshot(ctx, from, kinds)
	if err != nil {
		return nil, err
	}
	after, err := a.snapshot(ctx, to, kinds)
	if err != nil {
		return nil, err
	}
	return diffOf(before, after), nil
}

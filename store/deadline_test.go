package store

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

// expiring is a context whose deadline passes after its Err has been asked
// a number of times: a deadline that falls in the middle of a walk, without
// a clock.
type expiring struct {
	context.Context
	left  atomic.Int64
	asked atomic.Int64
}

func expiringAfter(n int64) *expiring {
	c := &expiring{Context: context.Background()}
	c.left.Store(n)
	return c
}

func (c *expiring) Err() error {
	c.asked.Add(1)
	if c.left.Add(-1) < 0 {
		return context.DeadlineExceeded
	}
	return nil
}

// TestWalksStopAtTheDeadline: on the real store with the default dataset,
// the walks and scans look at their context inside their loops, not only
// before they start: a deadline that passes after the first look stops
// them with the context's error.
func TestWalksStopAtTheDeadline(t *testing.T) {
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	walks := map[string]func(context.Context) error{
		"neighborhood": func(ctx context.Context) error {
			_, err := s.Neighborhood(ctx, "cccs", 3, Walk{})
			return err
		},
		"shortest path": func(ctx context.Context) error {
			_, _, err := s.ShortestPath(ctx, "msa-provence-azur", "ucs-13", MaxPathDepth, Walk{})
			return err
		},
		"snapshot (stats)": func(ctx context.Context) error {
			_, err := s.Snapshot(ctx, domain.Date{})
			return err
		},
		"timeline": func(ctx context.Context) error {
			_, err := s.Timeline(ctx, domain.Date{}, domain.Date{}, nil, true)
			return err
		},
		"nodes of a kind": func(ctx context.Context) error {
			_, err := s.NodesOfKind(ctx, domain.KindOrganization)
			return err
		},
	}
	for name, walk := range walks {
		t.Run(name, func(t *testing.T) {
			full := expiringAfter(1 << 40)
			if err := walk(full); err != nil {
				t.Fatalf("without a deadline: %v", err)
			}
			if full.asked.Load() < 2 {
				t.Fatalf("the walk looks at its context %d time(s): only before it starts", full.asked.Load())
			}
			if err := walk(expiringAfter(1)); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("deadline after the first look: %v, want context.DeadlineExceeded", err)
			}
		})
	}
}

package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// MaxYears bounds a yearly series.
const MaxYears = 200

// FrameworkID is the id of the Convention Cadre itself, the agreement every
// signatory relation points to.
const FrameworkID = "cccs"

// YearCount is one point of a yearly series: how many signatories were in
// force at any time of the year, and how many on its last day.
type YearCount struct {
	Year, Count, AtYearEnd int
}

// SignatoriesByYear counts, for each year from first to last (both
// included), the distinct organizations that are signatories of agreement.
// first 0 means the year of the earliest signatory relation, last 0 the
// current year. Returns EBADINPUT when last is before first or the series is
// longer than MaxYears.
func (s *Store) SignatoriesByYear(ctx context.Context, agreement string, first, last int) ([]YearCount, error) {
	rels, err := s.Relations(ctx, []RelQuery{{ID: agreement, Dir: domain.In, Kinds: []domain.RelKind{domain.RelSignatory}}})
	if err != nil {
		return nil, err
	}
	if first == 0 {
		first = earliestYear(rels[0])
	}
	if last == 0 {
		last = time.Now().Year()
	}
	if last < first || last-first >= MaxYears {
		return nil, domain.Errorf(domain.EBADINPUT, "a series runs from a year to a later one, at most %d years: not %d to %d", MaxYears, first, last)
	}
	out := make([]YearCount, 0, last-first+1)
	for y := first; y <= last; y++ {
		year, yearEnd := domain.Date{Y: y, Precision: domain.Year}, domain.Date{Y: y, M: 12, D: 31, Precision: domain.Day}
		out = append(out, YearCount{Year: y, Count: countFrom(rels[0], year), AtYearEnd: countFrom(rels[0], yearEnd)})
	}
	return out, nil
}

// earliestYear is the year the earliest relation starts, this year if none has a start.
func earliestYear(rels []*domain.Relation) int {
	y := time.Now().Year()
	for _, r := range rels {
		if !r.ValidFrom.IsZero() {
			y = min(y, r.ValidFrom.Y)
		}
	}
	return y
}

// countFrom counts the distinct From nodes of the relations in force during asOf.
func countFrom(rels []*domain.Relation, asOf domain.Date) int {
	seen := map[string]bool{}
	for _, r := range rels {
		if r.InForce(asOf) {
			seen[r.From] = true
		}
	}
	return len(seen)
}

// TimelineType says what a timeline entry records.
type TimelineType uint8

// Timeline entry types, in the order entries of the same date come.
const (
	TimelineEvent TimelineType = iota + 1
	TimelineStart
	TimelineEnd
)

// TimelineEntry is a dated step: an event, or the start or end of a relation.
type TimelineEntry struct {
	Date     domain.Date
	Type     TimelineType
	Event    *domain.Node     // TimelineEvent
	Relation *domain.Relation // TimelineStart, TimelineEnd
}

// Cursor orders entries by their first day, coarser dates first (a year
// before the days in it), then type, then event or relation id.
func (e TimelineEntry) Cursor() Cursor {
	var id string
	if e.Event != nil {
		id = e.Event.ID
	} else {
		id = domain.RelationID(e.Relation)
	}
	return Cursor{Key: fmt.Sprintf("%s|%d|%d", e.Date.First().Format(time.DateOnly), e.Date.Precision, e.Type), ID: id}
}

// Timeline returns the events dated within [from, to] (either may be zero:
// open), when events is true, and the starts and ends of relations of some
// kinds (all when empty) within it, in date order. An entry is within when
// its date meets the interval: "2015" is within from 2015-06-01. Returns
// EBADINPUT when to is before from or for an unknown relation kind.
func (s *Store) Timeline(ctx context.Context, from, to domain.Date, kinds []domain.RelKind, events bool) ([]TimelineEntry, error) {
	span := domain.Interval{From: from, To: to}
	if !from.IsZero() && !to.IsZero() && to.Last().Before(from.First()) {
		return nil, domain.Errorf(domain.EBADINPUT, "the timeline ends (%s) before it starts (%s)", to, from)
	}
	for _, k := range kinds {
		if _, ok := relKindCode(k); !ok {
			return nil, domain.Errorf(domain.EBADINPUT, "unknown relation kind %q", k)
		}
	}
	var out []TimelineEntry
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		if events {
			if out, err = eventEntries(ctx, txn, span); err != nil {
				return err
			}
		}
		rels, err := scanEdges(ctx, txn, []byte{pEdgeOut}, domain.Date{})
		for _, r := range rels {
			if len(kinds) == 0 || slices.Contains(kinds, r.Kind) {
				out = append(out, relationEntries(r, span)...)
			}
		}
		return err
	})
	sortByCursor(out, TimelineEntry.Cursor)
	return out, err
}

// keyed is an item with its cursor.
type keyed[T any] struct {
	c    Cursor
	item T
}

// sortByCursor sorts items by their cursors, computing each cursor once.
func sortByCursor[T any](items []T, cursor func(T) Cursor) {
	ks := make([]keyed[T], len(items))
	for i, it := range items {
		ks[i] = keyed[T]{cursor(it), it}
	}
	slices.SortFunc(ks, func(a, b keyed[T]) int { return a.c.Compare(b.c) })
	for i := range ks {
		items[i] = ks[i].item
	}
}

// within reports whether a date meets the span.
func within(d domain.Date, span domain.Interval) bool {
	return !d.IsZero() && span.Meets(domain.Interval{From: d, To: d})
}

func eventEntries(ctx context.Context, txn *badger.Txn, span domain.Interval) ([]TimelineEntry, error) {
	kc, _ := kindCode(domain.KindEvent)
	prefix := kindPrefix(kc)
	var out []TimelineEntry
	err := scanKeys(ctx, txn, prefix, func(key []byte) error {
		var n domain.Node
		if err := getNode(txn, string(key[len(prefix):]), &n); err != nil {
			return err
		}
		// An event dated by a period is in a span it meets.
		if d := n.DateField("date"); !d.IsZero() && n.Lifetime().Meets(span) {
			out = append(out, TimelineEntry{Date: d, Type: TimelineEvent, Event: &n})
		}
		return nil
	})
	return out, err
}

func relationEntries(r *domain.Relation, span domain.Interval) []TimelineEntry {
	var out []TimelineEntry
	if within(r.ValidFrom, span) {
		out = append(out, TimelineEntry{Date: r.ValidFrom, Type: TimelineStart, Relation: r})
	}
	if within(r.ValidTo, span) {
		out = append(out, TimelineEntry{Date: r.ValidTo, Type: TimelineEnd, Relation: r})
	}
	return out
}

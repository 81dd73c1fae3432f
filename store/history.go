package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// Change is one entry of the edit history: what one write did to one node
// or relation, who did it, when, why, and on which sources.
type Change struct {
	Version   uint64            `json:"version"` // the data version the write produced
	Seq       uint32            `json:"seq"`     // its place among the changes of that version
	At        time.Time         `json:"at"`      // when it was recorded (UTC)
	Actor     string            `json:"actor"`   // the token's name, or import, cli
	Operation string            `json:"operation"`
	Target    Target            `json:"target"`
	Kinds     []domain.Kind     `json:"kinds"`            // the kinds of the nodes it touches (a relation: both ends)
	Before    json.RawMessage   `json:"before,omitempty"` // the record before, with its version; none for a creation
	After     json.RawMessage   `json:"after,omitempty"`  // the record after, with its version; none for a deletion
	Reason    string            `json:"reason,omitempty"`
	Sources   []domain.Citation `json:"sources,omitempty"`
}

// Target names what a change is about.
type Target struct {
	Type string `json:"type"` // TargetNode or TargetRelation
	ID   string `json:"id"`   // a node id, or a relation id (domain.RelationID)
}

// Target types.
const (
	TargetNode     = "node"
	TargetRelation = "relation"
)

// Operations a change records.
const (
	OpCreateNode     = "create-node"
	OpUpdateNode     = "update-node"
	OpDeleteNode     = "delete-node"
	OpAddRelation    = "add-relation"
	OpUpdateRelation = "update-relation"
	OpEndRelation    = "end-relation"
	OpDeleteRelation = "delete-relation"
)

func changeKey(v uint64, seq uint32) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64([]byte{pChange}, v), seq)
}

func historyPrefix(t Target) []byte {
	typ := byte('n')
	if t.Type == TargetRelation {
		typ = 'r'
	}
	return keyWriter{pHistory}.byte1(typ).lp(t.ID)
}

func historyKey(t Target, v uint64, seq uint32) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(historyPrefix(t), v), seq)
}

// recordJSON is a record as a change shows it: its stored form with the
// version the change gave it.
func recordJSON(rec any, version uint64) json.RawMessage {
	b, _ := json.Marshal(rec) // stored records always marshal
	var m map[string]any
	json.Unmarshal(b, &m)
	m["version"] = version
	b, _ = json.Marshal(m)
	return b
}

// changeLog collects the changes of one write.
type changeLog struct {
	v       uint64
	at      time.Time
	meta    Meta
	changes []*Change
}

// Meta is who makes a write, why, and on which sources.
type Meta struct {
	Actor   string
	Reason  string
	Sources []domain.Citation
}

// add records a change; before and after are nil for a creation and a
// deletion, and carry their versions.
func (l *changeLog) add(op string, t Target, kinds []domain.Kind, before, after json.RawMessage) *Change {
	c := &Change{Version: l.v, Seq: uint32(len(l.changes)), At: l.at, Actor: l.meta.Actor, Operation: op,
		Target: t, Kinds: slices.Compact(slices.Clone(kinds)), Before: before, After: after,
		Reason: l.meta.Reason, Sources: l.meta.Sources}
	l.changes = append(l.changes, c)
	return c
}

// putChange writes a change and its history index entry.
func putChange(txn *badger.Txn, c *Change) error {
	val, err := encode(c)
	if err != nil {
		return err
	}
	if err := txn.Set(changeKey(c.Version, c.Seq), val); err != nil {
		return err
	}
	return txn.Set(historyKey(c.Target, c.Version, c.Seq), nil)
}

// History returns the changes of one node or relation, oldest first.
func (s *Store) History(ctx context.Context, t Target) ([]*Change, error) {
	var out []*Change
	err := s.view(ctx, func(txn *badger.Txn) error {
		prefix := historyPrefix(t)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()[len(prefix):]
			c, err := getChange(txn, binary.BigEndian.Uint64(k), binary.BigEndian.Uint32(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

func getChange(txn *badger.Txn, v uint64, seq uint32) (*Change, error) {
	item, err := txn.Get(changeKey(v, seq))
	if err != nil {
		return nil, fmt.Errorf("change %d.%d: %w", v, seq, err)
	}
	var c Change
	return &c, item.Value(func(b []byte) error { return decode(b, &c) })
}

// ChangeQuery selects changes of the whole graph.
type ChangeQuery struct {
	Since, Until time.Time     // either may be zero: open
	Actor        string        // "" for any
	Kinds        []domain.Kind // empty for any: else changes touching a node of one of them
}

// maxChangesScanned bounds the changes one query reads.
const maxChangesScanned = 1_000_000

// Changes returns the changes matching q, oldest first. A time window reads
// only the versions recorded in it (versions follow time).
func (s *Store) Changes(ctx context.Context, q ChangeQuery) ([]*Change, error) {
	var from, to uint64 = 0, math.MaxUint64
	var err error
	if !q.Since.IsZero() {
		if from, err = s.VersionAt(ctx, q.Since.Add(-time.Nanosecond)); err != nil {
			return nil, err
		}
		from++ // the first version recorded at or after Since
	}
	if !q.Until.IsZero() {
		if to, err = s.VersionAt(ctx, q.Until); err != nil {
			return nil, err
		}
	}
	var out []*Change
	err = s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pChange}, PrefetchValues: true})
		defer it.Close()
		n := 0
		for it.Seek(changeKey(from, 0)); it.Valid() && n < maxChangesScanned; it.Next() {
			if binary.BigEndian.Uint64(it.Item().Key()[1:]) > to {
				break
			}
			if err := scanDone(ctx, n); err != nil {
				return err
			}
			n++
			var c Change
			if err := it.Item().Value(func(b []byte) error { return decode(b, &c) }); err != nil {
				return err
			}
			if q.matches(&c) {
				out = append(out, &c)
			}
		}
		return nil
	})
	return out, err
}

func (q ChangeQuery) matches(c *Change) bool {
	switch {
	case !q.Since.IsZero() && c.At.Before(q.Since), !q.Until.IsZero() && c.At.After(q.Until):
		return false
	case q.Actor != "" && c.Actor != q.Actor:
		return false
	case len(q.Kinds) > 0 && !slices.ContainsFunc(c.Kinds, func(k domain.Kind) bool { return slices.Contains(q.Kinds, k) }):
		return false
	}
	return true
}

// ChangeCursor orders changes by version then sequence.
func ChangeCursor(c *Change) Cursor {
	return Cursor{Key: fmt.Sprintf("%020d", c.Version), ID: fmt.Sprintf("%010d", c.Seq)}
}

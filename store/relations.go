package store

import (
	"github.com/dgraph-io/badger/v4"
)

// Direction is the side of a node a relation is read from.
type Direction uint8

// Directions: Out reads relations whose From is the node, In those whose To is.
const (
	Out Direction = iota + 1
	In
	Both
)

// RelQuery selects relations of one node.
type RelQuery struct {
	ID    string
	Dir   Direction
	Kinds []RelKind // empty: all kinds
	AsOf  Date      // zero: any time
}

// Relations returns, for each query, the matching relations in key order
// (kind, then other end, then validFrom), all in one read transaction.
// Returns EBADINPUT for an unknown relation kind.
func (s *Store) Relations(qs []RelQuery) ([][]*Relation, error) {
	out := make([][]*Relation, len(qs))
	err := s.view(func(txn *badger.Txn) error {
		for i, q := range qs {
			rels, err := relations(txn, q)
			if err != nil {
				return err
			}
			out[i] = rels
		}
		return nil
	})
	return out, err
}

func relations(txn *badger.Txn, q RelQuery) ([]*Relation, error) {
	return relationsTo(txn, q, nil)
}

// relationsTo is relations keeping only those whose other end passes keep
// (every one when keep is nil). The other end is read from the key, so the
// values of the relations left out are never decoded.
func relationsTo(txn *badger.Txn, q RelQuery, keep func(other string) bool) ([]*Relation, error) {
	var codes []byte
	for _, k := range q.Kinds {
		c, ok := relKindCode(k)
		if !ok {
			return nil, Errorf(EBADINPUT, "unknown relation kind %q", k)
		}
		codes = append(codes, c)
	}
	if len(codes) == 0 {
		codes = []byte{0}
	}
	var out []*Relation
	for _, dir := range []Direction{Out, In} {
		if q.Dir != Both && q.Dir != dir {
			continue
		}
		for _, c := range codes {
			rels, err := scanEdgesTo(txn, edgePrefix(dir, q.ID, c), q.AsOf, keep)
			if err != nil {
				return nil, err
			}
			out = append(out, rels...)
		}
	}
	return out, nil
}

func scanEdges(txn *badger.Txn, prefix []byte, asOf Date) ([]*Relation, error) {
	return scanEdgesTo(txn, prefix, asOf, nil)
}

// scanEdgesTo is scanEdges keeping the edges whose other end passes keep
// (all when nil), decided on the key alone.
func scanEdgesTo(txn *badger.Txn, prefix []byte, asOf Date, keep func(other string) bool) ([]*Relation, error) {
	var out []*Relation
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: keep == nil, PrefetchSize: 32})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if keep != nil {
			k, err := ParseKey(it.Item().Key())
			if err != nil {
				return nil, err
			}
			if !keep(k.Other) {
				continue
			}
		}
		var r Relation
		if err := it.Item().Value(func(b []byte) error { return decode(b, &r) }); err != nil {
			return nil, err
		}
		if r.InForce(asOf) {
			out = append(out, &r)
		}
	}
	return out, nil
}

// AllRelations returns every relation, in the order of its out key.
func (s *Store) AllRelations() ([]*Relation, error) {
	var out []*Relation
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = scanEdges(txn, []byte{pEdgeOut}, Date{})
		return err
	})
	return out, err
}

// putRelation writes a relation both ways. Reports whether anything changed.
func putRelation(txn *badger.Txn, r *Relation) (bool, error) {
	val, err := encode(r)
	if err != nil {
		return false, err
	}
	out, in := edgeKeys(r)
	item, err := txn.Get(out)
	if err == nil {
		same := false
		if err := item.Value(func(b []byte) error { same = string(b) == string(val); return nil }); err != nil {
			return false, err
		}
		if same {
			return false, nil
		}
	} else if err != badger.ErrKeyNotFound {
		return false, err
	}
	if err := txn.Set(out, val); err != nil {
		return false, err
	}
	return true, txn.Set(in, val)
}

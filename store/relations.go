package store

import (
	"context"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// RelQuery selects relations of one node.
type RelQuery struct {
	ID    string
	Dir   domain.Direction
	Kinds []domain.RelKind // empty: all kinds
	AsOf  domain.Date      // zero: any time
	Limit int              // > 0: stop after Limit+1 relations (the caller sees there are more)
}

// Relations returns, for each query, the matching relations in key order
// (kind, then other end, then validFrom), all in one read transaction.
// Returns EBADINPUT for an unknown relation kind.
func (s *Store) Relations(ctx context.Context, qs []RelQuery) ([][]*domain.Relation, error) {
	out := make([][]*domain.Relation, len(qs))
	err := s.view(ctx, func(txn *badger.Txn) error {
		sc := newEdgeScanner(txn)
		defer sc.close()
		for i, q := range qs {
			rels, err := sc.relations(q, nil)
			if err != nil {
				return err
			}
			out[i] = rels
		}
		return nil
	})
	return out, err
}

// RelationsWithEnds is Relations, plus the nodes at both ends of the
// relations found (but those of a query cut at its Limit), read in the
// same transaction while there are at most maxEnds of them (none beyond:
// the caller loads those on demand).
func (s *Store) RelationsWithEnds(ctx context.Context, qs []RelQuery, maxEnds int) ([][]*domain.Relation, map[string]*domain.Node, error) {
	out := make([][]*domain.Relation, len(qs))
	ends := map[string]*domain.Node{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		sc := s.cachedScanner(txn)
		defer sc.close()
		var ids []string
		for i, q := range qs {
			rels, err := sc.relations(q, nil)
			if err != nil {
				return err
			}
			out[i] = rels
			if q.Limit > 0 && len(rels) > q.Limit {
				continue // the caller drops a list cut short: no ends for it
			}
			for _, r := range rels {
				for _, id := range []string{r.From, r.To} {
					if _, seen := ends[id]; !seen {
						ends[id] = nil
						ids = append(ids, id)
					}
				}
			}
		}
		if len(ids) > maxEnds {
			clear(ends)
			return nil
		}
		for _, id := range ids {
			n, err := s.node(txn, id)
			if err != nil {
				return err
			}
			ends[id] = n
		}
		return nil
	})
	return out, ends, err
}

// edgeScanner reads edges with one iterator, sought to each prefix in turn:
// opening a Badger iterator costs far more than seeking one.
type edgeScanner struct {
	ctx   context.Context // watched by long scans (scanEdges); a node's own edges are few
	it    *badger.Iterator
	cache *readCache // nil: none (cachedScanner); else for version v
	v     uint64
	all   bool // a scan of every edge (scanEdges): the memo is read, not filled
}

func newEdgeScanner(txn *badger.Txn) *edgeScanner {
	return &edgeScanner{ctx: context.Background(), it: txn.NewIterator(badger.IteratorOptions{PrefetchValues: false})}
}

func (sc *edgeScanner) close() { sc.it.Close() }

// relations reads the relations matching q in txn, in key order.
func relations(txn *badger.Txn, q RelQuery) ([]*domain.Relation, error) {
	sc := newEdgeScanner(txn)
	defer sc.close()
	return sc.relations(q, nil)
}

// scanEdges reads the edges under prefix in force at asOf, and stops with
// ctx's error when it is done.
func scanEdges(ctx context.Context, txn *badger.Txn, prefix []byte, asOf domain.Date) ([]*domain.Relation, error) {
	sc := newEdgeScanner(txn)
	sc.ctx = ctx
	sc.all = true
	defer sc.close()
	return sc.scan(prefix, asOf, nil)
}

// relations returns the relations matching q whose other end passes keep
// (all when keep is nil), in key order.
func (sc *edgeScanner) relations(q RelQuery, keep func(other []byte) bool) ([]*domain.Relation, error) {
	if l, err := sc.edges(q.ID); err != nil || l != nil && !l.big {
		if err != nil {
			return nil, err
		}
		return l.relations(q, keep)
	}
	var out []*domain.Relation
	var pre func([]byte) (bool, bool)
	if keep != nil {
		pre = func(other []byte) (bool, bool) { return keep(other), false }
	}
	visit := func(r *domain.Relation) error {
		out = append(out, r)
		if q.Limit > 0 && len(out) > q.Limit {
			return errEnough
		}
		return nil
	}
	err := sc.prefixes(q, func(_ domain.Direction, prefix []byte) (bool, error) {
		return true, sc.each(prefix, q.AsOf, pre, visit)
	})
	if err == errEnough {
		err = nil
	}
	return out, err
}

// prefixes calls fn with the edge prefixes q covers, in key order (out
// before in, then kind), until it returns false. Returns EBADINPUT for an
// unknown relation kind.
func (sc *edgeScanner) prefixes(q RelQuery, fn func(dir domain.Direction, prefix []byte) (bool, error)) error {
	var codes []byte
	for _, k := range q.Kinds {
		c, ok := relKindCode(k)
		if !ok {
			return domain.Errorf(domain.EBADINPUT, "unknown relation kind %q", k)
		}
		codes = append(codes, c)
	}
	slices.Sort(codes)
	codes = slices.Compact(codes) // a kind asked twice is scanned once
	if len(codes) == 0 {
		codes = []byte{0}
	}
	for _, dir := range []domain.Direction{domain.Out, domain.In} {
		if q.Dir != domain.Both && q.Dir != dir {
			continue
		}
		for _, c := range codes {
			if more, err := fn(dir, edgePrefix(dir, q.ID, c)); err != nil || !more {
				return err
			}
		}
	}
	return nil
}

// scan returns the relations under prefix in force at asOf whose other end
// passes keep (all when nil). The other end is read from the key, so the
// values of the relations left out are never decoded.
func (sc *edgeScanner) scan(prefix []byte, asOf domain.Date, keep func(other []byte) bool) ([]*domain.Relation, error) {
	var out []*domain.Relation
	var pre func([]byte) (bool, bool)
	if keep != nil {
		pre = func(other []byte) (bool, bool) { return keep(other), false }
	}
	err := sc.each(prefix, asOf, pre, func(r *domain.Relation) error { out = append(out, r); return nil })
	return out, err
}

// each calls visit with the relations under prefix in force at asOf, in
// key order. pre, when not nil, sees each other end first (from the key,
// valid during the call, before the value is decoded): it says whether to
// decode it, and whether to stop the scan there.
func (sc *edgeScanner) each(prefix []byte, asOf domain.Date, pre func(other []byte) (keep, stop bool), visit func(*domain.Relation) error) error {
	i := 0
	for sc.it.Seek(prefix); sc.it.ValidForPrefix(prefix); sc.it.Next() {
		if err := scanDone(sc.ctx, i); err != nil {
			return err
		}
		i++
		if pre != nil {
			other, err := edgeOther(sc.it.Item().Key())
			if err != nil {
				return err
			}
			keep, stop := pre(other)
			if stop {
				return nil
			}
			if !keep {
				continue
			}
		}
		var r *domain.Relation
		err := sc.it.Item().Value(func(b []byte) (err error) {
			if sc.all {
				r, err = decodeSeen(relationMemo, b)
			} else {
				r, err = decodeMemo(relationMemo, b)
			}
			return err
		})
		if err != nil {
			return err
		}
		if r.InForce(asOf) {
			r := *r // the memo's value is shared
			r.Version = sc.it.Item().Version()
			if err := visit(&r); err != nil {
				return err
			}
		}
	}
	return nil
}

// AllRelations returns every relation, in the order of its out key.
func (s *Store) AllRelations(ctx context.Context) ([]*domain.Relation, error) {
	var out []*domain.Relation
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		out, err = scanEdges(ctx, txn, []byte{pEdgeOut}, domain.Date{})
		return err
	})
	return out, err
}

// putRelation writes a relation both ways. Reports whether anything changed.
func putRelation(txn *badger.Txn, r *domain.Relation) (bool, error) {
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
	if err := txn.Set(in, val); err != nil {
		return false, err
	}
	return true, putRelOrder(txn, r, out)
}

package store

import (
	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// edgeList is a node's edges as the read cache keeps them for the edge
// scanner (walks, the loaders' relation lists): its out-edges, then its
// in-edges, each in key order (kind code, other end, start), all kinds and
// times. big marks a node with more than maxCachedRelations of them, read
// through the iterator.
type edgeList struct {
	rels   []*domain.Relation // out-edges, then in-edges; shared, read-only
	nOut   int                // how many are out-edges
	others []byte             // the other end of each, one after the other
	at     []uint32           // where each other end starts in others
	big    bool
}

// other returns the other end of edge i.
func (l *edgeList) other(i int) []byte {
	end := len(l.others)
	if i+1 < len(l.at) {
		end = int(l.at[i+1])
	}
	return l.others[l.at[i]:end]
}

func (l *edgeList) weight() int {
	w := entryOverhead + 12*len(l.rels) + len(l.others)
	for _, r := range l.rels {
		w += relationWeight(r)
	}
	return w
}

// cachedScanner returns an edge scanner over txn that reads through the
// read cache when the version of txn is the one it holds.
func (s *Store) cachedScanner(txn *badger.Txn) *edgeScanner {
	sc := newEdgeScanner(txn)
	sc.v = txn.ReadTs()
	sc.cache = s.cacheAt(sc.v)
	return sc
}

// edges returns the edge list of node id, from the cache or read whole
// into it; nil when sc has no cache or the list is too long to keep.
func (sc *edgeScanner) edges(id string) (*edgeList, error) {
	if sc.cache == nil {
		return nil, nil
	}
	k := cacheKey{'e', id}
	if e, ok := sc.cache.get(sc.v, k); ok {
		return e.edges, nil
	}
	l := &edgeList{}
	for _, dir := range []domain.Direction{domain.Out, domain.In} {
		err := sc.each(edgePrefix(dir, id, 0), domain.Date{}, nil, func(r *domain.Relation) error {
			if len(l.rels) == maxCachedRelations {
				l.big = true
				return errEnough
			}
			other := r.To
			if dir == domain.In {
				other = r.From
			}
			l.rels, l.at = append(l.rels, r), append(l.at, uint32(len(l.others)))
			l.others = append(l.others, other...)
			return nil
		})
		if err == errEnough {
			break
		}
		if err != nil {
			return nil, err
		}
		if dir == domain.Out {
			l.nOut = len(l.rels)
		}
	}
	if l.big || !sc.cache.keeps(l.weight()) {
		l = &edgeList{big: true}
	}
	sc.cache.put(sc.v, k, cached{edges: l, weight: int32(l.weight())})
	return l, nil
}

// relations returns the relations of the list that q and keep (nil: all)
// select, as edgeScanner.relations reads them.
func (l *edgeList) relations(q RelQuery, keep func(other []byte) bool) ([]*domain.Relation, error) {
	var pre func(domain.Direction, []byte) (bool, bool)
	if keep != nil {
		pre = func(_ domain.Direction, other []byte) (bool, bool) { return keep(other), false }
	}
	var out []*domain.Relation
	err := l.each(q, pre, func(r *domain.Relation) error {
		out = append(out, r)
		if q.Limit > 0 && len(out) > q.Limit {
			return errEnough
		}
		return nil
	})
	if err == errEnough {
		err = nil
	}
	return out, err
}

// each calls visit with the relations of the list that q selects, in the
// order edgeScanner.each reads them under q's prefixes (out before in, then
// key order). pre, when not nil, sees each one's direction and other end
// first, as the scanner's pre does: whether to visit it, whether to stop.
// Returns EBADINPUT for an unknown relation kind.
func (l *edgeList) each(q RelQuery, pre func(dir domain.Direction, other []byte) (keep, stop bool), visit func(*domain.Relation) error) error {
	var kinds map[domain.RelKind]bool
	for _, k := range q.Kinds {
		if _, ok := relKindCode(k); !ok {
			return domain.Errorf(domain.EBADINPUT, "unknown relation kind %q", k)
		}
		if kinds == nil {
			kinds = map[domain.RelKind]bool{}
		}
		kinds[k] = true
	}
	lo, hi := 0, len(l.rels)
	switch q.Dir {
	case domain.Out:
		hi = l.nOut
	case domain.In:
		lo = l.nOut
	}
	for i := lo; i < hi; i++ {
		r := l.rels[i]
		if kinds != nil && !kinds[r.Kind] {
			continue
		}
		if pre != nil {
			dir := domain.Out
			if i >= l.nOut {
				dir = domain.In
			}
			keep, stop := pre(dir, l.other(i))
			if stop {
				return nil
			}
			if !keep {
				continue
			}
		}
		if !r.InForce(q.AsOf) {
			continue
		}
		if err := visit(r); err != nil {
			return err
		}
	}
	return nil
}

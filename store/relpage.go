package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"slices"
	"strconv"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// A node's relations are kept in the order of their cursors (pRelOrder,
// keys.go): out before in, then kind, other end, start date and the
// organisation acted for, so a page of them seeks to its cursor and reads
// its k entries, whatever the node's degree. The entries are written and
// deleted with the edges, in their transaction.

// RelationCursor is the cursor of a relation in the list of node id's
// relations: "0" out or "1" in, kind and other end, then start date and
// the organisation acted for.
func RelationCursor(id string, r *domain.Relation) Cursor {
	dir, other := "0", r.To
	if r.From != id {
		dir, other = "1", r.From
	}
	return Cursor{Key: dir + "|" + string(r.Kind) + "|" + other, ID: r.ValidFrom.String() + "|" + r.OnBehalfOf}
}

// putRelOrder writes a relation's entries in the relation order; their
// value is the relation's out-edge key.
func putRelOrder(txn *badger.Txn, r *domain.Relation, edge []byte) error {
	out, in := relOrderKeys(r)
	if err := txn.Set(out, edge); err != nil {
		return err
	}
	return txn.Set(in, edge)
}

// deleteRelOrder deletes a relation's entries in the relation order.
func deleteRelOrder(txn *badger.Txn, r *domain.Relation) error {
	out, in := relOrderKeys(r)
	if err := txn.Delete(out); err != nil {
		return err
	}
	return txn.Delete(in)
}

// RelPageQuery asks for a page of one node's relations, in cursor order.
type RelPageQuery struct {
	ID    string
	Dir   domain.Direction // Out, In or Both
	Kinds []domain.RelKind // empty: every kind
	AsOf  domain.Date      // zero: any time
	Args  PageArgs         // First and After (the relation lists page forward only)
	Count bool             // fill Total (counted once per data version)
}

// RelationPages reads, for each query, the page of relations it asks for
// (the page Paginate cuts from the matching relations sorted by
// RelationCursor), in one read transaction, with the nodes at their ends
// while there are at most maxEnds of them (as RelationsWithEnds). Reports
// false when the relation order does not cover the version read (a view
// of the past from before it was built). Returns EBADINPUT for an unknown
// relation kind or a bad cursor.
func (s *Store) RelationPages(ctx context.Context, qs []RelPageQuery, maxEnds int) ([]Page[*domain.Relation], map[string]*domain.Node, bool, error) {
	out := make([]Page[*domain.Relation], len(qs))
	ends := map[string]*domain.Node{}
	l, err := s.lazy(ctx)
	if err != nil {
		return out, ends, false, err
	}
	defer l.discard()
	if !s.orderCovers(l.v) {
		return out, ends, false, nil
	}
	its := &relIterators{l: l}
	defer its.close()
	for i, q := range qs {
		p, err := s.relationPageOf(ctx, its, q)
		if err != nil {
			return out, ends, true, err
		}
		out[i] = p
		for _, r := range p.Items {
			ends[r.From], ends[r.To] = nil, nil
		}
	}
	if len(ends) > maxEnds {
		clear(ends)
		return out, ends, true, nil
	}
	for id := range ends {
		if ends[id], err = l.node(id); err != nil {
			return out, ends, true, err
		}
	}
	return out, ends, true, nil
}

// relIterators are the two iterators over the relation order of a read,
// opened when a page is not in the cache.
type relIterators struct {
	l        *lazyTxn
	fwd, rev *badger.Iterator
}

func (its *relIterators) get() (*badger.Txn, *badger.Iterator, *badger.Iterator) {
	txn := its.l.get()
	if its.fwd == nil {
		its.fwd = txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pRelOrder}})
		its.rev = txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pRelOrder}, Reverse: true})
	}
	return txn, its.fwd, its.rev
}

func (its *relIterators) close() {
	if its.fwd != nil {
		its.fwd.Close()
		its.rev.Close()
	}
}

// relationPageOf reads one page: from the node's list in the read cache,
// read whole into it on a miss, or through the iterators when the cache
// is off for the read or the node has too many relations to keep.
func (s *Store) relationPageOf(ctx context.Context, its *relIterators, q RelPageQuery) (Page[*domain.Relation], error) {
	rq, err := relPageReadOf(q)
	if err != nil {
		return Page[*domain.Relation]{}, err
	}
	c, v := its.l.cache, its.l.v
	if c == nil {
		txn, fwd, rev := its.get()
		return s.relationPage(ctx, txn, fwd, rev, q, rq)
	}
	e, ok := c.get(v, cacheKey{'r', q.ID})
	if !ok {
		txn, fwd, _ := its.get()
		list, err := readRelList(ctx, txn, fwd, q.ID)
		if err != nil {
			return Page[*domain.Relation]{}, err
		}
		e = cached{rels: list, weight: int32(list.weight())}
		if !list.big && !c.keeps(int(e.weight)) { // kept as a hub
			big := &relList{big: true}
			e = cached{rels: big, weight: int32(big.weight())}
		}
		c.put(v, cacheKey{'r', q.ID}, e)
		if !list.big {
			return list.page(q, rq), nil
		}
	}
	if e.rels.big {
		return s.hubPage(ctx, its, q, rq)
	}
	return e.rels.page(q, rq), nil
}

// hubPage reads a page of a node whose relations are too many to keep as
// a list: from the cache, where each page is kept by its query, or through
// the iterators. The page kept has its slices clipped and its cursors
// encoded: it is shared and read-only.
func (s *Store) hubPage(ctx context.Context, its *relIterators, q RelPageQuery, rq relPageRead) (Page[*domain.Relation], error) {
	c, v := its.l.cache, its.l.v
	k := cacheKey{'p', relPageCacheKey(q)}
	if e, ok := c.get(v, k); ok {
		return *e.page, nil
	}
	txn, fwd, rev := its.get()
	p, err := s.relationPage(ctx, txn, fwd, rev, q, rq)
	if err != nil {
		return p, err
	}
	p.Items, p.Cursors = slices.Clip(p.Items), slices.Clip(p.Cursors)
	w := entryOverhead + len(k.id) + 64
	for i := range p.Cursors {
		p.Cursors[i].text = p.Cursors[i].String()
		w += 32 + len(p.Cursors[i].text) + relationWeight(p.Items[i])
	}
	c.put(v, k, cached{page: &p, weight: int32(w)})
	return p, nil
}

// relPageCacheKey is q as a key of the read cache.
func relPageCacheKey(q RelPageQuery) string {
	b := []byte(q.ID)
	b = append(b, 0, byte(q.Dir), byte(len(q.Kinds)))
	for _, k := range q.Kinds {
		b = append(append(b, k...), 0)
	}
	b = append(append(b, q.AsOf.String()...), 0)
	if q.Args.First != nil {
		b = strconv.AppendInt(append(b, 'f'), int64(*q.Args.First), 10)
	}
	if q.Args.After != nil {
		b = append(append(b, 'a'), *q.Args.After...)
	}
	b = append(append(append(append(b, 0), q.Args.Order...), 0), q.Args.List...)
	if q.Count {
		b = append(b, 0, 'c')
	}
	return string(b)
}

// relPageRead is what a page query reads of a node's relation order: its
// ranges and list (relRanges), the position after its cursor (nil: from
// the start) and the page's length.
type relPageRead struct {
	ranges [][]byte
	list   int
	pos    []byte
	first  int
}

// relPageReadOf checks q. Returns EBADINPUT for an unknown relation kind or
// a bad cursor.
func relPageReadOf(q RelPageQuery) (relPageRead, error) {
	ranges, list, err := relRanges(RelQuery{ID: q.ID, Dir: q.Dir, Kinds: q.Kinds})
	if err != nil {
		return relPageRead{}, err
	}
	rq := relPageRead{ranges: ranges, list: list, first: MaxPageSize}
	if q.Args.After != nil {
		c, err := q.Args.parse(*q.Args.After)
		if err != nil {
			return rq, err
		}
		rq.pos = append(relOrderPos(q.ID, c), 0xFF) // entries up to pos are at or before the cursor
	}
	if q.Args.First != nil {
		rq.first = *q.Args.First
	}
	return rq, nil
}

// relRanges are the parts of a node's relation order that one direction
// and some kinds (or every kind) of its relations take, in order, and the
// list byte the entries must have (-1: either). The in-entry of a relation
// of a node to itself has an out cursor ("0|"), as the sort gives it: an
// In query reads the out part too, keeping only entries of the in list
// (read from the key: a node's out-relations are few where its
// in-relations are many).
func relRanges(q RelQuery) ([][]byte, int, error) {
	var kinds []string
	for _, k := range q.Kinds {
		if _, ok := relKindCode(k); !ok {
			return nil, 0, domain.Errorf(domain.EBADINPUT, "unknown relation kind %q", k)
		}
		kinds = append(kinds, string(k)+"|")
	}
	if len(kinds) == 0 {
		kinds = []string{""}
	}
	dirs, list := []string{"0|", "1|"}, -1
	switch q.Dir {
	case domain.Out:
		dirs, list = dirs[:1], 0
	case domain.In:
		list = 1
	}
	var ranges [][]byte
	for _, d := range dirs {
		for _, k := range kinds {
			ranges = append(ranges, append(relOrderPrefix(q.ID), d+k...))
		}
	}
	slices.SortFunc(ranges, bytes.Compare) // the cursor order of kinds is their names'
	return slices.CompactFunc(ranges, bytes.Equal), list, nil
}

// inList reports whether an entry of the relation order stands in list
// (-1: either).
func inList(key []byte, list int) bool { return list < 0 || int(key[len(key)-1]) == list }

// relationPage reads one page with the two iterators of the transaction.
func (s *Store) relationPage(ctx context.Context, txn *badger.Txn, fwd, rev *badger.Iterator, q RelPageQuery, rq relPageRead) (Page[*domain.Relation], error) {
	var p Page[*domain.Relation]
	ranges, list, pos, first := rq.ranges, rq.list, rq.pos, rq.first
	// The page: the first+1 matching entries after pos.
	err := eachRelEntry(ctx, txn, fwd, ranges, list, pos, false, q.AsOf, func(r *domain.Relation) error {
		if len(p.Items) == first {
			p.HasNext = true
			return errEnough
		}
		c := RelationCursor(q.ID, r)
		c.Order, c.List = q.Args.Order, q.Args.List
		p.Items, p.Cursors = append(p.Items, r), append(p.Cursors, c)
		return nil
	})
	if err != nil && err != errEnough {
		return p, err
	}
	err = nil
	if pos != nil { // one matching entry at or before the cursor
		err = eachRelEntry(ctx, txn, rev, ranges, list, pos, true, q.AsOf, func(*domain.Relation) error {
			p.HasPrev = true
			return errEnough
		})
		if err != nil && err != errEnough {
			return p, err
		}
		err = nil
	}
	if q.Count {
		p.Total, err = s.countRelations(ctx, txn, fwd, ranges, list, q)
	}
	return p, err
}

// eachRelEntry calls fn with the relation of every entry in ranges and
// list in force at asOf: going forward from after pos (from the start when
// nil), or backwards from before pos, until fn returns an error.
func eachRelEntry(ctx context.Context, txn *badger.Txn, it *badger.Iterator, ranges [][]byte, list int, pos []byte, back bool, asOf domain.Date, fn func(*domain.Relation) error) error {
	order := ranges
	if back {
		order = slices.Clone(ranges)
		slices.Reverse(order)
	}
	i := 0
	for _, rg := range order {
		start := rg
		switch {
		case back && (pos == nil || bytes.Compare(pos, upperBound(rg)) >= 0):
			start = upperBound(rg)
		case back && bytes.Compare(pos, rg) <= 0:
			continue // the range is after pos
		case back:
			start = pos
		case pos != nil && bytes.Compare(pos, upperBound(rg)) >= 0:
			continue // the range is before pos
		case pos != nil && bytes.Compare(pos, rg) > 0:
			start = pos
		}
		for it.Seek(start); it.ValidForPrefix(rg); it.Next() {
			if err := scanDone(ctx, i); err != nil {
				return err
			}
			i++
			if !inList(it.Item().Key(), list) {
				continue
			}
			r, err := relationOfEntry(txn, it.Item())
			if err != nil {
				return err
			}
			if !r.InForce(asOf) {
				continue
			}
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// relationOfEntry reads the relation an entry of the relation order names.
func relationOfEntry(txn *badger.Txn, entry *badger.Item) (*domain.Relation, error) {
	edge, err := entry.ValueCopy(nil)
	if err != nil {
		return nil, err
	}
	return relationOfEdge(txn, edge)
}

// relationOfEdge reads the relation of an out-edge key.
func relationOfEdge(txn *badger.Txn, edge []byte) (*domain.Relation, error) {
	item, err := txn.Get(edge)
	if err != nil {
		return nil, err
	}
	var r *domain.Relation
	err = item.Value(func(b []byte) (err error) {
		r, err = decodeMemo(relationMemo, b)
		return err
	})
	if err != nil {
		return nil, err
	}
	c := *r // the memo's value is shared
	c.Version = item.Version()
	return &c, nil
}

// countRelations counts the relations of ranges in force at q.AsOf, once
// per data version (versionCounts).
func (s *Store) countRelations(ctx context.Context, txn *badger.Txn, it *badger.Iterator, ranges [][]byte, list int, q RelPageQuery) (int, error) {
	return s.relCounts.get(txn.ReadTs(), relCountKey(ranges, list, q.AsOf), func() (int, error) {
		return countRelEntries(ctx, txn, it, ranges, list, q.AsOf)
	})
}

// relCountKey names a count of relations for relCounts: the date, then
// the list, then the ranges.
func relCountKey(ranges [][]byte, list int, asOf domain.Date) string {
	b := binary.AppendVarint(nil, int64(asOf.Y))
	b = binary.AppendVarint(b, int64(asOf.M))
	b = binary.AppendVarint(b, int64(asOf.D))
	b = binary.AppendVarint(b, int64(asOf.Precision))
	b = append(b, byte(list+1))
	for _, rg := range ranges {
		b = append(append(b, rg...), 0xFF)
	}
	return string(b)
}

// countRelEntries counts the relations of ranges in force at asOf: the
// entries alone when any time will do.
func countRelEntries(ctx context.Context, txn *badger.Txn, it *badger.Iterator, ranges [][]byte, list int, asOf domain.Date) (int, error) {
	n := 0
	if asOf.IsZero() {
		for i, rg := range ranges {
			for it.Seek(rg); it.ValidForPrefix(rg); it.Next() {
				if err := scanDone(ctx, i+n); err != nil {
					return 0, err
				}
				if inList(it.Item().Key(), list) {
					n++
				}
			}
		}
	} else if err := eachRelEntry(ctx, txn, it, ranges, list, nil, false, asOf, func(*domain.Relation) error { n++; return nil }); err != nil {
		return 0, err
	}
	return n, nil
}

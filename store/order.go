package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// The ordered indexes of the collections: every node has an entry in the
// name index and in both date indexes (keys.go), written and deleted with
// the node in its transaction, so they are versioned like the records and
// a view of the past (At) reads the indexes of its version. A page seeks to
// its cursor and reads its k entries; nothing is sorted per request.

// Order is an order of a kind's nodes that an index keeps.
type Order uint8

const (
	ByName Order = iota // folded name, then id
	ByID                // id
	ByDate              // main date (Node.SortDate), then id; undated nodes last either way
)

// orderIndexVersion is written under pOrderVersion once the indexes hold
// every node; bump it when what an entry holds changes (they are built again).
const orderIndexVersion uint32 = 1

// SortCursor returns the cursor of a node in an order: its sort key and id.
// It is the one definition of the orders, for the indexes and for lists
// sorted in memory alike.
func SortCursor(o Order, desc bool) func(*domain.Node) Cursor {
	switch o {
	case ByID:
		return func(n *domain.Node) Cursor { return Cursor{ID: n.ID} }
	case ByDate:
		return func(n *domain.Node) Cursor {
			d := n.SortDate()
			if d == "" && !desc {
				d = "~" // undated nodes come last, whichever the direction
			}
			return Cursor{Key: d, ID: n.ID}
		}
	}
	return func(n *domain.Node) Cursor { return Cursor{Key: FoldName(n.Name), ID: n.ID} }
}

// orderIndex is one ordered index: its prefix, the direction it is read in
// for an order, and how a node's cursor is made.
type orderIndex struct {
	prefix  byte
	desc    bool // the cursors of the descending order (date: undated is "")
	reverse bool // read backwards
}

// indexOf is the index that serves an order in a direction.
func indexOf(o Order, desc bool) orderIndex {
	switch o {
	case ByID:
		return orderIndex{prefix: pKindIndex, desc: desc, reverse: desc}
	case ByDate:
		if desc {
			return orderIndex{prefix: pOrderDateDesc, desc: true, reverse: true}
		}
		return orderIndex{prefix: pOrderDateAsc}
	}
	return orderIndex{prefix: pOrderName, desc: desc, reverse: desc}
}

// orderedIndexes are the indexes each node has an entry in (the kind index
// beside them is written by putNode).
var orderedIndexes = []struct {
	prefix byte
	cursor func(*domain.Node) Cursor
}{
	{pOrderName, SortCursor(ByName, false)},
	{pOrderDateAsc, SortCursor(ByDate, false)},
	{pOrderDateDesc, SortCursor(ByDate, true)},
}

// putOrderKeys writes a node's entries in the ordered indexes.
func putOrderKeys(txn *badger.Txn, n *domain.Node) error {
	kc, _ := kindCode(n.Kind)
	for _, ix := range orderedIndexes {
		if err := txn.Set(orderKey(ix.prefix, kc, ix.cursor(n)), nil); err != nil {
			return err
		}
	}
	return nil
}

// deleteOrderKeys deletes the entries of a node's old version.
func deleteOrderKeys(txn *badger.Txn, n *domain.Node) error {
	kc, _ := kindCode(n.Kind)
	for _, ix := range orderedIndexes {
		if err := txn.Delete(orderKey(ix.prefix, kc, ix.cursor(n))); err != nil {
			return err
		}
	}
	return nil
}

// seek is the key of a cursor's position in the index: entries before it
// in byte order come before the cursor in the index's order. In the id
// order (the kind index, whose entries have no sort key) a cursor with a
// key comes after every entry, as Cursor.Compare places it.
func (ix orderIndex) seek(kc byte, c Cursor) []byte {
	if ix.prefix != pKindIndex {
		return orderKey(ix.prefix, kc, c)
	}
	if c.Key != "" {
		return upperBound(kindPrefix(kc))
	}
	return kindKey(kc, c.ID)
}

// cursor parses an entry of the index back into the cursor it holds.
func (ix orderIndex) cursor(key []byte) (Cursor, error) {
	if ix.prefix == pKindIndex {
		return Cursor{ID: string(key[2:])}, nil
	}
	k, err := ParseKey(key)
	return Cursor{Key: k.Other, ID: k.ID}, err
}

// upperBound is the least key after every key that starts with prefix.
func upperBound(prefix []byte) []byte {
	b := bytes.Clone(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			return b[:i+1]
		}
	}
	return append(b, 0xFF) // all 0xFF: no key of ours
}

// PageQuery asks for one page of a kind's nodes in an order.
type PageQuery struct {
	Kind  domain.Kind
	Order Order
	Desc  bool
	Args  PageArgs // First or Last set, as model.PageArgs sets them
	Count bool     // fill Page.Total (counted once per data version)
}

// OrderedPage reads a page of a kind's nodes from its ordered index: the
// same page Paginate cuts from the kind's nodes sorted by SortCursor, Total
// included when q.Count (0 otherwise). Reports false when the indexes do
// not cover the version read (a view of the past from before they were
// built): the caller sorts the kind instead. Returns EBADINPUT for an
// unknown kind or a bad cursor.
func (s *Store) OrderedPage(ctx context.Context, q PageQuery) (Page[*domain.Node], bool, error) {
	kc, ok := kindCode(q.Kind)
	if !ok {
		return Page[*domain.Node]{}, false, domain.Errorf(domain.EBADINPUT, "unknown node kind %q", q.Kind)
	}
	var after, before *Cursor
	for _, c := range []struct {
		s   *string
		out **Cursor
	}{{q.Args.After, &after}, {q.Args.Before, &before}} {
		if c.s != nil {
			cur, err := q.Args.parse(*c.s)
			if err != nil {
				return Page[*domain.Node]{}, false, err
			}
			*c.out = &cur
		}
	}
	var p Page[*domain.Node]
	covered := false
	err := s.view(ctx, func(txn *badger.Txn) error {
		if covered = s.orderIndexed(txn); !covered {
			return nil
		}
		w := newWindow(txn, indexOf(q.Order, q.Desc), kc)
		defer w.close()
		var err error
		if p, err = w.page(func(id string) (*domain.Node, error) { return s.node(txn, id) }, after, before, q.Args); err != nil {
			return err
		}
		if q.Count {
			p.Total, err = s.countKind(ctx, txn, kc)
		}
		return err
	})
	return p, covered, err
}

// orderIndexed reports whether the ordered indexes are complete at the
// version txn reads: they are from the version they were built at on.
func (s *Store) orderIndexed(txn *badger.Txn) bool { return s.orderCovers(txn.ReadTs()) }

// orderCovers is orderIndexed for a read at version v.
func (s *Store) orderCovers(v uint64) bool {
	since, ok := s.orderSince.Load(), s.orderBuilt.Load()
	return ok && v >= since
}

// orderVersionValue is the value of orderVersionKey: the format of the
// entries, and the version from which on every node has its entries.
func orderVersionValue(since uint64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(nil, orderIndexVersion), since)
}

// readOrderVersion reads the newest orderVersionKey: whether it names this
// format, and since when the indexes are complete.
func (s *Store) readOrderVersion() (since uint64, current, found bool, err error) {
	v, found, err := s.readNewest(orderVersionKey)
	if len(v) == 12 && binary.BigEndian.Uint32(v) == orderIndexVersion {
		since, current = binary.BigEndian.Uint64(v[4:]), true
	}
	return since, current, found, err
}

// window reads the entries of one kind in one index, in the index's order
// ("forward") or against it, with one iterator each way.
type window struct {
	ix       orderIndex
	kc       byte
	prefix   []byte
	fwd, rev *badger.Iterator
}

func newWindow(txn *badger.Txn, ix orderIndex, kc byte) *window {
	prefix := orderPrefix(ix.prefix, kc)
	w := &window{ix: ix, kc: kc, prefix: prefix}
	fwd := badger.IteratorOptions{Prefix: prefix}
	rev := badger.IteratorOptions{Prefix: prefix, Reverse: true}
	if ix.reverse {
		fwd, rev = rev, fwd
	}
	w.fwd, w.rev = txn.NewIterator(fwd), txn.NewIterator(rev)
	return w
}

func (w *window) close() { w.fwd.Close(); w.rev.Close() }

// precedes reports whether key a comes before key b in the index's order.
func (w *window) precedes(a, b []byte) bool {
	if w.ix.reverse {
		return bytes.Compare(a, b) > 0
	}
	return bytes.Compare(a, b) < 0
}

// start places it (going one way) on its first entry strictly after pos
// when strict, at or after pos otherwise; at its first entry when pos is nil.
func (w *window) start(it *badger.Iterator, pos []byte, strict bool) {
	switch {
	case pos != nil:
		it.Seek(pos)
		if strict && it.ValidForPrefix(w.prefix) && bytes.Equal(it.Item().Key(), pos) {
			it.Next()
		}
	case it == w.rev && !w.ix.reverse || it == w.fwd && w.ix.reverse:
		it.Seek(upperBound(w.prefix)) // backwards from the end
	default:
		it.Seek(w.prefix)
	}
}

// exists reports whether an entry lies at pos or beyond it, going the way of it.
func (w *window) exists(it *badger.Iterator, pos []byte) bool {
	w.start(it, pos, false)
	return it.ValidForPrefix(w.prefix)
}

// page cuts the page Paginate would cut (see there) from the entries
// strictly between after and before, reading at most k+1 of them, and
// their nodes with node (shared, read-only).
func (w *window) page(node func(id string) (*domain.Node, error), after, before *Cursor, args PageArgs) (Page[*domain.Node], error) {
	var a, b []byte
	if after != nil {
		a = w.ix.seek(w.kc, *after)
	}
	if before != nil {
		b = w.ix.seek(w.kc, *before)
	}
	var p Page[*domain.Node]
	// Paginate's flags: lo > 0 (an entry at or before after), hi < len (an
	// entry at or after before, and one after after: hi never passes lo).
	p.HasPrev = a != nil && w.exists(w.rev, a)
	p.HasNext = b != nil && w.exists(w.fwd, b) && (a == nil || w.existsAfter(a))
	var keys [][]byte
	if args.Last != nil {
		keys = w.collect(w.rev, b, func(k []byte) bool { return a == nil || w.precedes(a, k) }, *args.Last+1)
		if len(keys) > *args.Last {
			keys, p.HasPrev = keys[:*args.Last], true
		}
		for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
			keys[i], keys[j] = keys[j], keys[i]
		}
	} else {
		n := MaxPageSize
		if args.First != nil {
			n = *args.First
		}
		keys = w.collect(w.fwd, a, func(k []byte) bool { return b == nil || w.precedes(k, b) }, n+1)
		if len(keys) > n {
			keys, p.HasNext = keys[:n], true
		}
	}
	for _, k := range keys {
		c, err := w.ix.cursor(k)
		if err != nil {
			return p, err
		}
		n, err := node(c.ID)
		if err != nil {
			return p, err
		}
		c.Order, c.List = args.Order, args.List
		p.Items, p.Cursors = append(p.Items, n), append(p.Cursors, c)
	}
	return p, nil
}

// existsAfter reports whether an entry lies strictly after pos.
func (w *window) existsAfter(pos []byte) bool {
	w.start(w.fwd, pos, true)
	return w.fwd.ValidForPrefix(w.prefix)
}

// collect reads, going the way of it from strictly after pos, at most max
// keys while in accepts them.
func (w *window) collect(it *badger.Iterator, pos []byte, in func([]byte) bool, max int) [][]byte {
	var keys [][]byte
	for w.start(it, pos, true); it.ValidForPrefix(w.prefix) && len(keys) < max; it.Next() {
		k := it.Item().Key()
		if !in(k) {
			break
		}
		keys = append(keys, bytes.Clone(k))
	}
	return keys
}

// MaxPageSize bounds a page read without First or Last.
const MaxPageSize = 500

// countKind counts the entries of a kind in the kind index at txn's
// version, once per version (versionCounts).
func (s *Store) countKind(ctx context.Context, txn *badger.Txn, kc byte) (int, error) {
	return s.counts.get(txn.ReadTs(), string([]byte{kc}), func() (n int, err error) {
		err = scanKeys(ctx, txn, kindPrefix(kc), func([]byte) error { n++; return nil })
		return n, err
	})
}

// ensureOrderIndex builds the ordered indexes of a data directory written
// before they existed, or with another orderIndexVersion, or restored from
// a backup without them (rebuild), once, in a staged write at a new
// version: views of the versions before it read no index and sort instead
// (OrderedPage).
func (s *Store) ensureOrderIndex(ctx context.Context, rebuild bool) error {
	since, current, found, err := s.readOrderVersion()
	if err != nil {
		return err
	}
	if current && !rebuild {
		s.orderSince.Store(since)
		s.orderBuilt.Store(true)
		return nil
	}
	s.orderBuilt.Store(false)
	if found { // entries of another format: dropped first, at a version of their own
		if _, err := s.staged(ctx, dropOrderIndex); err != nil {
			return err
		}
	}
	v, err := s.staged(ctx, buildOrderIndex)
	if err != nil {
		return err
	}
	s.orderSince.Store(v)
	s.orderBuilt.Store(true)
	return nil
}

// dropOrderIndex deletes every entry of the ordered indexes and their version.
func dropOrderIndex(st *stage) error {
	for _, p := range []byte{pOrderName, pOrderDateAsc, pOrderDateDesc, pRelOrder, pOrderVersion} {
		if err := deletePrefix(st, []byte{p}); err != nil {
			return err
		}
	}
	return nil
}

// buildOrderIndex writes the entries of every node and of every relation
// (relpage.go), then the version.
func buildOrderIndex(st *stage) error {
	err := eachKey(st, []byte{pNode}, func(k []byte) error {
		return st.Add(func(txn *badger.Txn) error {
			var n domain.Node
			if err := getNode(txn, string(k[1:]), &n); err != nil {
				return err
			}
			return putOrderKeys(txn, &n)
		}, nil)
	})
	if err == nil {
		err = eachKey(st, []byte{pEdgeOut}, func(k []byte) error {
			return st.Add(func(txn *badger.Txn) error {
				item, err := txn.Get(k)
				if err != nil {
					return err
				}
				var r domain.Relation
				if err := item.Value(func(b []byte) error { return decode(b, &r) }); err != nil {
					return err
				}
				return putRelOrder(txn, &r, k)
			}, nil)
		})
	}
	if err != nil {
		return err
	}
	v, _ := st.Version()
	return st.Add(func(txn *badger.Txn) error { return txn.Set(orderVersionKey, orderVersionValue(v)) }, nil)
}

// eachKey calls fn with a copy of every key under prefix, as published
// before the stage.
func eachKey(st *stage, prefix []byte, fn func(key []byte) error) error {
	txn := st.s.db.NewTransactionAt(st.s.w.published.Load(), false)
	defer txn.Discard()
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if err := fn(it.Item().KeyCopy(nil)); err != nil {
			return err
		}
	}
	return nil
}

// VerifyOrder checks every ordered index against the nodes sorted in
// memory (SortCursor, Paginate), for every kind, order and direction: the
// whole list in pages of a few, and windows between cursors, forward and
// back; and the relation order of every node against its relations sorted
// by RelationCursor. For tests and tools that check what other paths
// report: it reads every node. Returns the first difference, or an error
// when the indexes do not cover this version.
func (s *Store) VerifyOrder(ctx context.Context) error {
	for _, k := range domain.Kinds {
		nodes, err := s.NodesOfKind(ctx, k.Kind)
		if err != nil {
			return err
		}
		for _, o := range []Order{ByName, ByID, ByDate} {
			for _, desc := range []bool{false, true} {
				if err := s.verifyOrder(ctx, k.Kind, slices.Clone(nodes), o, desc); err != nil {
					return fmt.Errorf("%s, order %d, desc %v: %w", k.Kind, o, desc, err)
				}
			}
		}
		for _, n := range nodes {
			if err := s.verifyRelations(ctx, n.ID); err != nil {
				return fmt.Errorf("relations of %s: %w", n.ID, err)
			}
		}
	}
	return nil
}

// verifyRelations checks the relation pages of one node: both ways at any
// time, in with its first relation's kind, and out at that relation's start.
func (s *Store) verifyRelations(ctx context.Context, id string) error {
	rels, err := s.Relations(ctx, []RelQuery{{ID: id, Dir: domain.Both}})
	if err != nil {
		return err
	}
	qs := []RelQuery{{ID: id, Dir: domain.Both}}
	if len(rels[0]) > 0 {
		r := rels[0][0]
		qs = append(qs, RelQuery{ID: id, Dir: domain.In, Kinds: []domain.RelKind{r.Kind}}, RelQuery{ID: id, Dir: domain.Out, AsOf: r.ValidFrom})
	}
	for _, q := range qs {
		if err := s.verifyRelationPages(ctx, q); err != nil {
			return fmt.Errorf("%+v: %w", q, err)
		}
	}
	return nil
}

func (s *Store) verifyRelationPages(ctx context.Context, q RelQuery) error {
	found, err := s.Relations(ctx, []RelQuery{q})
	if err != nil {
		return err
	}
	all := found[0]
	key := func(r *domain.Relation) Cursor { return RelationCursor(q.ID, r) }
	slices.SortFunc(all, func(a, b *domain.Relation) int { return key(a).Compare(key(b)) })
	n := func(v int) *int { return &v }
	cases := []PageArgs{{First: n(0)}, {First: n(MaxPageSize)}}
	for i := 0; i < len(all); i += 2 {
		args := PageArgs{First: n(2)}
		if i > 0 {
			c := key(all[i-1])
			c.Order = "relations"
			cur := c.String()
			args.After = &cur
		}
		cases = append(cases, args)
	}
	for i, args := range cases {
		args.Order = "relations"
		want, err := Paginate(all, key, false, args)
		if err != nil {
			return err
		}
		count := i%2 == 0
		if !count {
			want.Total = 0
		}
		// Through the read cache (twice: filled, then hit) and past it.
		for _, view := range []*Store{s, s, s.WithoutReadCache()} {
			if err := view.verifyRelationPage(ctx, RelPageQuery{ID: q.ID, Dir: q.Dir, Kinds: q.Kinds, AsOf: q.AsOf, Args: args, Count: count}, want); err != nil {
				return err
			}
		}
	}
	return nil
}

// verifyRelationPage compares the page q reads with want.
func (s *Store) verifyRelationPage(ctx context.Context, q RelPageQuery, want Page[*domain.Relation]) error {
	pages, _, covered, err := s.RelationPages(ctx, []RelPageQuery{q}, 0)
	if err != nil {
		return err
	}
	if !covered {
		return fmt.Errorf("the relation order does not cover version %d", s.readVersion())
	}
	got, args := pages[0], q.Args
	ids := func(p Page[*domain.Relation]) []string {
		var out []string
		for _, r := range p.Items {
			out = append(out, domain.RelationID(r)+"/"+fmt.Sprint(r.Version))
		}
		return out
	}
	switch {
	case !slices.Equal(ids(got), ids(want)):
		return fmt.Errorf("page %s: relations %v, want %v", describeArgs(args), ids(got), ids(want))
	case !sameCursors(got.Cursors, want.Cursors):
		return fmt.Errorf("page %s: cursors %v, want %v", describeArgs(args), got.Cursors, want.Cursors)
	case got.Total != want.Total || got.HasPrev != want.HasPrev || got.HasNext != want.HasNext:
		return fmt.Errorf("page %s: total %d prev %v next %v, want %d %v %v", describeArgs(args), got.Total, got.HasPrev, got.HasNext, want.Total, want.HasPrev, want.HasNext)
	}
	return nil
}

func (s *Store) verifyOrder(ctx context.Context, kind domain.Kind, nodes []*domain.Node, o Order, desc bool) error {
	key := SortCursor(o, desc)
	slices.SortFunc(nodes, func(a, b *domain.Node) int {
		if desc {
			return key(b).Compare(key(a))
		}
		return key(a).Compare(key(b))
	})
	tag := fmt.Sprint(o, desc)
	cursor := func(i int) *string {
		c := key(nodes[i])
		c.Order, c.List = tag, string(kind)
		s := c.String()
		return &s
	}
	n := func(v int) *int { return &v }
	var cases []PageArgs
	for _, size := range []int{0, 1, 3, MaxPageSize} {
		cases = append(cases, PageArgs{First: n(size)}, PageArgs{Last: n(size)})
	}
	// Windows at a few places, and one cursor past every node.
	past := Cursor{Key: "\xff", ID: "\xff", Order: tag, List: string(kind)}.String()
	picks := []int{0, 1, len(nodes) / 2, len(nodes) - 2, len(nodes) - 1}
	for _, i := range picks {
		for _, j := range picks {
			if i < 0 || j < 0 || i >= len(nodes) || j >= len(nodes) {
				continue
			}
			cases = append(cases, PageArgs{First: n(2), After: cursor(i)}, PageArgs{Last: n(2), Before: cursor(i)},
				PageArgs{First: n(3), After: cursor(i), Before: cursor(j)}, PageArgs{Last: n(3), After: cursor(i), Before: cursor(j)},
				PageArgs{First: n(2), After: &past}, PageArgs{Last: n(2), Before: &past})
		}
	}
	// The whole list, page after page.
	for i := 0; i < len(nodes); i += 3 {
		args := PageArgs{First: n(3)}
		if i > 0 {
			args.After = cursor(i - 1)
		}
		cases = append(cases, args)
	}
	for _, args := range cases {
		args.Order, args.List = tag, string(kind)
		want, err := Paginate(nodes, key, desc, args)
		if err != nil {
			return err
		}
		got, covered, err := s.OrderedPage(ctx, PageQuery{Kind: kind, Order: o, Desc: desc, Args: args, Count: true})
		if err != nil {
			return err
		}
		if !covered {
			return fmt.Errorf("the ordered indexes do not cover version %d", s.readVersion())
		}
		if d := pageDiff(got, want); d != "" {
			return fmt.Errorf("page %s: %s", describeArgs(args), d)
		}
	}
	return nil
}

// sameCursors reports whether two lists of cursors are the same, as their
// clients see them: their encodings (a cursor the read cache encoded holds
// its text).
func sameCursors(a, b []Cursor) bool {
	return slices.EqualFunc(a, b, func(x, y Cursor) bool { return x.String() == y.String() })
}

// pageDiff says how two pages differ, "" when they do not.
func pageDiff(got, want Page[*domain.Node]) string {
	ids := func(p Page[*domain.Node]) []string {
		var out []string
		for _, n := range p.Items {
			out = append(out, n.ID)
		}
		return out
	}
	switch {
	case !slices.Equal(ids(got), ids(want)):
		return fmt.Sprintf("items %v, want %v", ids(got), ids(want))
	case !sameCursors(got.Cursors, want.Cursors):
		return fmt.Sprintf("cursors %v, want %v", got.Cursors, want.Cursors)
	case got.Total != want.Total || got.HasPrev != want.HasPrev || got.HasNext != want.HasNext:
		return fmt.Sprintf("total %d prev %v next %v, want %d %v %v", got.Total, got.HasPrev, got.HasNext, want.Total, want.HasPrev, want.HasNext)
	}
	return ""
}

func describeArgs(a PageArgs) string {
	d := func(p *int) any {
		if p == nil {
			return "-"
		}
		return *p
	}
	c := func(p *string) string {
		if p == nil {
			return "-"
		}
		cur, _ := ParseCursor(*p)
		return cur.Key + "|" + cur.ID
	}
	return fmt.Sprintf("first %v last %v after %s before %s", d(a.First), d(a.Last), c(a.After), c(a.Before))
}

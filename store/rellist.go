package store

import (
	"context"
	"sort"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// relList is a node's whole relation order as the read cache keeps it:
// every entry in key order with the relation it names and its cursor, so
// a page is cut from it as relationPage cuts it from the iterator, with no
// Badger read. big marks a node with more than maxCachedRelations entries:
// its pages are read through the iterator.
type relList struct {
	// text holds, for each entry one after the other, its key after the
	// node's prefix, its cursor's key and id, and the cursor encoded for
	// the relations order: one string, few pointers for the collector.
	text    string
	entries []relEntry
	big     bool
}

// relEntry is one entry of a relList: its relation (shared, read-only)
// and where its parts start in text.
type relEntry struct {
	rel *domain.Relation
	at  [4]uint32 // key, cursor key, cursor id, encoded cursor
}

// relationsOrder is the Order of the relations pages' cursors (graph/model),
// the one the list encodes its cursors for.
const relationsOrder = "relations"

// part returns part j of entry i.
func (l *relList) part(i, j int) string {
	end := uint32(len(l.text))
	switch {
	case j < 3:
		end = l.entries[i].at[j+1]
	case i+1 < len(l.entries):
		end = l.entries[i+1].at[0]
	}
	return l.text[l.entries[i].at[j]:end]
}

func (l *relList) key(i int) string { return l.part(i, 0) }

// cursor returns entry i's cursor for args, with its encoding when args
// are those it was encoded for.
func (l *relList) cursor(i int, args PageArgs) Cursor {
	c := Cursor{Key: l.part(i, 1), ID: l.part(i, 2), Order: args.Order, List: args.List}
	if args.Order == relationsOrder && args.List == "" {
		c.text = l.part(i, 3)
	}
	return c
}

// search returns the index of the first entry whose key is at or after k.
func (l *relList) search(k string) int {
	return sort.Search(len(l.entries), func(i int) bool { return l.key(i) >= k })
}

// weight is what the list holds, its relations included.
func (l *relList) weight() int {
	w := entryOverhead + len(l.text) + 32*len(l.entries)
	for _, e := range l.entries {
		w += relationWeight(e.rel)
	}
	return w
}

// readRelList reads the whole relation order of node id with it, or marks
// it big past maxCachedRelations entries.
func readRelList(ctx context.Context, txn *badger.Txn, it *badger.Iterator, id string) (*relList, error) {
	prefix := relOrderPrefix(id)
	var keys, edges [][]byte // the iterator's items are valid until it moves
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		if err := scanDone(ctx, len(keys)); err != nil {
			return nil, err
		}
		if len(keys) == maxCachedRelations {
			return &relList{big: true}, nil
		}
		edge, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, err
		}
		keys, edges = append(keys, it.Item().KeyCopy(nil)[len(prefix):]), append(edges, edge)
	}
	l := &relList{entries: make([]relEntry, len(keys))}
	var text []byte
	for i, edge := range edges {
		r, err := relationOfEdge(txn, edge)
		if err != nil {
			return nil, err
		}
		c := RelationCursor(id, r)
		c.Order = relationsOrder
		e := &l.entries[i]
		e.rel = r
		e.at[0] = uint32(len(text))
		text = append(text, keys[i]...)
		e.at[1] = uint32(len(text))
		text = append(text, c.Key...)
		e.at[2] = uint32(len(text))
		text = append(text, c.ID...)
		e.at[3] = uint32(len(text))
		text = append(text, c.String()...)
	}
	l.text = string(text)
	return l, nil
}

// page cuts q's page from the list, as relationPage reads it.
func (l *relList) page(q RelPageQuery, rq relPageRead) Page[*domain.Relation] {
	var p Page[*domain.Relation]
	plen := len(relOrderPrefix(q.ID))
	var pos string
	if rq.pos != nil {
		pos = string(rq.pos[plen:])
	}
	matches := func(i int) bool {
		k := l.key(i)
		return (rq.list < 0 || int(k[len(k)-1]) == rq.list) && l.entries[i].rel.InForce(q.AsOf)
	}
	for _, rg := range rq.ranges {
		rg := rg[plen:]
		lo, hi := l.search(string(rg)), l.search(string(upperBound(rg)))
		from := lo
		if rq.pos != nil {
			from = max(lo, min(hi, l.search(pos)))
		}
		for i := lo; i < from; i++ { // at or before the cursor
			if matches(i) {
				p.HasPrev = true
				p.Total++
				if !q.Count {
					break
				}
			}
		}
		for i := from; i < hi; i++ {
			if !matches(i) {
				continue
			}
			p.Total++
			if len(p.Items) < rq.first {
				if p.Items == nil { // room for the page, or for what is left of the list
					n := min(rq.first, len(l.entries)-i)
					p.Items, p.Cursors = make([]*domain.Relation, 0, n), make([]Cursor, 0, n)
				}
				p.Items, p.Cursors = append(p.Items, l.entries[i].rel), append(p.Cursors, l.cursor(i, q.Args))
				continue
			}
			p.HasNext = true
			if !q.Count {
				p.Total = 0
				return p
			}
		}
	}
	if !q.Count {
		p.Total = 0
	}
	return p
}

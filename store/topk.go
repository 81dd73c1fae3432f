package store

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// SearchRequest asks for one page of a search.
type SearchRequest struct {
	Query string
	Kinds []domain.Kind // all kinds when empty
	First int           // page size, 0 to MaxSearchPage
	After *string       // a cursor of an earlier page: the page starts after it
	Count bool          // count every hit (Page.Total); 0 when false
}

// MaxSearchPage bounds a page of search.
const MaxSearchPage = 500

// searchOrder names the order of search cursors (PageArgs.Order).
const searchOrder = "search"

// SearchPage returns one page of what Search finds, in the same order with
// the same scores and cursors. A one-word query reads the first entries of
// its posting lists (postings.go) and stops once the page is certain, so
// its cost follows the page, not the number of hits; counting them is
// asked for separately and reads keys only. A query of several words reads
// its candidates as keys and ranks only those that can reach the page
// (bounds.go); one whose last word is longer than the prefix lists ranks
// every candidate. Returns EBADINPUT for a bad query, kind, page size or
// cursor.
func (s *Store) SearchPage(ctx context.Context, req SearchRequest) (Page[SearchHit], error) {
	q, err := parseQuery(req.Query)
	if err != nil {
		return Page[SearchHit]{}, err
	}
	kcs, err := searchKinds(req.Kinds)
	if err != nil {
		return Page[SearchHit]{}, err
	}
	if req.First < 0 || req.First > MaxSearchPage {
		return Page[SearchHit]{}, domain.Errorf(domain.EBADINPUT, "first takes 0 to %d, not %d", MaxSearchPage, req.First)
	}
	args := PageArgs{First: &req.First, After: req.After, Order: searchOrder}
	var after *Cursor
	if req.After != nil {
		c, err := args.parse(*req.After)
		if err == nil {
			_, _, err = splitHitKey(c)
		}
		if err != nil {
			return Page[SearchHit]{}, err
		}
		after = &c
	}
	var p Page[SearchHit]
	err = s.view(ctx, func(txn *badger.Txn) error {
		switch {
		case len(q.tokens[len(q.tokens)-1]) > maxPrefixLen: // no prefix list of its own
			hits, err := q.rankAll(ctx, txn, kcs)
			if err == nil {
				p, err = Paginate(hits, SearchHit.Cursor, false, args)
			}
			return err
		case len(q.tokens) > 1:
			p, err = q.boundedPage(ctx, txn, kcs, after, req.First)
			return err
		}
		if p, err = q.page(ctx, txn, kcs, after, req.First); err != nil || !req.Count {
			return err
		}
		p.Total, err = s.countHits(ctx, txn, q, kcs)
		return err
	})
	return p, err
}

// Search returns every hit of query, best first (score, then folded name,
// then id), optionally of some kinds only. Matching is case- and
// accent-insensitive, on words and their French stems, and the last word
// also matches as a prefix, so a query can be typed incrementally. It ranks
// every candidate: SearchPage is the way to a page. Returns EBADINPUT for an
// empty query, one with no letter or digit, a too long one, or an unknown kind.
func (s *Store) Search(ctx context.Context, query string, kinds []domain.Kind) ([]SearchHit, error) {
	q, err := parseQuery(query)
	if err != nil {
		return nil, err
	}
	kcs, err := searchKinds(kinds)
	if err != nil {
		return nil, err
	}
	var hits []SearchHit
	err = s.view(ctx, func(txn *badger.Txn) error {
		hits, err = q.rankAll(ctx, txn, kcs)
		return err
	})
	return hits, err
}

// searchKinds returns the key codes of kinds, each once; every kind when
// there are none. Returns EBADINPUT for an unknown kind.
func searchKinds(kinds []domain.Kind) ([]byte, error) {
	var kcs []byte
	for _, k := range kinds {
		kc, ok := kindCode(k)
		if !ok {
			return nil, domain.Errorf(domain.EBADINPUT, "unknown node kind %s", quoteShort(string(k)))
		}
		kcs = append(kcs, kc)
	}
	if len(kinds) == 0 {
		for _, info := range domain.Kinds {
			kcs = append(kcs, info.Code)
		}
	}
	slices.Sort(kcs)
	return slices.Compact(kcs), nil
}

// page is the page of size first after the cursor after, for a one-word
// query: the k best (k = first, and one more to know if there is a next
// page) are certain after reading at most about k entries of each list.
func (q searchQuery) page(ctx context.Context, txn *badger.Txn, kcs []byte, after *Cursor, first int) (Page[SearchHit], error) {
	return cutPage(first, after, func(after *Cursor, need int) ([]SearchHit, error) {
		return q.top(ctx, txn, kcs, after, need)
	})
}

// cutPage makes the page of size first after the cursor after from top,
// which returns the need best hits after a cursor (from the start when nil).
func cutPage(first int, after *Cursor, top func(after *Cursor, need int) ([]SearchHit, error)) (Page[SearchHit], error) {
	var p Page[SearchHit]
	hits, err := top(after, first+1)
	if err != nil {
		return p, err
	}
	p.HasNext = len(hits) > first
	p.Items = hits[:min(len(hits), first)]
	for _, h := range p.Items {
		c := h.cursor
		c.Order = searchOrder
		p.Cursors = append(p.Cursors, c)
	}
	if after != nil { // as Paginate: is there a hit at or before the cursor?
		best, err := top(nil, 1)
		if err != nil {
			return p, err
		}
		p.HasPrev = len(best) > 0 && best[0].cursor.Compare(*after) <= 0
	}
	return p, nil
}

// top returns the need best hits after the cursor after (from the start
// when nil), best first. For each kind, the word's prefix list holds its
// nodes with their exact scores; the stem list holds the others with theirs
// (a node of both is skipped there: its prefix entry ranks it at least as
// high). Each list is read from the cursor until its entries rank below the
// need best read so far, and only those are read as nodes.
func (q searchQuery) top(ctx context.Context, txn *badger.Txn, kcs []byte, after *Cursor, need int) ([]SearchHit, error) {
	word, stem := q.tokens[0], q.stems[0]
	inPrefixList := func(tokens []byte) bool { return hasTokenPrefix(tokens, word) }
	prefixes, stems := listIterator(txn, pPrefixPosting, word), listIterator(txn, pStemPosting, stem)
	defer prefixes.Close()
	defer stems.Close()
	var kept []entry
	var bound []byte
	for _, kc := range kcs {
		for _, l := range []struct {
			it   *badger.Iterator
			list []byte
			skip func([]byte) bool
		}{{prefixes, postingList(pPrefixPosting, word, kc), nil}, {stems, postingList(pStemPosting, stem, kc), inPrefixList}} {
			es, err := collect(ctx, l.it, l.list, after, need, bound, l.skip)
			if err != nil {
				return nil, err
			}
			kept, bound = keepBest(append(kept, es...), need)
		}
	}
	hits := make([]SearchHit, 0, len(kept))
	for _, e := range kept {
		h, ok, err := q.rankID(txn, e.id)
		if err != nil {
			return nil, err
		}
		if ok && (after == nil || h.cursor.Compare(*after) > 0) {
			hits = append(hits, h)
		}
	}
	slices.SortFunc(hits, func(a, b SearchHit) int { return a.cursor.Compare(b.cursor) })
	return hits[:min(len(hits), need)], nil
}

// entry is a posting read by collect: its rank (the key's inverted score
// and name, whatever the list), its node, and whether it certainly comes
// after the cursor.
type entry struct {
	rank    []byte
	id      string
	certain bool
}

// keepBest sorts entries by rank and id and keeps those that can still be
// among the need best: up to the need-th certain one and those of the same
// rank (a name longer than a key holds may order them otherwise). Returns
// that rank as the bound past which a list need not be read, nil while
// fewer than need are certain.
func keepBest(es []entry, need int) ([]entry, []byte) {
	slices.SortFunc(es, func(a, b entry) int { return cmp.Or(bytes.Compare(a.rank, b.rank), strings.Compare(a.id, b.id)) })
	certain := 0
	for i, e := range es {
		if e.certain {
			certain++
		}
		if certain == need {
			j := i + 1
			for j < len(es) && bytes.Equal(es[j].rank, e.rank) {
				j++
			}
			return es[:j], e.rank
		}
	}
	return es, nil
}

// collect reads a posting list from the cursor after until need entries
// certainly after it are read, and those of the same rank as the last of
// them; or until an entry ranks past bound (when not nil). Entries whose
// value skip accepts are passed over.
func collect(ctx context.Context, it *badger.Iterator, list []byte, after *Cursor, need int, bound []byte, skip func([]byte) bool) ([]entry, error) {
	var es []entry
	start, cursorRank := list, []byte(nil)
	if after != nil {
		inv, name, _ := splitHitKey(*after)
		cursorRank = postingKey(nil, inv, name, "")
		start = append(slices.Clip(list), cursorRank...)
	}
	certain, last := 0, []byte(nil)
	i := 0
	for it.Seek(start); it.ValidForPrefix(list); it.Next() {
		if err := scanDone(ctx, i); err != nil {
			return nil, err
		}
		i++
		postingsRead.Add(1)
		p, err := parsePosting(it.Item().Key())
		if err != nil {
			return nil, err
		}
		if bound != nil && bytes.Compare(p.rank, bound) > 0 {
			break
		}
		if certain >= need && !bytes.Equal(p.rank, last) {
			break
		}
		e := entry{rank: bytes.Clone(p.rank), id: p.id, certain: true}
		if after != nil {
			switch o := bytes.Compare(p.rank, cursorRank); {
			case o < 0:
				continue
			case o == 0 && len(p.name) >= maxKeyName:
				e.certain = false // the names may differ past the key: the node decides
			case o == 0 && p.id <= after.ID:
				continue
			}
		}
		if skip != nil {
			var skipped bool
			if err := it.Item().Value(func(v []byte) error { skipped = skip(v); return nil }); err != nil {
				return nil, err
			}
			if skipped {
				continue
			}
		}
		es = append(es, e)
		if e.certain {
			certain, last = certain+1, e.rank
		}
	}
	return es, nil
}

// splitHitKey reads the inverted score and folded name of a search cursor
// (hitCursor). Returns EBADINPUT for a cursor search does not write.
func splitHitKey(c Cursor) (uint32, string, error) {
	digits, name, ok := strings.Cut(c.Key, "|")
	inv, err := strconv.ParseUint(digits, 10, 32)
	if !ok || err != nil || len(digits) != 8 {
		return 0, "", domain.Errorf(domain.EBADINPUT, "invalid cursor: not one of search")
	}
	return uint32(inv), name, nil
}

// postingsRead and nodesRanked count what pages read, for the tests that
// show a page's work does not grow with the graph.
var postingsRead, nodesRanked atomic.Int64

// rankID reads a node and ranks it; false when it does not match.
func (q searchQuery) rankID(txn *badger.Txn, id string) (SearchHit, bool, error) {
	nodesRanked.Add(1)
	var n domain.Node
	if err := getNode(txn, id, &n); err != nil {
		return SearchHit{}, false, err
	}
	h, ok := q.rank(&n)
	if ok {
		h.cursor = hitCursor(h)
	}
	return h, ok, nil
}

// countHits is count, once per data version, word and kinds
// (versionCounts): the count reads every posting of the word, which grows
// with the graph, the page does not.
func (s *Store) countHits(ctx context.Context, txn *badger.Txn, q searchQuery, kcs []byte) (int, error) {
	key := q.tokens[0] + "\x00" + string(kcs)
	return s.hitCounts.get(txn.ReadTs(), key, func() (int, error) { return q.count(ctx, txn, kcs) })
}

// count counts the hits of a one-word query from the keys of its lists: a
// node of the prefix list once, a node of the stem list when none of its
// tokens begins with the word. No node is read.
func (q searchQuery) count(ctx context.Context, txn *badger.Txn, kcs []byte) (int, error) {
	word, stem := q.tokens[0], q.stems[0]
	prefixes, stems := listIterator(txn, pPrefixPosting, word), listIterator(txn, pStemPosting, stem)
	defer prefixes.Close()
	defer stems.Close()
	n, i := 0, 0
	for _, kc := range kcs {
		for _, l := range []struct {
			it   *badger.Iterator
			list []byte
		}{{prefixes, postingList(pPrefixPosting, word, kc)}, {stems, postingList(pStemPosting, stem, kc)}} {
			it, list := l.it, l.list
			for it.Seek(list); it.ValidForPrefix(list); it.Next() {
				if err := scanDone(ctx, i); err != nil {
					return 0, err
				}
				i++
				counted := list[0] == pPrefixPosting
				if !counted {
					err := it.Item().Value(func(tokens []byte) error { counted = !hasTokenPrefix(tokens, word); return nil })
					if err != nil {
						return 0, err
					}
				}
				if counted {
					n++
				}
			}
		}
	}
	return n, nil
}

// rankAll ranks every candidate of the query: the nodes under each word's
// stem, and those with a token that begins with the last word (through the
// prefix list of its first maxPrefixLen bytes: rank drops the others). Each
// list is read up to maxPrefixEntries entries, so a short prefix typed in a
// large graph costs a bounded read.
func (q searchQuery) rankAll(ctx context.Context, txn *badger.Txn, kcs []byte) ([]SearchHit, error) {
	last := q.tokens[len(q.tokens)-1]
	if len(last) > maxPrefixLen {
		last = truncateUTF8(last, maxPrefixLen)
	}
	var lists [][]byte
	for _, st := range q.stems {
		lists = append(lists, postingLists(pStemPosting, st))
	}
	lists = append(lists, postingLists(pPrefixPosting, last))
	seen := map[string]bool{}
	var hits []SearchHit
	for _, list := range lists {
		read := 0
		for _, kc := range kcs {
			err := scanKeys(ctx, txn, keyWriter(slices.Clip(list)).byte1(kc), func(k []byte) error {
				if read++; read > maxPrefixEntries {
					return errEnough
				}
				p, err := parsePosting(k)
				if err != nil || seen[p.id] {
					return err
				}
				seen[p.id] = true
				h, ok, err := q.rankID(txn, p.id)
				if ok {
					hits = append(hits, h)
				}
				return err
			})
			if err == errEnough {
				break
			}
			if err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(hits, func(a, b SearchHit) int { return a.cursor.Compare(b.cursor) })
	return hits, nil
}

// errBadPosting is a posting key that does not parse.
var errBadPosting = errors.New("search index: a posting key without the end of its name")

// maxPrefixEntries bounds the entries one list of rankAll reads.
const maxPrefixEntries = 20000

package store

import (
	"cmp"
	"context"
	"encoding/binary"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// A query of several words ranks a node on all its texts at once, which no
// one posting list orders. But each word's lists give, from their keys
// alone, an upper bound of that rank: a text's coverage is at most the sum
// of what each word covers of its best text, and each list's score holds
// that part. So the candidates are read as keys (every one is a hit, which
// also counts them), ordered by bound, and only those whose bound reaches
// the page's last score are read as nodes and ranked.

// candidate is a node met in the lists of a query of several words.
type candidate struct {
	id     string
	cover  [MaxQueryTokens]float64 // per word: at most what it covers of one text
	word   uint16                  // per word: found under its stem
	prefix bool                    // the last word begins one of its tokens
	bound  float64
}

// boundSlack absorbs the rounding of scores into keys (1e-6) and of sums.
const boundSlack = 1e-5

// candidates reads the lists of every word and kind: the stem lists of each
// word, the prefix list of the last (shorter than maxPrefixLen). Each list
// is read up to maxPrefixEntries entries.
func (q searchQuery) candidates(ctx context.Context, txn *badger.Txn, kcs []byte) ([]*candidate, error) {
	byID := map[string]*candidate{}
	var out []*candidate
	last := len(q.tokens) - 1
	visit := func(family byte, token string, i int) error {
		it := listIterator(txn, family, token)
		defer it.Close()
		read := 0
		for _, kc := range kcs {
			list := postingList(family, token, kc)
			for it.Seek(list); it.ValidForPrefix(list) && read < maxPrefixEntries; it.Next() {
				if err := scanDone(ctx, read); err != nil {
					return err
				}
				read++
				inv, id, ok := postingRank(it.Item().Key(), len(list))
				if !ok {
					return errBadPosting
				}
				c := byID[string(id)]
				if c == nil {
					c = &candidate{id: string(id)}
					byID[c.id] = c
					out = append(out, c)
				}
				c.cover[i] = max(c.cover[i], coverOf(10-float64(inv)/1e6))
				if family == pStemPosting {
					c.word |= 1 << i
				} else {
					c.prefix = true
				}
			}
		}
		return nil
	}
	for i, st := range q.stems {
		if err := visit(pStemPosting, st, i); err != nil {
			return nil, err
		}
	}
	if err := visit(pPrefixPosting, q.tokens[last], last); err != nil {
		return nil, err
	}
	for _, c := range out {
		c.bound = q.bound(c)
	}
	return out, nil
}

// coverOf is at most the coverage of one text that a one-word score holds:
// 1 for an exact name (4), the fraction above the class otherwise.
func coverOf(score float64) float64 {
	switch {
	case score >= classExact+1-boundSlack:
		return 1
	case score > classWords+boundSlack:
		return min(1, score-classWords+boundSlack)
	default:
		return min(1, score-classPrefix+boundSlack)
	}
}

// bound is the best score rank can give c (rank's classes, with coverage at
// most the sum of the words' covers): 4 only if every word is a word of it
// and covers at least 1/n of a text, as in a text that is the query.
func (q searchQuery) bound(c *candidate) float64 {
	n := len(q.tokens)
	sum, matched, allWords, least := 0.0, 0, true, 1.0
	for i := range n {
		found := c.word&(1<<i) != 0
		if i == n-1 {
			found = found || c.prefix
		}
		if found {
			matched++
		}
		allWords = allWords && c.word&(1<<i) != 0
		sum += c.cover[i]
		least = min(least, c.cover[i])
	}
	cover := min(1, sum)
	switch {
	case allWords && least >= 1/float64(n)-boundSlack:
		return classExact + 1
	case allWords:
		return classWords + cover
	case matched == n:
		return classPrefix + cover
	default:
		return classSome + cover*float64(matched)/float64(n)
	}
}

// postingRank reads the inverted score and the id of a posting key whose
// list prefix is listLen bytes long, without copying.
func postingRank(key []byte, listLen int) (uint32, []byte, bool) {
	if len(key) < listLen+4+2 {
		return 0, nil, false
	}
	inv := binary.BigEndian.Uint32(key[listLen:])
	for i := listLen + 4; i+1 < len(key); i++ {
		switch {
		case key[i] != 0:
		case key[i+1] == 0xFF: // an escaped zero byte of the name
			i++
		case key[i+1] == 1: // the end of the name (keyWriter.ordered)
			return inv, key[i+2:], true
		default:
			return 0, nil, false
		}
	}
	return 0, nil, false
}

// boundedTop returns the need best hits after the cursor after among
// cands: it ranks them in the order of their bounds and stops at the first
// whose bound is below the need-th score found.
func (q searchQuery) boundedTop(nodes nodeReader, cands []*candidate, after *Cursor, need int) ([]SearchHit, error) {
	var hits []SearchHit
	for _, c := range cands {
		if len(hits) >= need && c.bound+boundSlack < hits[need-1].Score {
			break
		}
		h, ok, err := q.rankID(nodes, c.id)
		if err != nil {
			return nil, err
		}
		if !ok || (after != nil && h.cursor.Compare(*after) <= 0) {
			continue
		}
		i, _ := slices.BinarySearchFunc(hits, h, func(a, b SearchHit) int { return a.cursor.Compare(b.cursor) })
		hits = slices.Insert(hits, i, h)
		hits = hits[:min(len(hits), need)]
	}
	return hits, nil
}

// boundedPage is the page of size first after the cursor after for a
// query of several words, and the count of its hits.
func (q searchQuery) boundedPage(ctx context.Context, txn *badger.Txn, nodes nodeReader, kcs []byte, after *Cursor, first int) (Page[SearchHit], error) {
	cands, err := q.candidates(ctx, txn, kcs)
	if err != nil {
		return Page[SearchHit]{}, err
	}
	slices.SortFunc(cands, func(a, b *candidate) int { return cmp.Compare(b.bound, a.bound) })
	p, err := cutPage(first, after, func(after *Cursor, need int) ([]SearchHit, error) {
		return q.boundedTop(nodes, cands, after, need)
	})
	p.Total = len(cands)
	return p, err
}

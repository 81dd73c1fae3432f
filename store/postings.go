package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// The search index is two families of posting lists, each list one token
// and one kind, its entries in the order search answers: score descending,
// then folded name, then id (hitCursor's order). A page of a one-word query
// is then the first entries of a few lists, whatever the size of the graph.
//
//   - pPrefixPosting: for every beginning of every token of a node, up to
//     maxPrefixLen bytes ("c", "ce", ..., "centre"), the node scored for that
//     beginning typed as a one-word query. Each entry is a complete answer.
//   - pStemPosting: for every stem of a node, the node scored as a one-word
//     query with that stem whose letters begin none of its tokens ("sociaux"
//     finding "Centre social"). Its value holds the node's tokens, so a query
//     can tell, without reading the node, that the node is in its prefix list
//     already (with a score at least as high).
//
// A posting key: prefix byte, token, 0x00, kind code, be32(inverted score),
// the folded name (at most maxKeyName bytes, keyWriter.ordered), the id.

// maxPrefixLen bounds the beginnings of a token that get a prefix list:
// a query word longer than this is answered by ranking its candidates.
const maxPrefixLen = 20

// maxKeyName bounds the folded name in a posting key; longer names keep
// their order through the node itself (see collect).
const maxKeyName = 48

// posting is a parsed posting key.
type posting struct {
	family byte
	token  string
	kind   byte
	inv    uint32 // hitCursor's inverted score
	name   string // folded name, cut at maxKeyName
	id     string
	rank   []byte // the key from the inverted score to the end of the name: its order in any list
}

// postingList is the prefix of one list: family, token, end byte, kind.
func postingList(family byte, token string, kind byte) []byte {
	return keyWriter(postingLists(family, token)).byte1(kind)
}

// postingLists is the prefix of a token's lists of every kind.
func postingLists(family byte, token string) []byte {
	return keyWriter{family}.raw(token).byte1(0)
}

// listIterator iterates over a token's lists of every kind: with the
// prefix, Badger leaves out the tables that hold none of them, which a
// graph a hundred times larger has many more of.
func listIterator(txn *badger.Txn, family byte, token string) *badger.Iterator {
	return txn.NewIterator(badger.IteratorOptions{Prefix: postingLists(family, token)})
}

// postingKey is the key of node id, of folded name name and inverted score
// inv, in a list.
func postingKey(list []byte, inv uint32, name, id string) []byte {
	k := binary.BigEndian.AppendUint32(slices.Clip(list), inv)
	k = appendKeyName(k, name)
	return append(k, id...)
}

// appendKeyName writes a folded name, cut at maxKeyName bytes, so that keys
// sort as the names do (keyWriter.ordered).
func appendKeyName(k []byte, name string) []byte {
	if len(name) > maxKeyName {
		name = name[:maxKeyName]
	}
	return keyWriter(k).ordered(name)
}

// parsePosting inverts postingKey.
func parsePosting(b []byte) (posting, error) {
	p := posting{family: b[0]}
	end := bytes.IndexByte(b[1:], 0)
	if end < 0 || len(b) < 1+end+1+1+4 {
		return p, fmt.Errorf("key %x: short posting", b)
	}
	p.token, p.kind = string(b[1:1+end]), b[1+end+1]
	rest := b[1+end+2:]
	p.inv = binary.BigEndian.Uint32(rest)
	name, id, err := readOrdered(rest[4:])
	if err != nil {
		return p, fmt.Errorf("key %x: %w", b, err)
	}
	p.name, p.id, p.rank = name, string(id), rest[:len(rest)-len(id)]
	return p, nil
}

// inverted is the number hitCursor writes for a score: smaller is better.
func inverted(score float64) uint32 { return uint32(int64((10 - score) * 1e6)) }

// nodePostings calls fn with every posting of a node, and the value that
// goes with it.
func nodePostings(n *domain.Node, fn func(key, value []byte) error) error {
	kc, ok := kindCode(n.Kind)
	if !ok {
		return fmt.Errorf("node %s: unknown kind %q", n.ID, n.Kind)
	}
	name := FoldName(n.Name)
	terms, stems := indexTerms(n)
	for _, p := range termPrefixes(terms) {
		h, ok := singleWord(p, Stem(p)).rank(n)
		if !ok { // cannot happen: p begins a token of n
			continue
		}
		if err := fn(postingKey(postingList(pPrefixPosting, p, kc), inverted(h.Score), name, n.ID), nil); err != nil {
			return err
		}
	}
	tokens := []byte(strings.Join(terms, "\x00"))
	for _, st := range stems {
		h, ok := singleWord(noToken, st).rank(n)
		if !ok {
			continue
		}
		if err := fn(postingKey(postingList(pStemPosting, st, kc), inverted(h.Score), name, n.ID), tokens); err != nil {
			return err
		}
	}
	return nil
}

// noToken is a query word that equals and begins no token (tokens are
// letters and digits): with it, only the stem can match.
const noToken = "\x00"

// singleWord is the query of one word and its stem.
func singleWord(token, stem string) searchQuery {
	return searchQuery{tokens: []string{token}, stems: []string{stem}}
}

// termPrefixes returns the distinct beginnings of the terms, cut at
// character boundaries, up to maxPrefixLen bytes.
func termPrefixes(terms []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range terms {
		for i := range t {
			if i > 0 && !seen[t[:i]] && i <= maxPrefixLen {
				seen[t[:i]] = true
				out = append(out, t[:i])
			}
		}
		if len(t) <= maxPrefixLen && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// hasTokenPrefix reports whether a stem posting's value (the node's tokens,
// separated by zero bytes) holds a token that begins with word.
func hasTokenPrefix(tokens []byte, word string) bool {
	for len(tokens) > 0 {
		t := tokens
		if i := bytes.IndexByte(tokens, 0); i >= 0 {
			t, tokens = tokens[:i], tokens[i+1:]
		} else {
			tokens = nil
		}
		if bytes.HasPrefix(t, []byte(word)) {
			return true
		}
	}
	return false
}

// MaxSearchWords bounds the words of a node's name, short name and aliases
// together: each word has up to maxPrefixLen prefix postings, each scored
// against all the node's words, so the index of one node costs the square
// of its words. The default dataset's longest has 29.
const MaxSearchWords = 200

// putSearchIndex writes the postings of a node. It runs in the transaction
// that writes the node, so the index never lags the data. Returns
// EBADINPUT for a node with more than MaxSearchWords words to index.
func putSearchIndex(txn *badger.Txn, n *domain.Node) error {
	words := 0
	for _, f := range searchFields(n) {
		words += len(analyze(f).tokens)
	}
	if words > MaxSearchWords {
		return domain.Errorf(domain.EBADINPUT, "node %s: its name, short name and aliases hold %d words, at most %d", quoteShort(n.ID), words, MaxSearchWords)
	}
	return nodePostings(n, func(k, v []byte) error { return txn.Set(k, v) })
}

// deleteSearchIndex removes the postings of a node's old version, so a
// renamed node is no longer found by its old name.
func deleteSearchIndex(txn *badger.Txn, n *domain.Node) error {
	return nodePostings(n, func(k, _ []byte) error { return txn.Delete(k) })
}

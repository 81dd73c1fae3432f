package store

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
)

// Search limits: a query is a few words someone types, not a document.
const (
	MaxQueryLen    = 200
	MaxQueryTokens = 12
)

// Match classes, best first. A hit's score is its class plus how much of the
// matched text the query covers (0 to 1], so scores of different classes
// never mix: 4 is an exact name, (2, 3] every word, (1, 2] every word with
// the last one as a prefix, (0, 1] some of the words.
const (
	classSome   = 0
	classPrefix = 1
	classWords  = 2
	classExact  = 3
)

// SearchHit is one node found by Search, with its score and the text (name,
// short name or alias) that matched best.
type SearchHit struct {
	Node    *domain.Node
	Score   float64
	Matched string
	cursor  Cursor // computed once: sorting compares it often
}

// Cursor orders hits best first: score descending, then folded name, then id.
func (h SearchHit) Cursor() Cursor { return h.cursor }

func hitCursor(h SearchHit) Cursor {
	inverted := int64((10 - h.Score) * 1e6) // scores are in (0, 4]
	k := strconv.AppendInt(make([]byte, 0, 64), inverted, 10)
	k = append(bytes.Repeat([]byte{'0'}, max(0, 8-len(k))), k...) // as %08d
	return Cursor{Key: string(append(append(k, '|'), FoldName(h.Node.Name)...)), ID: h.Node.ID}
}

// searchQuery is a parsed query: its tokens and their stems.
type searchQuery struct {
	tokens, stems []string
}

func parseQuery(query string) (searchQuery, error) {
	if strings.TrimSpace(query) == "" {
		return searchQuery{}, domain.Errorf(domain.EBADINPUT, "the search query is empty: type a few letters of a name")
	}
	if len(query) > MaxQueryLen {
		return searchQuery{}, domain.Errorf(domain.EBADINPUT, "the search query has %d bytes, at most %d", len(query), MaxQueryLen)
	}
	tokens := Tokens(query)
	if len(tokens) == 0 {
		return searchQuery{}, domain.Errorf(domain.EBADINPUT, "the search query %q has no letter or digit", query)
	}
	if len(tokens) > MaxQueryTokens {
		return searchQuery{}, domain.Errorf(domain.EBADINPUT, "the search query has %d words, at most %d", len(tokens), MaxQueryTokens)
	}
	q := searchQuery{tokens: tokens, stems: make([]string, len(tokens))}
	for i, t := range tokens {
		q.stems[i] = Stem(t)
	}
	return q, nil
}

// fieldMatch is how a query meets one text of a node.
type fieldMatch struct {
	exact                  bool
	words, prefixes        []bool // per query token: matched as a word, as a prefix
	fieldTokens, fieldHits int
}

// rank scores a node: the best class reached over its texts (a query's words
// may be spread over name and aliases), and the best coverage of one text.
func (q searchQuery) rank(n *domain.Node) (SearchHit, bool) {
	word := make([]bool, len(q.tokens))
	prefix := make([]bool, len(q.tokens))
	best := SearchHit{Node: n}
	bestCoverage, exact := 0.0, false
	for _, text := range searchFields(n) {
		m := q.match(text)
		for i := range q.tokens {
			word[i] = word[i] || m.words[i]
			prefix[i] = prefix[i] || m.prefixes[i]
		}
		coverage := float64(m.fieldHits) / float64(max(m.fieldTokens, 1))
		if better := (m.exact && !exact) || (m.exact == exact && coverage > bestCoverage); better {
			bestCoverage, exact, best.Matched = coverage, m.exact, text
		}
	}
	matched, allWords, all := 0, true, true
	for i := range q.tokens {
		if word[i] || prefix[i] {
			matched++
		}
		allWords = allWords && word[i]
		all = all && (word[i] || prefix[i])
	}
	switch {
	case matched == 0:
		return best, false
	case exact:
		best.Score = classExact + 1
	case allWords:
		best.Score = classWords + bestCoverage
	case all:
		best.Score = classPrefix + bestCoverage
	default:
		best.Score = classSome + bestCoverage*float64(matched)/float64(len(q.tokens))
	}
	return best, true
}

// match compares the query with one text: which query tokens it holds as a
// word (same token or same stem) or, for the last token, as a prefix; how
// many of its own tokens the query covers; and whether they are the same
// words in the same order.
func (q searchQuery) match(text string) fieldMatch {
	a := analyze(text)
	ft, fs := a.tokens, a.stems
	m := fieldMatch{words: make([]bool, len(q.tokens)), prefixes: make([]bool, len(q.tokens)), fieldTokens: len(ft)}
	last := len(q.tokens) - 1
	for j := range ft {
		hit := false
		for i, t := range q.tokens {
			switch {
			case ft[j] == t || fs[j] == q.stems[i]:
				m.words[i], hit = true, true
			case i == last && strings.HasPrefix(ft[j], t):
				m.prefixes[i], hit = true, true
			}
		}
		if hit {
			m.fieldHits++
		}
	}
	m.exact = slices.EqualFunc(fs, q.stems, func(a, b string) bool { return a == b })
	return m
}

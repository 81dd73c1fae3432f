package store

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/french"
	"golang.org/x/text/unicode/norm"

	"github.com/cccs13/cccs-graph/domain"
)

// tokenizerVersion names the tokenisation rules below and the layout of the
// search index (postings.go). The index is rebuilt when a store written with
// other rules is opened: bump it whenever tokens, stemming, the stop words,
// the scores or the posting keys change. 2: scored posting lists; 3: their
// names end as keyWriter.ordered ends them.
const tokenizerVersion uint32 = 3

// maxTokenLen bounds one token in bytes, so index keys stay short.
const maxTokenLen = 64

// stopWords are French articles, prepositions and conjunctions that name
// nothing on their own ("Commune de", "l'Instruction", "Maison Pour Tous").
// Chosen by hand rather than the Snowball list, which drops verbs such as
// "est" (Sud-Est) and "a" that appear in proper names.
var stopWords = map[string]bool{
	"a": true, "au": true, "aux": true, "d": true, "de": true, "des": true, "du": true,
	"en": true, "et": true, "l": true, "la": true, "le": true, "les": true,
	"ou": true, "par": true, "pour": true, "sur": true, "un": true, "une": true,
}

// words splits text into folded words: NFKC first (so compatibility forms
// such as "ﬁ" or full-width letters become plain letters), then Fold
// (accents, ligatures such as œ, typographic apostrophes), then every run of
// letters or digits is a word, so "l'Instruction" gives "l" and "instruction"
// and "Septèmes-les-Vallons" gives "septemes", "les" and "vallons".
func words(text string) []string {
	folded := Fold(norm.NFKC.String(text))
	ws := strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range ws {
		if len(w) > maxTokenLen {
			ws[i] = truncateUTF8(w, maxTokenLen)
		}
	}
	return ws
}

// Tokens returns the words of text that carry meaning: words without the
// stop words, unless nothing else is left ("La" alone still searches "la").
func Tokens(text string) []string {
	all := words(text)
	kept := make([]string, 0, len(all))
	for _, w := range all {
		if !stopWords[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return all
	}
	return kept
}

// Stem returns the French Snowball stem of a folded token, so singular and
// plural, masculine and feminine meet: "sociaux" and "social", "centres" and
// "centre". Tokens are folded before stemming on both sides (index and
// query), because people type without accents.
func Stem(token string) string {
	if len(token) <= 3 || !isWordOfLetters(token) {
		return token
	}
	return french.Stem(token, true)
}

func isWordOfLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	for n > 0 && n < len(s) && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// searchFields are the texts of a node that search reads: its name, short
// name and aliases (acronyms such as "DLA" or "Caf 13" live there).
func searchFields(n *domain.Node) []string {
	fields := make([]string, 0, 2+len(n.Aliases))
	fields = append(fields, n.Name)
	if n.ShortName != "" {
		fields = append(fields, n.ShortName)
	}
	return append(fields, n.Aliases...)
}

// indexTerms returns the distinct tokens and stems of a node's search fields.
func indexTerms(n *domain.Node) (terms, stems []string) {
	seenT, seenS := map[string]bool{}, map[string]bool{}
	for _, f := range searchFields(n) {
		for _, t := range Tokens(f) {
			if !seenT[t] {
				seenT[t] = true
				terms = append(terms, t)
			}
			if s := Stem(t); !seenS[s] {
				seenS[s] = true
				stems = append(stems, s)
			}
		}
	}
	return terms, stems
}

package store

// analysis is a text's search tokens and their stems.
type analysis struct{ tokens, stems []string }

// analyses remembers the analysis of the texts search has ranked (names,
// short names, aliases): tokenizing and stemming them again for every
// candidate of every query was most of a search's time, and grew with the
// dataset. Pure functions of the text, so nothing goes stale.
var analyses = newMemo[analysis](func(text string) int64 { return 4*int64(len(text)) + 128 })

// analyze returns Tokens(text) and the Stem of each, shared: read-only.
func analyze(text string) analysis {
	if a, ok := analyses.getString(text); ok {
		return a
	}
	a := analysis{tokens: Tokens(text)}
	a.stems = make([]string, len(a.tokens))
	for i, t := range a.tokens {
		a.stems[i] = Stem(t)
	}
	analyses.put(text, a)
	return a
}

// folded remembers Fold of the names that pages and search hits sort by.
var folded = newMemo[string](func(name string) int64 { return 2*int64(len(name)) + 64 })

// FoldName is Fold, remembered: for names, which recur on every page and
// every search, not for arbitrary input.
func FoldName(s string) string {
	if f, ok := folded.getString(s); ok {
		return f
	}
	f := Fold(s)
	folded.put(s, f)
	return f
}

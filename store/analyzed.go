package store

import "sync"

// analysis is a text's search tokens and their stems.
type analysis struct{ tokens, stems []string }

// analyses remembers the analysis of the texts search has ranked (names,
// short names, aliases): tokenizing and stemming them again for every
// candidate of every query was most of a search's time, and grew with the
// dataset. Pure functions of the text, so nothing goes stale; bounded like
// the memos.
var analyses = struct {
	mu sync.RWMutex
	m  map[string]analysis
}{m: map[string]analysis{}}

// analyze returns Tokens(text) and the Stem of each, shared: read-only.
func analyze(text string) analysis {
	analyses.mu.RLock()
	a, ok := analyses.m[text]
	analyses.mu.RUnlock()
	if ok {
		return a
	}
	a.tokens = Tokens(text)
	a.stems = make([]string, len(a.tokens))
	for i, t := range a.tokens {
		a.stems[i] = Stem(t)
	}
	analyses.mu.Lock()
	if len(analyses.m) >= memoMax {
		clear(analyses.m)
	}
	analyses.m[text] = a
	analyses.mu.Unlock()
	return a
}

// folded remembers Fold of the names that pages and search hits sort by.
var folded = struct {
	mu sync.RWMutex
	m  map[string]string
}{m: map[string]string{}}

// FoldName is Fold, remembered: for names, which recur on every page and
// every search, not for arbitrary input.
func FoldName(s string) string {
	folded.mu.RLock()
	f, ok := folded.m[s]
	folded.mu.RUnlock()
	if ok {
		return f
	}
	f = Fold(s)
	folded.mu.Lock()
	if len(folded.m) >= memoMax {
		clear(folded.m)
	}
	folded.m[s] = f
	folded.mu.Unlock()
	return f
}

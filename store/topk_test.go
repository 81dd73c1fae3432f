package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/synth"
	"github.com/cccs13/cccs-graph/store"
)

var ctx = context.Background()

// TestSearchPageIsTheBruteForceRanking compares every page SearchPage
// answers with the same page cut from the ranking of every node of the
// store (store.BruteForce, which reads no index), for queries made from the
// real names: beginnings of words, whole words with their accents or
// upper-cased, plurals, several words, whole names; with and without kind
// filters; walking pages of several sizes through their cursors. On the
// default dataset and on ten times it.
func TestSearchPageIsTheBruteForceRanking(t *testing.T) {
	for _, factor := range []int{1, 10} {
		t.Run(fmt.Sprintf("%dx", factor), func(t *testing.T) {
			if factor > 1 && testing.Short() {
				t.Skip("-short: the 1x dataset only")
			}
			s := scaled(t, factor)
			var nodes []*domain.Node
			for _, info := range domain.Kinds {
				ns, err := s.NodesOfKind(ctx, info.Kind)
				if err != nil {
					t.Fatal(err)
				}
				nodes = append(nodes, ns...)
			}
			rnd := rand.New(rand.NewPCG(uint64(factor), 15))
			queries := 300
			if factor > 1 {
				queries = 120
			}
			for range queries {
				q := randomQuery(rnd, nodes)
				kinds := randomKinds(rnd)
				checkPages(t, s, q, kinds, rnd)
			}
			for _, q := range []string{"centre", "c", "Centre social", "centres sociaux", "septe", "Septèmes", "LÉO LAGRANGE", "caf 13", "la", "de la", "13"} {
				checkPages(t, s, q, nil, rnd)
			}
			for _, info := range domain.Kinds { // every kind filter
				for _, q := range []string{"c", "centre", "convention 2015", randomQuery(rnd, nodes)} {
					checkPages(t, s, q, []domain.Kind{info.Kind}, rnd)
				}
			}
		})
	}
}

// A page of one word reads about first+1 entries a list and ranks about
// first+1 nodes, whatever the number of hits: the same at 1x and 10x.
func TestSearchPageWorkDoesNotGrowWithTheGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the 10x dataset")
	}
	work := map[int][2]int64{}
	for _, factor := range []int{1, 10} {
		s := scaled(t, factor)
		p0, n0 := store.PageWork()
		page, err := s.SearchPage(ctx, store.SearchRequest{Query: "centre", First: 20})
		if err != nil || len(page.Items) != 20 {
			t.Fatalf("%dx: %d hits, %v", factor, len(page.Items), err)
		}
		p1, n1 := store.PageWork()
		work[factor] = [2]int64{p1 - p0, n1 - n0}
	}
	if w1, w10 := work[1], work[10]; w10[0] > 2*w1[0] || w10[1] > 2*21 {
		t.Errorf("a page read %d postings and ranked %d nodes at 1x, %d and %d at 10x", w1[0], w1[1], w10[0], w10[1])
	}
	t.Logf("postings read, nodes ranked: 1x %v, 10x %v", work[1], work[10])
}

// checkPages walks up to four pages of one query and compares each with
// the brute-force ranking.
func checkPages(t *testing.T, s *store.Store, query string, kinds []domain.Kind, rnd *rand.Rand) {
	t.Helper()
	all, err := store.BruteForce(ctx, s, query, kinds)
	if err != nil {
		_, perr := s.SearchPage(ctx, store.SearchRequest{Query: query, Kinds: kinds, First: 1})
		if code := domain.ErrorCode(err); code != domain.EBADINPUT || domain.ErrorCode(perr) != code {
			t.Fatalf("search %.40q: SearchPage's error %v, want %v", query, perr, err)
		}
		return
	}
	first := []int{0, 1, 3, 7, 20}[rnd.IntN(5)]
	var after *string
	if len(all) > 0 && rnd.IntN(8) == 0 { // a cursor from anywhere in the list
		c := all[rnd.IntN(len(all))].Cursor()
		c.Order = store.SearchOrder
		cs := c.String()
		after = &cs
	}
	for page := range 4 {
		count := rnd.IntN(2) == 0
		got, err := s.SearchPage(ctx, store.SearchRequest{Query: query, Kinds: kinds, First: first, After: after, Count: count})
		if err != nil {
			t.Fatalf("SearchPage(%q, %v, first %d): %v", query, kinds, first, err)
		}
		want, err := store.Paginate(all, store.SearchHit.Cursor, false, store.PageArgs{First: &first, After: after, Order: store.SearchOrder})
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("search %q kinds %v first %d page %d", query, kinds, first, page)
		if diff := comparePages(got, want, count); diff != "" {
			t.Fatalf("%s: %s", what, diff)
		}
		if !got.HasNext || len(got.Cursors) == 0 {
			return
		}
		end := got.Cursors[len(got.Cursors)-1].String()
		after = &end
	}
}

// comparePages describes the first difference between two pages, "" when
// they are the same.
func comparePages(got, want store.Page[store.SearchHit], count bool) string {
	if len(got.Items) != len(want.Items) {
		return fmt.Sprintf("%d hits, want %d: %v, want %v", len(got.Items), len(want.Items), ids(got.Items), ids(want.Items))
	}
	for i, h := range got.Items {
		w := want.Items[i]
		if h.Node.ID != w.Node.ID || h.Score != w.Score || h.Matched != w.Matched || got.Cursors[i] != want.Cursors[i] {
			return fmt.Sprintf("hit %d: %s %v %q %v, want %s %v %q %v (page %v, want %v)", i, h.Node.ID, h.Score, h.Matched, got.Cursors[i],
				w.Node.ID, w.Score, w.Matched, want.Cursors[i], ids(got.Items), ids(want.Items))
		}
	}
	if got.HasNext != want.HasNext || got.HasPrev != want.HasPrev {
		return fmt.Sprintf("hasNext %v hasPrev %v, want %v %v", got.HasNext, got.HasPrev, want.HasNext, want.HasPrev)
	}
	if count && got.Total != want.Total {
		return fmt.Sprintf("total %d, want %d", got.Total, want.Total)
	}
	return ""
}

func ids(hits []store.SearchHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Node.ID
	}
	return out
}

// randomQuery makes a query from the words of a real name, short name or
// alias, as people type them.
func randomQuery(rnd *rand.Rand, nodes []*domain.Node) string {
	n := nodes[rnd.IntN(len(nodes))]
	texts := append([]string{n.Name, n.ShortName}, n.Aliases...)
	text := texts[rnd.IntN(len(texts))]
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return "centre"
	}
	w := rnd.IntN(len(words))
	word := words[w]
	switch rnd.IntN(7) {
	case 0, 1: // the beginning of a word
		return beginning(rnd, word)
	case 2: // a whole word, accents and all, or upper-cased
		if rnd.IntN(2) == 0 {
			return strings.ToUpper(word)
		}
		return word
	case 3: // a plural: the stem list, not the prefix one
		return strings.ToLower(word) + "s"
	case 4: // a few words, the last one being typed
		end := min(len(words), w+1+rnd.IntN(3))
		ws := slices.Clone(words[w:end])
		ws[len(ws)-1] = beginning(rnd, ws[len(ws)-1])
		return strings.Join(ws, " ")
	case 5: // the whole text
		return text
	default: // a long word beyond the prefix lists, or a word of another name
		return strings.Repeat(strings.ToLower(word), 1+rnd.IntN(4))
	}
}

func beginning(rnd *rand.Rand, word string) string {
	rs := []rune(word)
	return string(rs[:1+rnd.IntN(len(rs))])
}

// randomKinds is no filter half of the time, else one or two kinds.
func randomKinds(rnd *rand.Rand) []domain.Kind {
	switch rnd.IntN(4) {
	case 0, 1:
		return nil
	case 2:
		return []domain.Kind{domain.Kinds[rnd.IntN(len(domain.Kinds))].Kind}
	default:
		return []domain.Kind{domain.Kinds[rnd.IntN(len(domain.Kinds))].Kind, domain.Kinds[rnd.IntN(len(domain.Kinds))].Kind}
	}
}

// scaled is an in-memory store with the default dataset (1) or the
// synthetic one factor times its size, compacted.
func scaled(t testing.TB, factor int) *store.Store {
	t.Helper()
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if factor == 1 {
		if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	ds, err := synth.Default(factor)
	if err != nil {
		t.Fatal(err)
	}
	files, err := synth.Chunks(ds, 2000)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := s.Import(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Compact(); err != nil { // as the server before it serves
		t.Fatal(err)
	}
	return s
}

// BenchmarkSearchPage is the page of the search shape (first 20) on the
// store alone, with and without its count, at each factor of
// CCCS_BENCH_FACTORS (default 1), with x-1x against 1x in the same run:
//
//	CCCS_BENCH_FACTORS=1,10,100 go test -run '^$' -bench SearchPage ./store
func BenchmarkSearchPage(b *testing.B) {
	at1x := map[string]float64{}
	for _, f := range strings.Split(cmpOr(os.Getenv("CCCS_BENCH_FACTORS"), "1"), ",") {
		factor, err := strconv.Atoi(f)
		if err != nil {
			b.Fatal(err)
		}
		s := scaled(b, factor)
		for _, query := range []string{"centre", "centres sociaux"} {
			for _, count := range []bool{false, true} {
				name := fmt.Sprintf("%s/count=%v", query, count)
				b.Run(fmt.Sprintf("%s/%dx", name, factor), func(b *testing.B) {
					for b.Loop() {
						if _, err := s.SearchPage(ctx, store.SearchRequest{Query: query, First: 20, Count: count}); err != nil {
							b.Fatal(err)
						}
					}
					per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
					if factor == 1 {
						at1x[name] = per
					} else if base := at1x[name]; base > 0 {
						b.ReportMetric(per/base, "x-1x")
					}
				})
			}
		}
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

func TestTokens(t *testing.T) {
	for text, want := range map[string][]string{
		"Fédération des Amis de l'Instruction Laïque": {"federation", "amis", "instruction", "laique"},
		"l’Instruction":                     {"instruction"}, // typographic apostrophe
		"Mise en Œuvre":                     {"mise", "oeuvre"},
		"Septèmes-les-Vallons":              {"septemes", "vallons"},
		"Carsat Sud-Est":                    {"carsat", "sud", "est"}, // "est" is a name here, not a verb
		"Avenant n°1":                       {"avenant", "n", "1"},
		"Caf 13":                            {"caf", "13"},
		"Maison Pour Tous":                  {"maison", "tous"},
		"La":                                {"la"}, // only stop words: keep them
		"ﬁnancement":                        {"financement"},
		"  \t ":                             {},
		"SENACS – Observatoire des centres": {"senacs", "observatoire", "centres"},
	} {
		if got := Tokens(text); !slices.Equal(got, want) {
			t.Errorf("Tokens(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestStemJoinsSingularAndPlural(t *testing.T) {
	for _, pair := range [][2]string{{"sociaux", "social"}, {"centres", "centre"}, {"federations", "federation"}, {"communes", "commune"}} {
		if a, b := Stem(pair[0]), Stem(pair[1]); a != b {
			t.Errorf("Stem(%q) = %q, Stem(%q) = %q: want the same stem", pair[0], a, pair[1], b)
		}
	}
	for _, short := range []string{"caf", "dla", "13", "ucs"} {
		if got := Stem(short); got != short {
			t.Errorf("Stem(%q) = %q: acronyms and numbers stay as they are", short, got)
		}
	}
}

func TestPostingKeysRoundTrip(t *testing.T) {
	for _, p := range []byte{pPrefixPosting, pStemPosting} {
		for _, name := range []string{"commune de septemes-les-vallons", "", "a\x00b", string(bytes.Repeat([]byte("x"), maxKeyName+9))} {
			key := postingKey(postingList(p, "septe", 7), 6_500_000, name, "commune-septemes-les-vallons")
			k, err := ParseKey(key)
			want := name[:min(len(name), maxKeyName)]
			if err != nil || k.Prefix != p || k.Other != "septe" || k.Kind != 7 || k.Score != 6_500_000 || k.Name != want || k.ID != "commune-septemes-les-vallons" {
				t.Errorf("ParseKey(postingKey(%q)) = %+v, %v", name, k, err)
			}
		}
	}
	for _, bad := range [][]byte{append([]byte{pPrefixPosting}, "no-end-byte"...), append([]byte{pStemPosting}, "tok\x00\x07\x00\x00\x00\x01name"...)} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) parsed", bad)
		}
	}
}

// Posting keys sort as hitCursor does: score, then folded name (a name
// before its extensions, a zero byte before any other), then id.
func TestPostingKeysSortAsCursors(t *testing.T) {
	type entry struct {
		inv      uint32
		name, id string
	}
	entries := []entry{{6_000_000, "b", "z"}, {6_000_000, "ba", "a"}, {6_000_000, "b\x00", "a"}, {6_000_000, "b", "y"}, {5_999_999, "zz", "a"}, {7_000_000, "", "a"}, {6_000_000, "b\x01", "a"}}
	list := postingList(pPrefixPosting, "b", 1)
	byKey := slices.Clone(entries)
	slices.SortFunc(byKey, func(a, b entry) int {
		return bytes.Compare(postingKey(list, a.inv, a.name, a.id), postingKey(list, b.inv, b.name, b.id))
	})
	byCursor := slices.Clone(entries)
	slices.SortFunc(byCursor, func(a, b entry) int {
		ca := Cursor{Key: fmt.Sprintf("%08d|%s", a.inv, a.name), ID: a.id}
		cb := Cursor{Key: fmt.Sprintf("%08d|%s", b.inv, b.name), ID: b.id}
		return ca.Compare(cb)
	})
	if !slices.Equal(byKey, byCursor) {
		t.Errorf("by key %+v, by cursor %+v", byKey, byCursor)
	}
}

// hitIDs searches and returns the ids found, best first, by both ways:
// every hit ranked (Search) and the first page of the posting lists
// (SearchPage), which must agree.
func hitIDs(t *testing.T, s *Store, query string, kinds ...domain.Kind) []string {
	t.Helper()
	hits, err := s.Search(ctx, query, kinds)
	if err != nil {
		t.Fatalf("Search(%q): %v", query, err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Node.ID
	}
	p, err := s.SearchPage(ctx, SearchRequest{Query: query, Kinds: kinds, First: MaxSearchPage, Count: true})
	if err != nil {
		t.Fatalf("SearchPage(%q): %v", query, err)
	}
	paged := make([]string, len(p.Items))
	for i, h := range p.Items {
		paged[i] = h.Node.ID
	}
	if n := min(len(ids), MaxSearchPage); !slices.Equal(paged, ids[:n]) || p.Total != len(ids) {
		t.Fatalf("search %q: a page of %v (total %d), every hit %v", query, paged, p.Total, ids)
	}
	return ids
}

func TestSearchRanksWhatAPersonMeans(t *testing.T) {
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]string{
		"caf":                   "caf-13",
		"CAF 13":                "caf-13",
		"septemes":              "commune-septemes-les-vallons",
		"Septèmes":              "commune-septemes-les-vallons",
		"septe":                 "commune-septemes-les-vallons", // typed halfway
		"leo lagrange":          "leo-lagrange-mediterranee",
		"dla":                   "dla",
		"l'instruction":         "fail-13",
		"amis de l’instruction": "fail-13",
		"ucs 13":                "ucs-13",
		"msa":                   "msa-provence-azur",
		"centres sociaux":       "centre-social", // plural finds the singular name
		"carsat sud-est":        "carsat-sud-est",
	} {
		if got := hitIDs(t, s, query); len(got) == 0 || got[0] != want {
			t.Errorf("Search(%q) = %v, want %s first", query, got[:min(3, len(got))], want)
		}
	}
	oe, plain := hitIDs(t, s, "œuvre"), hitIDs(t, s, "oeuvre")
	if !slices.Equal(oe, plain) || !slices.Contains(oe, "objective-t2-o1") || !slices.Contains(oe, "objective-t2-o2") {
		t.Errorf("œuvre = %v, oeuvre = %v: want the same hits, with the two objectives named Mise en œuvre ...", oe, plain)
	}
	if got := hitIDs(t, s, "septemes", "territory"); len(got) == 0 || got[0] != "insee-13106" {
		t.Errorf("septemes among territories = %v, want insee-13106 first", got)
	}
}

func TestSearchScoresAreOrderedByClass(t *testing.T) {
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	hits, err := s.Search(ctx, "ucs 13", nil)
	if err != nil {
		t.Fatal(err)
	}
	if hits[0].Score != 4 || hits[0].Matched != "UCS 13" {
		t.Errorf("exact short name: score %v via %q, want 4 via \"UCS 13\"", hits[0].Score, hits[0].Matched)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Fatalf("hits not best first: %v after %v", hits[i].Score, hits[i-1].Score)
		}
		if hits[i].Score > 1 {
			t.Errorf("%s matches only \"13\" and scores %v, want at most 1", hits[i].Node.ID, hits[i].Score)
		}
	}
}

func TestSearchRefusesEmptyQueries(t *testing.T) {
	s := openTest(t)
	for _, q := range []string{"", "   ", "\t\n", "'-–", string(make([]byte, MaxQueryLen+1))} {
		if _, err := s.Search(ctx, q, nil); domain.ErrorCode(err) != domain.EBADINPUT {
			t.Errorf("Search(%q) error = %v, want %s", q, err, domain.EBADINPUT)
		}
	}
	if _, err := s.Search(ctx, "caf", []domain.Kind{"spaceship"}); domain.ErrorCode(err) != domain.EBADINPUT {
		t.Errorf("unknown kind: %v, want %s", err, domain.EBADINPUT)
	}
}

func TestSearchIndexFollowsImports(t *testing.T) {
	s := openTest(t)
	importFile(t, s, "small.yaml")
	if got := hitIDs(t, s, "oeuvres"); !slices.Equal(got, []string{"alpha"}) {
		t.Fatalf("before the rename: %v, want [alpha]", got)
	}
	renamed := `nodes:
  - id: alpha
    kind: organization
    name: Omega Fondation
    fields: {category: state}
    sources: [{source: doc-a}]
`
	if _, err := s.ImportWith(ctx, ImportOptions{Replace: true}, File{Name: "rename.yaml", Data: []byte(renamed)}); err != nil {
		t.Fatal(err)
	}
	for _, old := range []string{"oeuvres", "alf", "alpha"} {
		if got := hitIDs(t, s, old); slices.Contains(got, "alpha") {
			t.Errorf("after the rename, the old name %q still finds alpha: %v", old, got)
		}
	}
	if got := hitIDs(t, s, "omega fondation"); !slices.Equal(got, []string{"alpha"}) {
		t.Errorf("the new name finds %v, want [alpha]", got)
	}
}

func TestSearchIndexIsRebuiltForOtherRules(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	importFile(t, s, "small.yaml")
	// Simulate a store indexed with other rules: stale entries, old version.
	err = s.update(ctx, func(txn *badger.Txn) error {
		if err := bumpDataVersion(txn); err != nil {
			return err
		}
		stale := postingKey(postingList(pPrefixPosting, "stale", 1), 6_000_000, "beta", "beta")
		if err := txn.Set(stale, nil); err != nil {
			return err
		}
		return txn.Set(searchVersionKey, binary.BigEndian.AppendUint32(nil, tokenizerVersion+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := hitIDs(t, s, "gamma"); !slices.Equal(got, []string{"gamma"}) {
		t.Errorf("after reopening: gamma finds %v, want [gamma]", got)
	}
	if got := hitIDs(t, s, "stale"); len(got) != 0 {
		t.Errorf("a stale entry survived the rebuild: %v", got)
	}
}

func TestSearchAfterRestore(t *testing.T) {
	src := openTest(t)
	importFile(t, src, "small.yaml")
	n, _ := src.Node(ctx, "beta")
	if _, err := src.UpdateNode(ctx, "beta", n.Version, func(n *domain.Node) error { n.Name = "Béta Horizons"; return nil }, editor); err != nil {
		t.Fatal(err)
	}
	var backup bytes.Buffer
	if err := src.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	dst := openTest(t)
	if err := dst.Restore(ctx, bytes.NewReader(backup.Bytes())); err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(t, dst, "gamma"); !slices.Equal(got, []string{"gamma"}) {
		t.Errorf("after a restore, gamma finds %v, want [gamma]", got)
	}
	if got := hitIDs(t, dst, "horizons"); !slices.Equal(got, []string{"beta"}) {
		t.Errorf("after a restore, the name written last finds %v, want [beta]", got)
	}
	v, _ := dst.DataVersion(ctx)
	if got := hitIDs(t, dst.At(v-1), "horizons"); len(got) != 0 {
		t.Errorf("after a restore, the version before the rename finds %v by the new name", got)
	}
}

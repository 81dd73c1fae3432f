package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/synth"
	"github.com/cccs13/cccs-graph/store"
)

// sortOnly is a reader with no ordered index: every collection page is cut
// from the kind sorted in memory, as before the indexes.
type sortOnly struct{ Reader }

func (sortOnly) OrderedPage(context.Context, store.PageQuery) (store.Page[*domain.Node], bool, error) {
	return store.Page[*domain.Node]{}, false, nil
}

func (sortOnly) RelationPages(context.Context, []store.RelPageQuery, int) ([]store.Page[*domain.Relation], map[string]*domain.Node, bool, error) {
	return nil, nil, false, nil
}

// indexCount is a reader that counts the pages its index served.
type indexCount struct {
	Reader
	served *atomic.Int64
}

func (r indexCount) OrderedPage(ctx context.Context, q store.PageQuery) (store.Page[*domain.Node], bool, error) {
	p, ok, err := r.Reader.OrderedPage(ctx, q)
	if ok {
		r.served.Add(1)
	}
	return p, ok, err
}

func (r indexCount) RelationPages(ctx context.Context, qs []store.RelPageQuery, maxEnds int) ([]store.Page[*domain.Relation], map[string]*domain.Node, bool, error) {
	ps, ends, ok, err := r.Reader.RelationPages(ctx, qs, maxEnds)
	if ok {
		r.served.Add(int64(len(qs)))
	}
	return ps, ends, ok, err
}

// TestIndexPagesAnswerAsTheSort: for every collection, order and
// direction, pages read from the ordered indexes give byte for byte the
// answers of the kind sorted in memory: first pages, pages after and
// before every cursor of them, windows between two cursors, with and
// without totalCount, now and knownAt before an edit, at 1x and 10x.
func TestIndexPagesAnswerAsTheSort(t *testing.T) {
	s1, before := editedDefault(t, func(s *store.Store, caf *domain.Node) error {
		_, err := s.UpdateNode(ctx, "caf-13", caf.Version, func(n *domain.Node) error { n.Name = "Aaa Caf"; return nil }, store.Meta{Actor: "test", Sources: caf.Sources})
		return err
	})
	compareIndexPages(t, s1, before)
	if testing.Short() {
		return
	}
	compareIndexPages(t, scaledTestStore(t, 10), "")
}

// TestRelationPagesAnswerAsTheSort: the relations of nodes of every kind
// and of the nodes with the most (a commune, a hundred centres at 10x),
// read from the relation order, answer byte for byte as the node's
// relations sorted: every direction, a kind filter, asOf, pages after
// every cursor, with totalCount, now and knownAt; and the benchmark
// shapes, which read relations two levels deep.
func TestRelationPagesAnswerAsTheSort(t *testing.T) {
	const signed = "caf-13>signatory>cccs@1994-07-25"
	s1, before := editedDefault(t, func(s *store.Store, caf *domain.Node) error {
		r, err := s.Relation(ctx, signed)
		if err == nil {
			_, err = s.DeleteRelation(ctx, signed, r.Version, store.Meta{Actor: "test", Reason: "test", Sources: caf.Sources})
		}
		return err
	})
	compareRelationPages(t, s1, before)
	if testing.Short() {
		return
	}
	compareRelationPages(t, scaledTestStore(t, 10), "")
}

func compareRelationPages(t *testing.T, s *store.Store, knownAt string) {
	t.Helper()
	var served atomic.Int64
	limits := DefaultLimits
	limits.Complexity = 1 << 30
	opts := func(at func(uint64) Reader) Options {
		return Options{Limits: limits, Logger: slog.New(slog.DiscardHandler), At: at}
	}
	indexed := NewHandler(indexCount{s, &served}, opts(func(v uint64) Reader { return indexCount{s.At(v), &served} }))
	sorted := NewHandler(sortOnly{s}, opts(func(v uint64) Reader { return sortOnly{s.At(v)} }))
	ids := []string{"caf-13", "cccs", "insee-13055", "departement-13", "avenant-1"}
	for _, k := range domain.Kinds {
		nodes, _ := s.NodesOfKind(ctx, k.Kind)
		for i := 0; i < len(nodes) && i < 3; i++ {
			ids = append(ids, nodes[i*len(nodes)/3].ID)
		}
	}
	times := []string{""}
	if knownAt != "" {
		times = append(times, fmt.Sprintf("knownAt: %q", knownAt))
	}
	pages := 0
	for _, id := range ids {
		for _, filter := range []string{"", "direction: IN", "direction: OUT, kinds: [SIGNATORY, LOCATED_IN, PART_OF]", "asOf: \"2015\"", "kinds: [LOCATED_IN], asOf: \"2019-06\""} {
			for _, at := range times {
				q := func(more string) string {
					return fmt.Sprintf(`{ c: node(id: %q, %s) { id relations(%s) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { kind validFrom validTo from { id } to { id } } } } } }`,
						id, join(at), join(filter, more))
				}
				first := same(t, indexed, sorted, q("first: 6"))
				same(t, indexed, sorted, fmt.Sprintf(`{ node(id: %q) { relations(%s) { pageInfo { hasNextPage } nodes { kind } } } }`, id, join(filter, "first: 0")))
				for _, c := range relationCursors(t, first) {
					same(t, indexed, sorted, q(fmt.Sprintf("first: 4, after: %q", c)))
					pages++
				}
				pages += 2
			}
		}
	}
	shapes, _ := filepath.Glob("../bench/shapes/*.graphql")
	for _, file := range shapes {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		same(t, indexed, sorted, string(src))
	}
	if int(served.Load()) < pages {
		t.Errorf("the relation order served %d of %d pages", served.Load(), pages)
	}
	t.Logf("%d relation pages compared", pages)
}

// relationCursors returns the cursors of a node's relations in an answer.
func relationCursors(t *testing.T, answer []byte) []string {
	var resp struct {
		Data struct {
			C struct {
				Relations struct{ Edges []struct{ Cursor string } }
			}
		}
	}
	if err := json.Unmarshal(answer, &resp); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range resp.Data.C.Relations.Edges {
		out = append(out, e.Cursor)
	}
	return out
}

// scaledTestStore is an in-memory store of the default dataset times factor.
func scaledTestStore(t *testing.T, factor int) *store.Store {
	s, err := synth.Open(ctx, factor)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// editedDefault is an in-memory store of the default dataset after one
// edit, and the instant (RFC 3339) just before the edit, for knownAt.
func editedDefault(t *testing.T, edit func(s *store.Store, caf *domain.Node) error) (*store.Store, string) {
	s := freshDefault(t)
	before := time.Now().UTC()
	time.Sleep(2 * time.Millisecond)
	caf, err := s.Node(ctx, "caf-13")
	if err == nil {
		err = edit(s, caf)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s, before.Format(time.RFC3339Nano)
}

func compareIndexPages(t *testing.T, s *store.Store, knownAt string) {
	t.Helper()
	opts := func(at func(uint64) Reader) Options {
		return Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler), At: at}
	}
	var served atomic.Int64
	indexed := NewHandler(indexCount{s, &served}, opts(func(v uint64) Reader { return indexCount{s.At(v), &served} }))
	sorted := NewHandler(sortOnly{s}, opts(func(v uint64) Reader { return sortOnly{s.At(v)} }))
	orders := []string{"", "orderBy: {field: NAME, direction: DESC}", "orderBy: {field: ID}", "orderBy: {field: ID, direction: DESC}",
		"orderBy: {field: DATE}", "orderBy: {field: DATE, direction: DESC}", "filter: {}"}
	times := []string{""}
	if knownAt != "" {
		times = append(times, fmt.Sprintf("knownAt: %q", knownAt))
	}
	pages := 0
	for _, k := range domain.Kinds {
		for _, order := range orders {
			for _, at := range times {
				args := func(more string) string { return join(order, at, more) }
				q := func(a string) string {
					return fmt.Sprintf(`{ c: %s(%s) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name } } } }`, k.Collection, a)
				}
				first := same(t, indexed, sorted, q(args("first: 7")))
				cursors := cursorsOf(t, first)
				same(t, indexed, sorted, fmt.Sprintf(`{ c: %s(%s) { pageInfo { hasNextPage } nodes { id } } }`, k.Collection, args("first: 3")))
				same(t, indexed, sorted, q(args("last: 4")))
				for i, c := range cursors {
					same(t, indexed, sorted, q(args(fmt.Sprintf("first: 3, after: %q", c))))
					same(t, indexed, sorted, q(args(fmt.Sprintf("last: 2, before: %q", c))))
					other := cursors[len(cursors)-1-i]
					same(t, indexed, sorted, q(args(fmt.Sprintf("first: 2, after: %q, before: %q", c, other))))
					same(t, indexed, sorted, q(args(fmt.Sprintf("last: 2, after: %q, before: %q", c, other))))
					pages += 4
				}
				pages += 3
			}
		}
	}
	if int(served.Load()) < pages {
		t.Errorf("the index served %d of %d pages", served.Load(), pages)
	}
	t.Logf("%d pages compared", pages)
}

// join joins the arguments that are not empty.
func join(parts ...string) string {
	var b []byte
	for _, p := range parts {
		if p == "" {
			continue
		}
		if len(b) > 0 {
			b = append(b, ", "...)
		}
		b = append(b, p...)
	}
	return string(b)
}

// same posts a query to both handlers, fails the test unless the answers
// are the same bytes with no error, and returns the answer.
func same(t *testing.T, a, b http.Handler, q string) []byte {
	t.Helper()
	post := func(h http.Handler) []byte {
		body, _ := json.Marshal(map[string]string{"query": q})
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/graphql", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(w, r)
		if w.Code != 200 || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) {
			t.Fatalf("status %d: %.300s\n%s", w.Code, w.Body.String(), q)
		}
		return w.Body.Bytes()
	}
	got, want := post(a), post(b)
	if !bytes.Equal(got, want) {
		t.Fatalf("%s\nindex: %.600s\nsort:  %.600s", q, got, want)
	}
	return got
}

// cursorsOf returns the cursors of a page's edges.
func cursorsOf(t *testing.T, answer []byte) []string {
	var resp struct {
		Data struct {
			C struct{ Edges []struct{ Cursor string } }
		}
	}
	if err := json.Unmarshal(answer, &resp); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range resp.Data.C.Edges {
		out = append(out, e.Cursor)
	}
	return out
}

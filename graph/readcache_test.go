package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// TestReadCacheAnswersAsTheDatabase posts the benchmark shapes, relation
// pages of nodes of every kind (directions, kinds, dates, cursors, counts)
// and collection pages to a handler over the store's read cache, twice (the
// cache filled, then hit), and to one over the same store past the cache:
// the answers are byte for byte the same.
func TestReadCacheAnswersAsTheDatabase(t *testing.T) {
	s := freshDefault(t)
	limits := DefaultLimits
	limits.Complexity = 1 << 30
	handler := func(s *store.Store) http.Handler {
		return NewHandler(s, Options{Limits: limits, Logger: slog.New(slog.DiscardHandler), At: func(v uint64) Reader { return s.At(v) }})
	}
	cached, uncached := handler(s), handler(s.WithoutReadCache())
	ask := func(q string) []byte {
		t.Helper()
		first := same(t, cached, uncached, q)
		if again := same(t, cached, uncached, q); !bytes.Equal(again, first) {
			t.Fatalf("%s: a hit answers otherwise than the miss", q)
		}
		return first
	}
	before := s.ReadCacheStats()
	shapes, _ := filepath.Glob("../bench/shapes/*.graphql")
	for _, file := range shapes {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		ask(string(src))
	}
	ids := []string{"caf-13", "cccs", "insee-13055", "departement-13"}
	for _, k := range domain.Kinds {
		nodes, _ := s.NodesOfKind(ctx, k.Kind)
		for i := 0; i < len(nodes) && i < 3; i++ {
			ids = append(ids, nodes[i*len(nodes)/3].ID)
		}
	}
	for _, id := range ids {
		for _, filter := range []string{"", "direction: IN", "direction: OUT, kinds: [SIGNATORY, LOCATED_IN, PART_OF]", `asOf: "2015"`} {
			q := func(more string) string {
				return fmt.Sprintf(`{ c: node(id: %q) { id name version relations(%s) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id kind validFrom validTo version from { id name version } to { id name } } } } } }`, id, join(filter, more))
			}
			for _, c := range relationCursors(t, ask(q("first: 6"))) {
				ask(q(fmt.Sprintf("first: 3, after: %q", c)))
			}
		}
	}
	ask(`{ organizations(first: 30, orderBy: {field: NAME, direction: DESC}) { edges { cursor node { id name } } } territories(first: 20) { nodes { id name } } }`)
	st := s.ReadCacheStats()
	if st.Hits <= before.Hits || st.Bytes == 0 || st.Bytes > st.Budget {
		t.Errorf("the cache was not used as it should: %+v", st)
	}
	t.Logf("%d hits, %d misses, %d entries, %d bytes", st.Hits-before.Hits, st.Misses-before.Misses, st.Entries, st.Bytes)
}

// TestReadCacheFollowsWritesThroughTheServer: with the answer cache off, a
// rename and the end of a relation written through the GraphQL API change
// the next answers at once; the answers as of a date the write does not
// touch, and the answers known at a time before it, stay as they were.
func TestReadCacheFollowsWritesThroughTheServer(t *testing.T) {
	e := newEditingCached(t, 0)
	const signed = "caf-13>signatory>cccs@1994-07-25"
	read := func(q string, opts ...client.Option) any {
		t.Helper()
		var out any
		query(t, e.c, q, &out, opts...)
		return out
	}
	const fields = `name version relations(%s) { totalCount edges { cursor node { id validTo version from { id name } to { id name } } } }`
	now := `{ node(id: "caf-13") { ` + fmt.Sprintf(fields, "first: 100") + ` } }`
	in2015 := `{ node(id: "caf-13") { relations(asOf: "2015", first: 100) { totalCount edges { cursor node { id from { id } } } } } }`
	in2026 := `{ node(id: "caf-13") { relations(asOf: "2026", first: 100) { edges { node { id } } } } }`
	knownAt := `query($t: DateTime) { node(id: "caf-13", knownAt: $t) { ` + fmt.Sprintf(fields, "first: 100") + ` } }`
	before, before2015, before2026 := read(now), read(in2015), read(in2026)
	if again := read(now); !reflect.DeepEqual(again, before) {
		t.Fatal("a hit answers otherwise than the miss")
	}
	t0 := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(2 * time.Millisecond)
	if got := read(knownAt, client.Var("t", t0)); !reflect.DeepEqual(got, before) {
		t.Fatalf("known at %s, before the write: %v, want %v", t0, got, before)
	}

	caf, _ := e.s.Node(ctx, "caf-13")
	var renamed any
	query(t, e.c, `mutation($v: Int!, $s: [CitationInput!]!) { updateNode(input: {id: "caf-13", expectedVersion: $v, name: "Caisse renommée", sources: $s}) { node { name } } }`,
		&renamed, client.Var("v", caf.Version), seedCitation, e.editor)
	rel, _ := e.s.Relation(ctx, signed)
	var ended any
	query(t, e.c, `mutation($id: ID!, $v: Int!, $s: [CitationInput!]!) { endRelation(input: {id: $id, validTo: "2025-12-31", expectedVersion: $v, sources: $s}) { relation { validTo } } }`,
		&ended, client.Var("id", signed), client.Var("v", rel.Version), seedCitation, e.editor)

	var after struct {
		Node struct {
			Name      string
			Relations struct {
				Edges []struct{ Node struct{ ID, ValidTo string } }
			}
		}
	}
	query(t, e.c, `{ node(id: "caf-13") { name relations(first: 100) { edges { node { id validTo } } } } }`, &after)
	validTo := ""
	for _, edge := range after.Node.Relations.Edges {
		if edge.Node.ID == signed {
			validTo = edge.Node.ValidTo
		}
	}
	if after.Node.Name != "Caisse renommée" || validTo != "2025-12-31" {
		t.Fatalf("after the writes: name %q, %s ends %q", after.Node.Name, signed, validTo)
	}
	if got := read(in2015); !reflect.DeepEqual(got, before2015) {
		t.Errorf("as of 2015, after a write that changes nothing then: %v, want %v", got, before2015)
	}
	if got := read(in2026); reflect.DeepEqual(got, before2026) || strings.Contains(fmt.Sprint(got), signed) {
		t.Errorf("as of 2026, after the relation ended in 2025: %v", got)
	}
	if got := read(knownAt, client.Var("t", t0)); !reflect.DeepEqual(got, before) {
		t.Errorf("known at %s, after the write: %v, want %v", t0, got, before)
	}
}

// TestReadCacheSharedByConcurrentRequests: requests running at once share
// the cache's entries and get the answers of the database (run with -race:
// a request that wrote into a shared node, relation or page would show).
func TestReadCacheSharedByConcurrentRequests(t *testing.T) {
	s := freshDefault(t)
	limits := DefaultLimits
	limits.Complexity = 1 << 30
	cached := NewHandler(s, Options{Limits: limits, Logger: slog.New(slog.DiscardHandler)})
	uncached := NewHandler(s.WithoutReadCache(), Options{Limits: limits, Logger: slog.New(slog.DiscardHandler)})
	shapes, _ := filepath.Glob("../bench/shapes/*.graphql")
	var queries []string
	want := map[string][]byte{}
	for _, file := range shapes {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		q := string(src)
		queries, want[q] = append(queries, q), post(uncached, queryBody(q))
	}
	const clients, rounds = 6, 4
	errs := make(chan error, clients)
	for c := range clients {
		go func() {
			for r := range rounds {
				for i := range queries {
					q := queries[(i+c+r)%len(queries)]
					if got := post(cached, queryBody(q)); !bytes.Equal(got, want[q]) {
						errs <- fmt.Errorf("client %d, round %d: %.80s answered otherwise", c, r, q)
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range clients {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// queryBody is the JSON body of a POST of q.
func queryBody(q string) []byte {
	b, _ := json.Marshal(map[string]string{"query": q})
	return b
}

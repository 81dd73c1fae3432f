package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/store"
)

// facilitiesDataset writes a dataset of n facilities, each with a manager, a
// federation and a territory of its own.
func facilitiesDataset(n int) []byte {
	var b strings.Builder
	b.WriteString("nodes:\n  - {id: src, kind: source, name: Test source, sources: [{source: src}]}\n")
	b.WriteString("  - {id: fed, kind: organization, name: Federation, fields: {category: federation}, sources: [{source: src}]}\n")
	var rels strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  - {id: f-%d, kind: facility, name: Facility %03d, sources: [{source: src}]}\n", i, i)
		fmt.Fprintf(&b, "  - {id: m-%d, kind: organization, name: Manager %03d, fields: {category: association}, sources: [{source: src}]}\n", i, i)
		fmt.Fprintf(&b, "  - {id: t-%d, kind: territory, name: Zone %03d, fields: {type: zone-de-vie-sociale, code: z%d}, sources: [{source: src}]}\n", i, i, i)
		fmt.Fprintf(&rels, "  - {kind: manages, from: m-%d, to: f-%d, sources: [{source: src}]}\n", i, i)
		fmt.Fprintf(&rels, "  - {kind: affiliated-to, from: f-%d, to: fed, sources: [{source: src}]}\n", i)
		fmt.Fprintf(&rels, "  - {kind: located-in, from: f-%d, to: t-%d, sources: [{source: src}]}\n", i, i)
	}
	return []byte(b.String() + "relations:\n" + rels.String())
}

func facilitiesStore(t testing.TB, n int) *store.Store {
	t.Helper()
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Import(ctx, store.File{Name: "facilities.yaml", Data: facilitiesDataset(n)}); err != nil {
		t.Fatal(err)
	}
	return s
}

const facilitiesQuery = `query($n: Int) { facilities(first: $n) { nodes {
	name manager { name } federation { name } territory { name }
} } }`

// TestRelatedReadsAreBatched proves that the store reads of a list with three
// related objects per row do not grow with the number of rows.
func TestRelatedReadsAreBatched(t *testing.T) {
	reads := map[int]int64{}
	for _, n := range []int{5, 50} {
		s := facilitiesStore(t, n)
		c := newClient(s)
		var resp struct {
			Facilities struct {
				Nodes []struct {
					Name                           string
					Manager, Federation, Territory struct{ Name string }
				}
			}
		}
		before := s.Reads()
		query(t, c, facilitiesQuery, &resp, client.Var("n", n))
		reads[n] = s.Reads() - before
		if len(resp.Facilities.Nodes) != n {
			t.Fatalf("got %d facilities, want %d", len(resp.Facilities.Nodes), n)
		}
		for i, f := range resp.Facilities.Nodes {
			want := fmt.Sprintf("%03d", i)
			if !strings.HasSuffix(f.Manager.Name, want) || !strings.HasSuffix(f.Territory.Name, want) || f.Federation.Name != "Federation" {
				t.Fatalf("row %d has the wrong related objects: %+v", i, f)
			}
		}
	}
	if reads[5] != reads[50] {
		t.Fatalf("store reads grow with rows: %d for 5 facilities, %d for 50", reads[5], reads[50])
	}
	t.Logf("store reads per request: %d for 5 rows, %d for 50 rows", reads[5], reads[50])
}

// BenchmarkListWithNestedRelations lists 100 facilities with three related
// objects each, against a single node lookup as the baseline.
func BenchmarkListWithNestedRelations(b *testing.B) {
	s := facilitiesStore(b, 100)
	c := newClient(s)
	var resp map[string]any
	b.Run("baseline-node", func(b *testing.B) {
		for b.Loop() {
			c.MustPost(`{ node(id: "f-1") { id name } }`, &resp)
		}
	})
	b.Run("facilities-100-nested", func(b *testing.B) {
		for b.Loop() {
			c.MustPost(facilitiesQuery, &resp, client.Var("n", 100))
		}
	})
	cached := client.New(NewHandler(s, Options{Limits: DefaultLimits, CacheBytes: 1 << 20}))
	b.Run("facilities-100-nested-cached", func(b *testing.B) {
		for b.Loop() {
			cached.MustPost(facilitiesQuery, &resp, client.Var("n", 100))
		}
	})
}

// BenchmarkTwoHop reads a node, its signatory relations and the other ends'
// relations on the real dataset.
func BenchmarkTwoHop(b *testing.B) {
	c := newClient(defaultDataset(b))
	var resp map[string]any
	b.Run("baseline-node", func(b *testing.B) {
		for b.Loop() {
			c.MustPost(`{ node(id: "caf-13") { id name } }`, &resp)
		}
	})
	b.Run("two-hop", func(b *testing.B) {
		for b.Loop() {
			c.MustPost(`{ node(id: "caf-13") { relations(first: 50) { nodes { kind to { id relations(first: 50) { nodes { kind from { id name } } } } } } } }`, &resp)
		}
	})
}

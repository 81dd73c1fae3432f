package graph

import (
	"slices"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/store"
)

// TestOrderedListsStayWhole: collections come from lists sorted once per
// data version; a filtered page must not cut the list that the next
// unfiltered page reads, and both orders of a kind are kept apart.
func TestOrderedListsStayWhole(t *testing.T) {
	c := newClient(defaultDataset(t))
	type conn struct {
		TotalCount int
		Nodes      []struct{ ID, Name string }
	}
	var all, some, again, desc struct{ Organizations conn }
	query(t, c, `{ organizations(first: 500) { totalCount nodes { id name } } }`, &all)
	query(t, c, `{ organizations(first: 500, filter: {nameContains: "caisse"}) { totalCount nodes { id name } } }`, &some)
	query(t, c, `{ organizations(first: 500) { totalCount nodes { id name } } }`, &again)
	query(t, c, `{ organizations(first: 500, orderBy: {field: NAME, direction: DESC}) { totalCount nodes { id name } } }`, &desc)
	if all.Organizations.TotalCount < 20 || some.Organizations.TotalCount == 0 || some.Organizations.TotalCount >= all.Organizations.TotalCount {
		t.Fatalf("%d organizations, %d with caisse", all.Organizations.TotalCount, some.Organizations.TotalCount)
	}
	if !slices.Equal(all.Organizations.Nodes, again.Organizations.Nodes) {
		t.Error("the unfiltered page changed after a filtered one")
	}
	names := func(c conn) []string {
		var out []string
		for _, n := range c.Nodes {
			out = append(out, store.Fold(n.Name))
		}
		return out
	}
	if n := names(all.Organizations); !slices.IsSorted(n) {
		t.Errorf("not in name order: %s", strings.Join(n, ", "))
	}
	d := names(desc.Organizations)
	slices.Reverse(d)
	if !slices.IsSorted(d) || len(d) != all.Organizations.TotalCount {
		t.Errorf("descending order is not the reverse: %d names", len(d))
	}
}

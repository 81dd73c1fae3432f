package graph

import (
	"context"
	"encoding/base64"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// totalCount is counted only when the query selects it, however it is
// selected (directly, under an alias, through fragments); the page is the
// same with it and without it.
func TestSearchCountsOnlyWhenAsked(t *testing.T) {
	c := newClient(defaultDataset(t))
	var with searchResp
	query(t, c, searchQuery, &with, client.Var("q", "centre"), client.Var("first", 7))
	if with.Search.TotalCount <= 7 || !with.Search.PageInfo.HasNextPage {
		t.Fatalf("centre: totalCount %d, hasNextPage %v; want more than a page", with.Search.TotalCount, with.Search.PageInfo.HasNextPage)
	}
	var without struct {
		Search struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	query(t, c, `{ search(query: "centre", first: 7) { edges { node { id } } } }`, &without)
	for i, e := range without.Search.Edges {
		if e.Node.ID != with.Search.Edges[i].Node.ID {
			t.Errorf("edge %d: %s without totalCount, %s with it", i, e.Node.ID, with.Search.Edges[i].Node.ID)
		}
	}
	for _, q := range []string{
		`{ search(query: "centre", first: 7) { n: totalCount } }`,
		`{ search(query: "centre", first: 7) { ...F } } fragment F on SearchConnection { n: totalCount }`,
		`{ search(query: "centre", first: 7) { ... on SearchConnection { n: totalCount } } }`,
		`query($yes: Boolean!) { search(query: "centre", first: 7) { n: totalCount @include(if: $yes) } }`,
	} {
		var resp struct{ Search struct{ N int } }
		query(t, c, q, &resp, client.Var("yes", true))
		if resp.Search.N != with.Search.TotalCount {
			t.Errorf("%s: totalCount %d, want %d", q, resp.Search.N, with.Search.TotalCount)
		}
	}
}

func TestSearchRefusesBadPagesAndCursors(t *testing.T) {
	c := newClient(defaultDataset(t))
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"k":"not a score","i":"caf-13","o":"search"}`))
	ofCollections := base64.RawURLEncoding.EncodeToString([]byte(`{"k":"caf","i":"caf-13","l":"organizations"}`))
	for _, after := range []string{"%%%", forged, ofCollections, strings.Repeat("A", 2000)} {
		wantCode(t, c, domain.EBADINPUT, searchQuery, client.Var("q", "centre"), client.Var("after", after))
		wantCode(t, c, domain.EBADINPUT, searchQuery, client.Var("q", "centre social"), client.Var("after", after))
	}
	wantCode(t, c, domain.EBADINPUT, searchQuery, client.Var("q", "centre"), client.Var("first", -1))
	wantCode(t, c, domain.EBADINPUT, searchQuery, client.Var("q", strings.Repeat("centre ", 13)))
	wantCode(t, c, domain.EBADINPUT, searchQuery, client.Var("q", strings.Repeat("c", 201)))
}

// countingReader records whether each search asked for a count.
type countingReader struct {
	Reader
	counts []bool
}

func (r *countingReader) SearchPage(ctx context.Context, req store.SearchRequest) (store.Page[store.SearchHit], error) {
	r.counts = append(r.counts, req.Count)
	return r.Reader.SearchPage(ctx, req)
}

func TestSearchAsksForACountOnlyWhenSelected(t *testing.T) {
	r := &countingReader{Reader: defaultDataset(t)}
	// The planner alone: shadow mode would ask the store twice.
	c := client.New(NewHandler(r, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler), Planner: PlannerOn}))
	var resp map[string]any
	query(t, c, `{ search(query: "centre") { edges { score } pageInfo { hasNextPage } } }`, &resp)
	query(t, c, `{ search(query: "centre") { totalCount } }`, &resp)
	query(t, c, `{ search(query: "centre") { ...F } } fragment F on SearchConnection { totalCount }`, &resp)
	if !slices.Equal(r.counts, []bool{false, true, true}) {
		t.Errorf("counts asked = %v, want [false true true]", r.counts)
	}
}

// The count is kept per data version: a write through the server changes
// the next totalCount of a query counted before it.
func TestSearchTotalCountFollowsAWrite(t *testing.T) {
	e := newEditing(t)
	const q = `{ search(query: "gardanne", first: 1) { totalCount } }`
	var before, after struct{ Search struct{ TotalCount int } }
	query(t, e.c, q, &before)
	var created map[string]any
	query(t, e.c, addGardanne, &created, seedCitation, e.editor)
	query(t, e.c, q, &after)
	if after.Search.TotalCount != before.Search.TotalCount+1 {
		t.Errorf("gardanne: totalCount %d before the creation, %d after", before.Search.TotalCount, after.Search.TotalCount)
	}
}

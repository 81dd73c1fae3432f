package graph

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// TestRelationIDsAreTheExportsIDs: a page links to one relation by the id the
// exports write, and normalising caches key relations by it.
func TestRelationIDsAreTheExportsIDs(t *testing.T) {
	s := defaultDataset(t)
	c := newClient(s)
	var resp struct {
		Node struct {
			Relations struct{ Nodes []struct{ ID string } }
		}
	}
	query(t, c, `{ node(id: "cco") { relations(first: 500) { nodes { id } } } }`, &resp)
	var ids []string
	for _, r := range resp.Node.Relations.Nodes {
		ids = append(ids, r.ID)
	}
	if !slices.Contains(ids, "cco>signatory>cccs@2015") {
		t.Errorf("relations of cco: %v, want cco>signatory>cccs@2015 among them", ids)
	}
	rels, err := s.Relations(t.Context(), []store.RelQuery{{ID: "cco", Dir: domain.Both}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rels[0] {
		if !slices.Contains(ids, domain.RelationID(r)) {
			t.Errorf("export id %s not answered by the API", domain.RelationID(r))
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Errorf("relation ids repeat: %v", ids)
	}
}

func TestSchemaIsPublishedAsSDL(t *testing.T) {
	for _, introspection := range []bool{true, false} {
		rec := httptest.NewRecorder()
		SchemaHandler(introspection).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/schema.graphql", nil))
		if !introspection {
			if rec.Code != http.StatusNotFound {
				t.Errorf("with introspection off: %d, want 404", rec.Code)
			}
			continue
		}
		body := rec.Body.String()
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/graphql") ||
			!strings.Contains(body, "scalar Date @specifiedBy(") || !strings.Contains(body, "type Relation implements") && !strings.Contains(body, "type Relation {") {
			t.Fatalf("GET /schema.graphql: %d %s\n%.300s", rec.Code, rec.Header(), body)
		}
		req := httptest.NewRequest(http.MethodGet, "/schema.graphql", nil)
		req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
		rec = httptest.NewRecorder()
		SchemaHandler(true).ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified {
			t.Errorf("If-None-Match with the ETag: %d, want 304", rec.Code)
		}
	}
}

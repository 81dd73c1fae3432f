package main

import (
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/auth"
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// The authorization matrix: every caller against every mutation (GraphQL)
// and every admin endpoint (HTTP), through the server's real routes.
func TestAuthorizationMatrix(t *testing.T) {
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.LoadDefaultIfEmpty(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := routes(s, defaultConfig(), slog.New(slog.DiscardHandler))
	tokens := auth.Tokens{Store: s}
	bearer := func(name string, role auth.Role) string {
		tok, err := tokens.Create(context.Background(), name, role, "test")
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + tok
	}
	revoked := bearer("old", auth.Admin)
	if err := s.RevokeToken(context.Background(), "old", time.Now()); err != nil {
		t.Fatal(err)
	}
	callers := []struct {
		name, header string
		role         auth.Role
		bad          bool // refused at the door, whatever it asks
	}{
		{"anonymous", "", auth.Anonymous, false},
		{"reader", bearer("r", auth.Reader), auth.Reader, false},
		{"editor", bearer("e", auth.Editor), auth.Editor, false},
		{"admin", bearer("a", auth.Admin), auth.Admin, false},
		{"revoked", revoked, 0, true},
		{"malformed", "Token abc", 0, true},
	}
	// Mutations on a node and a relation that do not exist: a caller who
	// may write gets NOT_FOUND, after the role check.
	mutations := map[string]string{
		"createNode":     `mutation { createNode(input: {id: "x", kind: ORGANIZATION, name: "X", sources: [{source: "nope"}], organization: {category: OTHER}}) { node { id } } }`,
		"updateNode":     `mutation { updateNode(input: {id: "nobody", expectedVersion: 1, sources: [{source: "seed-000"}]}) { node { id } } }`,
		"deleteNode":     `mutation { deleteNode(input: {id: "nobody", expectedVersion: 1, reason: "x"}) { node { id } } }`,
		"addRelation":    `mutation { addRelation(input: {from: "nobody", kind: SIGNATORY, to: "cccs", sources: [{source: "seed-000"}]}) { relation { id } } }`,
		"updateRelation": `mutation { updateRelation(input: {id: "nobody>signatory>cccs", expectedVersion: 1, sources: [{source: "seed-000"}]}) { relation { id } } }`,
		"endRelation":    `mutation { endRelation(input: {id: "nobody>signatory>cccs", validTo: "2020", expectedVersion: 1, sources: [{source: "seed-000"}]}) { relation { id } } }`,
		"deleteRelation": `mutation { deleteRelation(input: {id: "nobody>signatory>cccs", expectedVersion: 1, reason: "x"}) { relation { id } } }`,
	}
	writeCodes := map[string]string{"createNode": domain.EBADINPUT, "addRelation": domain.EBADINPUT} // unknown references
	for name, q := range mutations {
		for _, who := range callers {
			body, _ := json.Marshal(map[string]string{"query": q})
			req := httptest.NewRequest("POST", "/graphql", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			status, code := call(h, req, who.header)
			want := map[auth.Role]string{auth.Anonymous: domain.EUNAUTHN, auth.Reader: domain.EFORBIDDEN}[who.role]
			if want == "" {
				want = cmp.Or(writeCodes[name], domain.ENOTFOUND)
			}
			wantStatus := http.StatusOK
			if who.bad {
				want, wantStatus = domain.EUNAUTHN, http.StatusUnauthorized
			}
			if code != want || status != wantStatus {
				t.Errorf("%s by %s: %d %s, want %d %s", name, who.name, status, code, wantStatus, want)
			}
		}
	}
	endpoints := []struct{ method, path, contentType, body string }{
		{"POST", "/admin/tokens", "application/json", `{"name": "new", "role": "reader"}`},
		{"GET", "/admin/tokens", "", ""},
		{"DELETE", "/admin/tokens/r", "", ""},
		{"POST", "/admin/import?dryRun=true&name=x.yaml", "application/yaml", "nodes: []\n"},
		{"POST", "/admin/import/layer?layer=commune&dryRun=true", "application/geo+json", `{"type": "FeatureCollection", "features": []}`},
		{"GET", "/admin/export?format=json", "", ""},
		{"GET", "/admin/backup", "", ""},
	}
	for _, ep := range endpoints {
		for _, who := range callers {
			if ep.method == "DELETE" && who.name == "admin" {
				continue // run last, below: it revokes the reader
			}
			req := httptest.NewRequest(ep.method, ep.path, strings.NewReader(ep.body))
			if ep.contentType != "" {
				req.Header.Set("Content-Type", ep.contentType)
			}
			status, code := call(h, req, who.header)
			wantStatus := map[auth.Role]int{auth.Anonymous: 401, auth.Reader: 403, auth.Editor: 403}[who.role]
			if who.bad {
				wantStatus = 401
			}
			if wantStatus == 0 && (status == 401 || status == 403 || status >= 500) || wantStatus != 0 && status != wantStatus {
				t.Errorf("%s %s by %s: %d %s, want %d", ep.method, ep.path, who.name, status, code, wantStatus)
			}
		}
	}
	if status, _ := call(h, httptest.NewRequest("DELETE", "/admin/tokens/r", nil), callers[3].header); status != http.StatusNoContent {
		t.Errorf("admin revoking a token: %d", status)
	}
}

// call sends req with an Authorization header and returns the status and
// the first error code of the answer ("" for none).
func call(h http.Handler, req *http.Request, header string) (int, string) {
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Body)
	var e struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	json.Unmarshal(b, &e)
	if len(e.Errors) == 0 {
		return rec.Code, ""
	}
	return rec.Code, e.Errors[0].Extensions.Code
}

package geo

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/internal/geotest"
	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
	"github.com/cccs13/cccs-graph/store"
)

// TestOnlyWorkIsAdmitted: an answer the cache holds is written without the
// server's admission; one to make goes through it, with its context (a
// deadline that has passed answers TIMEOUT, and nothing is kept); a write
// makes the next answer again, admitted.
func TestOnlyWorkIsAdmitted(t *testing.T) {
	s := geostore.WithNetwork(t)
	admitted, expired := 0, false
	o := cached("")
	o.Admit = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			admitted++
			if expired {
				ctx, cancel := context.WithTimeout(r.Context(), 0)
				defer cancel()
				r = r.WithContext(ctx)
			}
			next.ServeHTTP(w, r)
		})
	}
	h := New(s, slog.New(slog.DiscardHandler), o)
	send := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w
	}
	const tile = "/ogc/collections/communes/tiles/WebMercatorQuad/10/375/527"
	expired = true
	if w := send(tile); w.Code != http.StatusServiceUnavailable && w.Code != http.StatusGatewayTimeout || !strings.Contains(w.Body.String(), `"TIMEOUT"`) {
		t.Errorf("past its deadline: %d %.200s, want TIMEOUT", w.Code, w.Body)
	}
	expired = false
	for _, path := range []string{tile, "/geo/communes.geojson", "/ogc/collections"} {
		before := admitted
		first, second := send(path), send(path)
		if first.Code != 200 || second.Code != 200 || first.Body.String() != second.Body.String() {
			t.Fatalf("%s: %d then %d", path, first.Code, second.Code)
		}
		if admitted-before != 1 {
			t.Errorf("%s: admitted %d times in two requests, want once (the second from the cache)", path, admitted-before)
		}
	}
	if _, err := s.ImportLayer(ctx, store.Layer{Kind: "departement", File: store.File{Name: geotest.Departement, Data: geotest.Read(t, geotest.Departement)}}); err != nil {
		t.Fatal(err)
	}
	before := admitted
	if w := send(tile); w.Code != 200 || admitted != before+1 {
		t.Errorf("after a write: %d, admitted %d times, want once", w.Code, admitted-before)
	}
}

package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/internal/geotest"
	"github.com/cccs13/cccs-graph/store"
)

// mapsRoutes is the server's whole handler over the default dataset and
// the communes, configured as bench/run serves it, then by edit.
func mapsRoutes(t testing.TB, edit func(*config)) http.Handler {
	t.Helper()
	s, err := store.Open("", nil)
	if err == nil {
		_, err = s.LoadDefaultIfEmpty(ctx)
	}
	if err == nil {
		communes := store.File{Name: geotest.Communes, Data: geotest.Read(t, geotest.Communes)}
		_, err = s.ImportLayer(ctx, store.Layer{Kind: "commune", File: communes, Source: "cog-insee-2018"})
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := defaultConfig()
	c.MapCacheBytes = 64 << 20
	if edit != nil {
		edit(c)
	}
	return routes(s, c, slog.New(slog.DiscardHandler))
}

// TestMapsPathsOnTheServersMux: the maps' routes on the server's one mux
// answer odd paths as the maps did behind their own: a clear error with a
// code (short quotes of what was sent), 405 with Allow for another method,
// a redirect for a path with dot segments, HEAD and CORS as for a GET.
func TestMapsPathsOnTheServersMux(t *testing.T) {
	h := mapsRoutes(t, func(c *config) { c.CORSOrigins = "https://app.example" })
	const tiles = "/ogc/collections/communes/tiles/WebMercatorQuad/"
	long := strings.Repeat("a", 10000)
	for path, want := range map[string]struct {
		status int
		code   string
	}{
		tiles + "10/375/527":                                   {200, ""},
		tiles + "10/375/527.mvt":                               {200, ""},
		tiles + "99999999999999999999/0/0":                     {400, "BAD_USER_INPUT"},
		tiles + "10/99999999999999999999/527":                  {400, "BAD_USER_INPUT"},
		tiles + "10/375/-1":                                    {400, "BAD_USER_INPUT"},
		tiles + "10/375/0x1f":                                  {400, "BAD_USER_INPUT"},
		tiles + "10/375/527%2F..%2F..":                         {400, "BAD_USER_INPUT"},
		tiles + "10/375":                                       {404, "NOT_FOUND"},
		tiles + "10/375/527/1":                                 {404, "NOT_FOUND"},
		tiles + long:                                           {404, "NOT_FOUND"},
		tiles + "1/0/" + long:                                  {400, "BAD_USER_INPUT"},
		"/ogc/collections/" + long + "/items":                  {404, "NOT_FOUND"},
		"/ogc/collections/nowhere/tiles/WebMercatorQuad/1/0/0": {404, "NOT_FOUND"},
		"/geo/" + long + ".geojson":                            {404, "NOT_FOUND"},
		"/geo/communes.geojson/x":                              {404, "NOT_FOUND"},
		"/geo/..%2f..%2fetc%2fpasswd":                          {404, "NOT_FOUND"},
		"/ogc/nothing":                                         {404, "NOT_FOUND"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		var body struct{ Code, Description string }
		if want.status != 200 {
			json.Unmarshal(w.Body.Bytes(), &body)
		}
		if w.Code != want.status || body.Code != want.code || len(body.Description) > 400 {
			t.Errorf("%.90s: %d %q (%d bytes of description), want %d %q", path, w.Code, body.Code, len(body.Description), want.status, want.code)
		}
	}
	// Dot segments: the mux sends the client to the clean path, nothing is read.
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/geo/../../etc/passwd", nil))
	if w.Code != http.StatusTemporaryRedirect || strings.Contains(w.Body.String(), "root:") {
		t.Errorf("dot segments: %d %.100s, want 307 to the clean path", w.Code, w.Body)
	}
	// Another method: 405 with what is allowed.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", tiles+"10/375/527", nil))
	if w.Code != http.StatusMethodNotAllowed || !strings.Contains(w.Header().Get("Allow"), "GET") {
		t.Errorf("POST a tile: %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
	// HEAD and CORS: the GET's headers, no body; the origin allowed.
	get, head := httptest.NewRecorder(), httptest.NewRecorder()
	for _, x := range []struct {
		method string
		w      *httptest.ResponseRecorder
	}{{"GET", get}, {"HEAD", head}} {
		r := httptest.NewRequest(x.method, tiles+"10/375/527", nil)
		r.Header.Set("Origin", "https://app.example")
		h.ServeHTTP(x.w, r)
	}
	if head.Code != 200 || head.Header().Get("ETag") != get.Header().Get("ETag") || head.Header().Get("Content-Length") != get.Header().Get("Content-Length") {
		t.Errorf("HEAD: %d, ETag %q, Content-Length %q; GET's %q, %q", head.Code, head.Header().Get("ETag"), head.Header().Get("Content-Length"), get.Header().Get("ETag"), get.Header().Get("Content-Length"))
	}
	if get.Header().Get("Access-Control-Allow-Origin") != "https://app.example" || get.Header().Values("Vary")[0] != "Origin" {
		t.Errorf("CORS: Allow-Origin %q, Vary %q", get.Header().Get("Access-Control-Allow-Origin"), get.Header().Values("Vary"))
	}
}

// TestMapsAdmittedOnTheServer: through the server's handler, an answer to
// make runs under the request deadline (one of 1 ns answers TIMEOUT with its
// code), and the server goes on answering.
func TestMapsAdmittedOnTheServer(t *testing.T) {
	h := mapsRoutes(t, func(c *config) { c.RequestTimeout = 1 })
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/geo/communes.geojson", nil))
	if !strings.Contains(w.Body.String(), `"TIMEOUT"`) {
		t.Errorf("a deadline of 1 ns: %d %.200s, want TIMEOUT", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != 200 {
		t.Errorf("healthz: %d", w.Code)
	}
}

package viewer

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestHandlerServesThePageAndItsAssets(t *testing.T) {
	h := Handler()
	page := get(t, h, http.MethodGet, "/view?id=caf-13&asOf=2019")
	body, _ := io.ReadAll(page.Body)
	if page.StatusCode != 200 || !strings.Contains(string(body), `src="view/viewer.js"`) || page.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /view: %d %s\n%.200s", page.StatusCode, page.Header.Get("Content-Type"), body)
	}
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("the page has no content security policy: %q", csp)
	}
	for file, ctype := range map[string]string{"viewer.js": "text/javascript", "viewer.css": "text/css", "maplibre-gl-worker.mjs": "text/javascript", "THIRD-PARTY-LICENSES.txt": "text/plain"} {
		resp := get(t, h, http.MethodGet, "/view/"+file)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) || resp.Header.Get("ETag") == "" {
			t.Errorf("GET /view/%s: %d %q ETag %q", file, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("ETag"))
		}
	}
	// Revalidation and compression.
	js := get(t, h, http.MethodGet, "/view/viewer.js")
	if again := get(t, h, http.MethodGet, "/view/viewer.js", "If-None-Match", js.Header.Get("ETag")); again.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: %d, want 304", again.StatusCode)
	}
	zipped := get(t, h, http.MethodGet, "/view/viewer.js", "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil || zipped.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip: %v, Content-Encoding %q", err, zipped.Header.Get("Content-Encoding"))
	}
	plain, _ := io.ReadAll(zr)
	if n := js.ContentLength; int64(len(plain)) != n && n > 0 {
		t.Errorf("gunzipped %d bytes, the file has %d", len(plain), n)
	}
}

func TestHandlerRefusesWhatItDoesNotServe(t *testing.T) {
	h := Handler()
	for _, target := range []string{"/view/index.html", "/view/nope.js", "/view/../go.mod", "/view/dist/viewer.js", "/view/" + strings.Repeat("a", 5000)} {
		// 404, or the mux's redirect of a path with dots to its clean form.
		if resp := get(t, h, http.MethodGet, target); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusTemporaryRedirect {
			t.Errorf("GET %.60s: %d, want 404", target, resp.StatusCode)
		}
	}
	if resp := get(t, h, http.MethodPost, "/view"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /view: %d, want 405", resp.StatusCode)
	}
	// The trailing slash leads back to the page, query kept, so relative links hold.
	resp := get(t, h, http.MethodGet, "/view/?id=cccs")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/view?id=cccs" {
		t.Errorf("GET /view/: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

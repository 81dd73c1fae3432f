// Package viewer serves the network viewer, the browser app built from this
// folder into dist/ by web/build (see web/README.md): the page at /view and
// its assets under /view/. The page reads only the public API (GraphQL and
// /geo), so the package needs nothing from the server but a route.
package viewer

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
)

//go:embed dist
var dist embed.FS

// Path is where the page is served; its assets are under Path + "/".
const Path = "/view"

// Handler serves GET Path (the page) and GET Path/{file} (the assets), with
// strong ETags from the content, gzip for clients that accept it, and 404
// for anything else. The page is not cached without revalidation, so a new
// server release is picked up at once.
func Handler() http.Handler {
	files, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embedded tree always has dist/
	}
	tags := map[string]string{}
	fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(files, name)
			sum := sha256.Sum256(b)
			tags[name] = `"` + hex.EncodeToString(sum[:12]) + `"`
		}
		return nil
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Path, func(w http.ResponseWriter, r *http.Request) {
		serve(w, r, files, "index.html", tags)
	})
	mux.HandleFunc("GET "+Path+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		// The page's links are relative to Path: send the reader there.
		target := Path
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET "+Path+"/{file}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if name == "index.html" || tags[name] == "" {
			notFound(w)
			return
		}
		serve(w, r, files, name, tags)
	})
	return gzhttp.GzipHandler(mux)
}

// types are the media types of the files dist/ holds.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
}

func serve(w http.ResponseWriter, r *http.Request, files fs.FS, name string, tags map[string]string) {
	b, err := fs.ReadFile(files, name)
	if err != nil {
		notFound(w)
		return
	}
	h := w.Header()
	h.Set("Content-Type", types[path.Ext(name)])
	h.Set("ETag", tags[name])
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasSuffix(name, ".html") {
		// Scripts, styles and requests from this server only; the map's
		// worker and its tiles are blobs.
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; worker-src 'self' blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}

// notFound answers a path under Path that names no file of the viewer.
func notFound(w http.ResponseWriter) {
	edge.Respond(w, edge.Text, http.StatusNotFound, domain.ENOTFOUND, "no such file of the viewer: the page is at "+Path)
}

// Package explorer serves the GraphQL explorer, the browser app built from
// this folder into dist/ by web/build (see web/README.md): GraphiQL, its
// libraries and styles, bundled from npm with no CDN, so the page works on a
// machine with no network. The page is served at / and its assets under
// /explorer/.
package explorer

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"
)

//go:embed dist
var dist embed.FS

// AssetPrefix is the path of the page's scripts and styles.
const AssetPrefix = "/explorer/"

// Handler serves the page (GET /, talking to the GraphQL endpoint) and its
// assets (GET /explorer/{file}) with strong ETags from their content and
// gzip for clients that accept it; anything else is 404. The page itself
// is revalidated on each load, so a new release is picked up at once.
func Handler(endpoint string) http.Handler {
	files := map[string]asset{}
	fs.WalkDir(dist, "dist", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := dist.ReadFile(path)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(path, "dist/")
		if name == "index.html" {
			b = bytes.Replace(b, []byte("{{ENDPOINT}}"), []byte(html.EscapeString(endpoint)), 1)
			name = ""
		}
		files[name] = newAsset(b)
		return nil
	})
	return gzhttp.GzipHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := "", r.URL.Path == "/"
		if !ok && strings.HasPrefix(r.URL.Path, AssetPrefix) {
			name = strings.TrimPrefix(r.URL.Path, AssetPrefix)
			ok = name != ""
		}
		a, found := files[name]
		if !ok || !found {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", a.etag)
		w.Header().Set("Cache-Control", "no-cache") // revalidate: the ETag makes it a 304
		w.Header().Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, contentName(name), time.Time{}, bytes.NewReader(a.body))
	}))
}

type asset struct {
	body []byte
	etag string
}

func newAsset(b []byte) asset {
	sum := sha256.Sum256(b)
	return asset{body: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

// contentName gives ServeContent a name whose extension sets the type.
func contentName(name string) string {
	if name == "" {
		return "index.html"
	}
	return name
}

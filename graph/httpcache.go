package graph

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/etag"
)

// HTTP caching of GraphQL GET answers, so that a browser, a reverse proxy or
// a CDN can keep them: a successful answer to an anonymous GET is public for
// max-age seconds, and carries a (weak) ETag made of what determines it (the
// request, the data version, today's date for a missing asOf, the media
// type, the server build); a request whose If-None-Match holds the current
// ETag gets 304 without running. With a persisted query's hash the URL is
// short and stable, which is what caches key on. Answers with errors, and
// POST answers, are not for caches.

// httpCache wraps the GraphQL handler.
type httpCache struct {
	next   http.Handler
	store  Versioned
	log    *slog.Logger
	maxAge int // seconds a shared cache may serve an answer without asking
}

func newHTTPCache(next http.Handler, s Versioned, log *slog.Logger, maxAge int) http.Handler {
	return &httpCache{next: next, store: s, log: log, maxAge: maxAge}
}

func (c *httpCache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		c.next.ServeHTTP(w, r)
		return
	}
	tag, ok := c.tag(r)
	if !ok {
		c.next.ServeHTTP(w, r)
		return
	}
	w.Header().Add("Vary", "Accept")
	if etag.Matches(r, tag) {
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", c.cacheControl(r))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	cw := &cacheHeaders{ResponseWriter: w, tag: tag, control: c.cacheControl(r)}
	c.next.ServeHTTP(cw, r)
	if !cw.wrote && cw.status != 0 {
		w.WriteHeader(cw.status)
	}
}

// cacheControl is public for anonymous requests; one that carries
// credentials may get an answer of its own, which only its browser keeps.
func (c *httpCache) cacheControl(r *http.Request) string { return etag.CacheControl(r, c.maxAge) }

// tag names the answer a GET request would get now.
func (c *httpCache) tag(r *http.Request) (string, bool) {
	version, err := c.store.DataVersion(r.Context())
	if err != nil {
		c.log.Error("http cache: data version", "error", err)
		return "", false
	}
	return etag.Weak(version, buildID(), domain.Today().String(), r.Header.Get("Accept"), r.Header.Get("Authorization"), r.URL.RawQuery), true
}

// buildID names the server's build, so that a new release (new schema, new
// resolvers) does not answer 304 for what it would now answer otherwise.
var buildID = sync.OnceValue(func() string {
	h := sha256.New()
	h.Write(SDL())
	if info, ok := debug.ReadBuildInfo(); ok {
		io.WriteString(h, info.String())
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
})

// cacheHeaders sets the caching headers when the answer is known: gqlgen
// writes an answer in one Write, after WriteHeader for a refusal.
type cacheHeaders struct {
	http.ResponseWriter
	tag, control string
	status       int
	wrote        bool
}

func (w *cacheHeaders) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *cacheHeaders) Write(b []byte) (int, error) {
	if !w.wrote {
		w.wrote = true
		if w.status == 0 {
			w.status = http.StatusOK
		}
		if w.status == http.StatusOK && !bytes.Contains(b, []byte(`"errors":`)) {
			w.Header().Set("ETag", w.tag)
			w.Header().Set("Cache-Control", w.control)
		} else {
			w.Header().Set("Cache-Control", "no-store")
		}
		w.ResponseWriter.WriteHeader(w.status)
	}
	return w.ResponseWriter.Write(b)
}

func (w *cacheHeaders) Unwrap() http.ResponseWriter { return w.ResponseWriter }

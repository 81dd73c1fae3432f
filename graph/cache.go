package graph

import (
	"bytes"
	"crypto/sha256"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/cccs13/cccs-graph/store"
)

// Response cache: gqlgen spends most of a large answer's time marshalling it
// element by element, so identical requests on unchanged data are answered
// from memory. The key holds the data version (bumped by every import) and
// today's date (a missing asOf means today), so an entry is never stale.

// cacheMaxEntry is the largest answer kept.
const cacheMaxEntry = 4 << 20

type cachedResponse struct {
	header http.Header
	status int
	body   []byte
}

// responseCache wraps the GraphQL handler.
type responseCache struct {
	next  http.Handler
	store *store.Store
	log   *slog.Logger
	lru   *lru.Cache[[sha256.Size]byte, *cachedResponse]
}

func newResponseCache(next http.Handler, s *store.Store, log *slog.Logger, entries int) http.Handler {
	c, _ := lru.New[[sha256.Size]byte, *cachedResponse](entries)
	return &responseCache{next: next, store: s, log: log, lru: c}
}

func (rc *responseCache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, ok := rc.key(r)
	if !ok {
		rc.next.ServeHTTP(w, r)
		return
	}
	if hit, ok := rc.lru.Get(key); ok {
		for k, v := range hit.header {
			w.Header()[k] = v
		}
		w.Header().Set("X-Cache", "hit")
		w.WriteHeader(hit.status)
		w.Write(hit.body)
		return
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	rc.next.ServeHTTP(rec, r)
	// Only complete answers without errors are kept: errors may be passing.
	if rec.status == http.StatusOK && rec.buf.Len() <= cacheMaxEntry && !bytes.Contains(rec.buf.Bytes(), []byte(`"errors":`)) {
		rc.lru.Add(key, &cachedResponse{header: w.Header().Clone(), status: rec.status, body: bytes.Clone(rec.buf.Bytes())})
	}
}

// key hashes what determines the answer; ok is false for requests not cached.
func (rc *responseCache) key(r *http.Request) (k [sha256.Size]byte, ok bool) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return k, false
	}
	version, err := rc.store.DataVersion()
	if err != nil {
		rc.log.Error("response cache: data version", "error", err)
		return k, false
	}
	h := sha256.New()
	io.WriteString(h, strconv.FormatUint(version, 10)+"\x00"+store.Today().String()+"\x00"+r.Method+"\x00"+r.URL.RawQuery+"\x00"+r.Header.Get("Accept")+"\x00")
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return k, false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.Write(body)
	}
	copy(k[:], h.Sum(nil))
	return k, true
}

// recorder passes a response through and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

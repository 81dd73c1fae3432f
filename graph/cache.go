package graph

import (
	"bytes"
	"crypto/sha256"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/cccs13/cccs-graph/store"
)

// Response cache: gqlgen spends most of a large answer's time marshalling it
// element by element, so identical requests on unchanged data are answered
// from memory. The key holds the data version (bumped by every import) and
// today's date (a missing asOf means today), so an entry is never stale.

// cacheMaxEntry is the largest answer kept; the bodies kept in all are
// bounded by the cache's size in bytes.
const cacheMaxEntry = 1 << 20

type cachedResponse struct {
	contentType string
	operation   string
	body        []byte
}

// responseCache wraps the GraphQL handler. It keeps only what the GraphQL
// handler itself decides (body, content type, operation name): headers set
// around it, such as CORS, belong to each request.
type responseCache struct {
	next  http.Handler
	store *store.Store
	log   *slog.Logger

	mu       sync.Mutex // guards bytes together with the LRU's contents
	lru      *lru.LRU[[sha256.Size]byte, *cachedResponse]
	bytes    int
	maxBytes int
}

func newResponseCache(next http.Handler, s *store.Store, log *slog.Logger, maxBytes int) http.Handler {
	rc := &responseCache{next: next, store: s, log: log, maxBytes: maxBytes}
	rc.lru, _ = lru.NewLRU(1<<30, func(_ [sha256.Size]byte, v *cachedResponse) { rc.bytes -= len(v.body) })
	return rc
}

func (rc *responseCache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, ok := rc.key(r)
	if !ok {
		rc.next.ServeHTTP(w, r)
		return
	}
	if hit, ok := rc.get(key); ok {
		setOperationName(r.Context(), hit.operation)
		w.Header().Set("Content-Type", hit.contentType)
		w.Header().Set("X-Cache", "hit")
		w.Write(hit.body)
		return
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK, limit: min(cacheMaxEntry, rc.maxBytes)}
	rc.next.ServeHTTP(rec, r)
	// Only complete answers without errors are kept: errors may be passing.
	if rec.status == http.StatusOK && !rec.over && !bytes.Contains(rec.buf.Bytes(), []byte(`"errors":`)) {
		rc.add(key, &cachedResponse{
			contentType: w.Header().Get("Content-Type"),
			operation:   operationName(r.Context()),
			body:        bytes.Clone(rec.buf.Bytes()),
		})
	}
}

func (rc *responseCache) get(key [sha256.Size]byte) (*cachedResponse, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.lru.Get(key)
}

// add keeps a response, evicting the least recently used ones while the
// bodies kept weigh more than cacheMaxBytes.
func (rc *responseCache) add(key [sha256.Size]byte, v *cachedResponse) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if old, ok := rc.lru.Peek(key); ok {
		rc.bytes -= len(old.body)
	}
	rc.bytes += len(v.body)
	rc.lru.Add(key, v)
	for rc.bytes > rc.maxBytes {
		rc.lru.RemoveOldest()
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

// recorder passes a response through and keeps a copy of it, unless it is
// longer than limit.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	limit  int
	over   bool // longer than limit: the copy was dropped
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.over && r.buf.Len()+len(b) > r.limit {
		r.over = true
		r.buf = bytes.Buffer{}
	}
	if !r.over {
		r.buf.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

package graph

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
)

// Response cache: gqlgen spends most of a large answer's time marshalling it
// element by element, so identical requests on unchanged data are answered
// from memory. It keeps only what cannot differ between callers or replay
// an effect: anonymous requests (no Authorization, no cookie) for a query
// operation; a mutation or a subscription always runs. The key holds
// everything that changes an answer: the document, the operation chosen in
// it, the variables, the Accept header, the caller's credentials (for when
// credentialed requests become cacheable), the data version (bumped by
// every write) and today's date (a missing asOf means today), so an entry is
// never stale and never another caller's.

const (
	cacheMaxEntry = 1 << 20  // larger answers are not kept
	cacheMaxBytes = 64 << 20 // the bodies kept, in all
)

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
	store Versioned
	log   *slog.Logger

	mu    sync.Mutex // guards bytes together with the LRU's contents
	lru   *lru.Cache[[sha256.Size]byte, *cachedResponse]
	bytes int
}

func newResponseCache(next http.Handler, s Versioned, log *slog.Logger, entries int) http.Handler {
	rc := &responseCache{next: next, store: s, log: log}
	rc.lru, _ = lru.NewWithEvict(entries, func(_ [sha256.Size]byte, v *cachedResponse) { rc.bytes -= len(v.body) })
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
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	rc.next.ServeHTTP(rec, r)
	// Only complete answers without errors are kept: errors may be passing.
	if rec.status == http.StatusOK && rec.buf.Len() <= cacheMaxEntry && !bytes.Contains(rec.buf.Bytes(), []byte(`"errors":`)) {
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
	for rc.bytes > cacheMaxBytes {
		rc.lru.RemoveOldest()
	}
}

// gqlRequest is the part of a GraphQL request that decides its answer.
type gqlRequest struct {
	Query         string          `json:"query"`
	OperationName string          `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    json.RawMessage `json:"extensions"`
}

// key hashes what determines the answer; ok is false for requests not cached.
func (rc *responseCache) key(r *http.Request) (k [sha256.Size]byte, ok bool) {
	req, ok := cacheable(r)
	if !ok {
		return k, false
	}
	version, err := rc.store.DataVersion(r.Context())
	if err != nil {
		rc.log.Error("response cache: data version", "error", err)
		return k, false
	}
	h := sha256.New()
	for _, part := range []string{strconv.FormatUint(version, 10), domain.Today().String(), r.Header.Get("Accept"),
		r.Header.Get("Authorization"), req.Query, req.OperationName, string(req.Variables), string(req.Extensions)} {
		io.WriteString(h, strconv.Itoa(len(part))+":"+part) // length-prefixed: no two part lists hash alike
	}
	copy(k[:], h.Sum(nil))
	return k, true
}

// cacheable returns the GraphQL request of r when its answer may be kept:
// an anonymous GET or POST whose operation is a query.
func cacheable(r *http.Request) (gqlRequest, bool) {
	var req gqlRequest
	if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
		return req, false
	}
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		req = gqlRequest{Query: q.Get("query"), OperationName: q.Get("operationName"),
			Variables: json.RawMessage(q.Get("variables")), Extensions: json.RawMessage(q.Get("extensions"))}
	case http.MethodPost:
		if json.Unmarshal(edge.Body(r), &req) != nil {
			return req, false
		}
	default:
		return req, false
	}
	return req, isQuery(req.Query, req.OperationName)
}

// isQuery reports whether the operation a document runs is a query; false
// for a mutation, a subscription, or a document that does not parse (its
// error answer is not kept anyway).
func isQuery(doc, operationName string) bool {
	d, err := parser.ParseQuery(&ast.Source{Input: doc})
	if err != nil {
		return false
	}
	var op *ast.OperationDefinition
	if operationName == "" && len(d.Operations) == 1 {
		op = d.Operations[0]
	} else {
		op = d.Operations.ForName(operationName)
	}
	return op != nil && op.Operation == ast.Query
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

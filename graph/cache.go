package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/vektah/gqlparser/v2/ast"

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
	store Versioned
	log   *slog.Logger

	answers  *byteLRU[[sha256.Size]byte, *cachedResponse]
	maxBytes int
}

func newResponseCache(next http.Handler, s Versioned, log *slog.Logger, maxBytes int) http.Handler {
	rc := &responseCache{next: next, store: s, log: log, maxBytes: maxBytes}
	rc.answers = newByteLRU(maxBytes, 0, func(_ [sha256.Size]byte, v *cachedResponse) int { return len(v.body) })
	return rc
}

func (rc *responseCache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, ok := rc.key(r)
	if !ok {
		rc.next.ServeHTTP(w, r)
		return
	}
	if hit, ok := rc.answers.get(key); ok {
		setOperationName(r.Context(), hit.operation)
		w.Header().Set("Content-Type", hit.contentType)
		w.Header().Set("X-Cache", "hit")
		w.Write(hit.body)
		return
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK, limit: min(cacheMaxEntry, rc.maxBytes)}
	t := &ticket{}
	rc.next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), ticketKey{}, t)))
	// Only complete answers to a query, without errors, are kept: errors may
	// be passing. (A hit needs no such check: only a query's answer is ever
	// kept under its document and operation name.)
	if t.query.Load() && rec.status == http.StatusOK && !rec.over && !bytes.Contains(rec.buf.Bytes(), []byte(`"errors":`)) {
		rc.answers.add(key, &cachedResponse{
			contentType: w.Header().Get("Content-Type"),
			operation:   operationName(r.Context()),
			body:        bytes.Clone(rec.buf.Bytes()),
		})
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
// an anonymous GET or POST, with a text of at most maxCachedQuery bytes (the
// executor then says whether its operation is a query: markOperation).
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
	return req, len(req.Query) <= maxCachedQuery // huge literals stay out
}

// ticket is what the executor tells the cache about one request: whether
// the operation it ran is a query, whose answer may be kept.
type ticket struct{ query atomic.Bool }

type ticketKey struct{}

// markOperation tells the cache of ctx's request (if any) which kind of
// operation runs. The executor knows it after parsing; the cache does not
// parse the document itself.
func markOperation(ctx context.Context, op *ast.OperationDefinition) {
	if t, ok := ctx.Value(ticketKey{}).(*ticket); ok {
		t.query.Store(op.Operation == ast.Query)
	}
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

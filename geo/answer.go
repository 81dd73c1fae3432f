package geo

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/cccs13/cccs-graph/etag"
)

// Every answer of the maps (collections, items, tiles, the JSON documents)
// is made once per data version and request, then kept as bytes, in its
// identity and gzip forms, each with a strong ETag: a request the cache
// holds costs a lookup and a write. A write to the store moves the data
// version, and the next request makes the answer again.

// answer is a response body ready to send.
type answer struct {
	identity []byte
	gzipped  []byte // nil when gzip does not make it smaller, or was not tried
	tried    bool   // gzip was tried: answers the cache keeps
	tag      string // strong ETag of identity; the gzip form's ends in -gzip
	// The header values of each form, made once with the answer (each a
	// slice of one, its capacity one: Header.Add copies it).
	media                []string
	identityTag, gzipTag []string
	identityLen, gzipLen []string
}

// Header values that never change. The keys are canonical (Etag), as
// Header.Set would write them.
var (
	gzipEncoding = []string{"gzip"}
	mapsVary     = []string{"Accept, Accept-Encoding"}
	privateCache = []string{etag.PrivateNoCache}
)

// answerEntry is an answer in the cache, with the length of its key.
type answerEntry struct {
	*answer
	keyLen int
}

// weight is what an entry holds in the cache, its key included.
func (e answerEntry) weight() int { return len(e.identity) + len(e.gzipped) + e.keyLen + 128 }

// newAnswer takes a body (no copy) and, for an answer the cache keeps,
// compresses it once, as small as gzip makes it.
func newAnswer(body []byte, media string, kept bool) *answer {
	a := &answer{identity: body, tag: etag.Strong(body), tried: kept}
	if kept && len(body) >= minGzip {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if z.Len() < len(body) {
			a.gzipped = z.Bytes()
		}
	}
	a.media = []string{media}
	a.identityTag, a.identityLen = []string{a.tag}, []string{strconv.Itoa(len(body))}
	a.gzipTag, a.gzipLen = []string{strings.TrimSuffix(a.tag, `"`) + `-gzip"`}, []string{strconv.Itoa(len(a.gzipped))}
	return a
}

// minGzip is the smallest body worth compressing: below it gzip's header
// and the client's work cost more than the bytes saved.
const minGzip = 512

// answerKey is the canonical request an answer answers: the path, the
// query with its parameters sorted and encoded one way, what the request
// negotiated and the date it is as of (today for a request without one),
// and the base of its links.
func (h *handler) answerKey(r *http.Request, req prepared) string {
	query := ""
	if len(req.query) > 0 {
		query = req.query.Encode()
	}
	var b strings.Builder
	b.Grow(len(r.URL.Path) + len(query) + len(req.media) + len(h.base) + 16)
	for _, part := range [...]string{r.URL.Path, query, req.media} {
		b.WriteString(part)
		b.WriteByte('\n')
	}
	var date [16]byte
	b.Write(req.p.when.asOf.Append(date[:0]))
	b.WriteByte('\n')
	b.WriteString(h.base)
	return b.String()
}

// serve answers r with the answer to its canonical request: from the cache,
// or written by write (once for all the requests that ask for it at the
// same time), within the server's admission and deadline, whose context
// write is given. An answer larger than the cache keeps is sent as write
// makes it (without ETag or Content-Length), so that it never sits whole in
// memory. An empty body is 204 No Content. Headers that the handler set
// before (Content-Crs) are kept.
func (h *handler) serve(w http.ResponseWriter, r *http.Request, req prepared, write func(context.Context, io.Writer) error) {
	gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
	hdr := w.Header()
	if v := hdr["Vary"]; len(v) > 0 { // CORS said Origin
		hdr["Vary"] = append(v, mapsVary[0])
	} else {
		hdr["Vary"] = mapsVary
	}
	if etag.Private(r) {
		hdr["Cache-Control"] = privateCache
	} else {
		hdr["Cache-Control"] = h.public
	}
	key := h.answerKey(r, req)
	if e, ok := h.answers.Get(req.version, key); ok { // no work: nothing to admit
		e.send(w, r, gz)
		return
	}
	h.admitted(w, r, req, key, gz, write)
}

// admitted makes the answer within the server's admission (apart from
// serve, so that serve's arguments stay on its stack when the cache answers).
func (h *handler) admitted(w http.ResponseWriter, r *http.Request, req prepared, key string, gz bool, write func(context.Context, io.Writer) error) {
	h.admit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.make(w, r, req, key, gz, write)
	})).ServeHTTP(w, r)
}

// make answers a request whose answer the cache did not hold: it waits for
// the build under way or builds it.
func (h *handler) make(w http.ResponseWriter, r *http.Request, req prepared, key string, gz bool, write func(context.Context, io.Writer) error) {
	var sp *spill
	ctx := r.Context()
	e, err := h.answers.Do(ctx, req.version, key, func() (answerEntry, bool, error) {
		sp = newSpill(w, req.media, gz, h.spillLimit())
		if err := write(ctx, sp); err != nil {
			return answerEntry{}, false, err
		}
		if sp.out != nil {
			return answerEntry{}, false, nil
		}
		body := sp.buf.Bytes()
		return answerEntry{newAnswer(body, req.media, h.answers.Keeps(len(body)+len(key))), len(key)}, true, nil
	})
	switch {
	case sp != nil && sp.out != nil: // sent as it was made
		if err == nil {
			err = sp.close()
		}
		if err != nil {
			h.log.ErrorContext(ctx, "geo: streaming an answer", "path", r.URL.Path, "error", err.Error())
		}
	case err != nil:
		w.Header().Del("Cache-Control")
		h.writeError(w, r, err)
	default:
		e.send(w, r, gz)
	}
}

// send writes the answer in the form the client accepts, or 304 when its
// If-None-Match names that form's ETag.
func (a *answer) send(w http.ResponseWriter, r *http.Request, gz bool) {
	if len(a.identity) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	hdr := w.Header()
	body, tag, length := a.identity, a.identityTag, a.identityLen
	// An answer the cache does not keep is compressed for this request
	// only, fast.
	onTheFly := gz && !a.tried && len(a.identity) >= minGzip
	if gz && a.gzipped != nil || onTheFly {
		body, tag, length = a.gzipped, a.gzipTag, a.gzipLen
		hdr["Content-Encoding"] = gzipEncoding
	}
	hdr["Etag"] = tag
	if etag.Matches(r, tag[0]) {
		hdr.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr["Content-Type"] = a.media
	if onTheFly {
		zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
		zw.Write(a.identity)
		zw.Close()
		return
	}
	hdr["Content-Length"] = length
	w.Write(body)
}

// spillLimit is the largest answer made in memory: what the cache keeps,
// or an eighth of the default budget when the cache is off.
func (h *handler) spillLimit() int {
	if h.answers.Budget() == 0 {
		return DefaultCacheBytes / 8
	}
	return h.answers.MaxEntry()
}

// spill holds what an answer's writer writes, up to limit bytes; beyond,
// it sends the headers (start) and what it holds, then everything else as
// it comes.
type spill struct {
	buf   bytes.Buffer
	limit int
	start func() io.Writer
	out   io.Writer // once spilled
}

// newSpill holds up to limit bytes, then sends the answer to w (gzipped
// when gz) as it comes.
func newSpill(w http.ResponseWriter, media string, gz bool, limit int) *spill {
	return &spill{limit: limit, start: func() io.Writer {
		w.Header().Set("Content-Type", media)
		if gz {
			w.Header().Set("Content-Encoding", "gzip")
			return gzip.NewWriter(w)
		}
		return w
	}}
}

func (s *spill) Write(p []byte) (int, error) {
	if s.out == nil && s.buf.Len()+len(p) <= s.limit {
		return s.buf.Write(p)
	}
	if s.out == nil {
		s.out = s.start()
		if _, err := s.out.Write(s.buf.Bytes()); err != nil {
			return 0, err
		}
		s.buf = bytes.Buffer{}
	}
	return s.out.Write(p)
}

// close ends a spilled answer (the gzip stream).
func (s *spill) close() error {
	if c, ok := s.out.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// acceptsGzip reads Accept-Encoding (RFC 9110, 12.5.3): gzip when its q
// (or that of *) is above 0 and not below the q the header gives identity
// by name. No header, or one that names no coding the server has, gets
// the identity.
func acceptsGzip(header string) bool {
	if strings.TrimSpace(header) == "" {
		return false
	}
	q := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		q[strings.ToLower(strings.TrimSpace(coding))] = qValue(params)
	}
	gzipQ, ok := q["gzip"]
	if !ok {
		gzipQ, ok = q["x-gzip"]
	}
	if !ok {
		gzipQ = q["*"]
	}
	return gzipQ > 0 && gzipQ >= q["identity"]
}

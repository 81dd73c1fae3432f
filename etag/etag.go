// Package etag answers conditional GET requests: an entity tag for a
// response, and 304 Not Modified when the client already has it.
package etag

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
)

// Weak returns a weak entity tag for a representation that depends on the
// data version and on parts of the request (path, query, media type):
// weak, because gzip may change the bytes, not the content.
func Weak(version uint64, parts ...string) string {
	hash := fnv.New64a()
	fmt.Fprint(hash, strings.Join(parts, "\n"))
	return fmt.Sprintf(`W/"%d-%x"`, version, hash.Sum64())
}

// Strong returns a strong entity tag for a body: a hash of its bytes, so
// two representations share one only when they are byte for byte the same.
func Strong(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// CacheControl is the Cache-Control of a public answer: shared caches may
// keep it for maxAge seconds, then revalidate it with its ETag; a request
// that carries credentials may get an answer of its own, which only its
// browser keeps.
func CacheControl(r *http.Request, maxAge int) string {
	if Private(r) {
		return PrivateNoCache
	}
	return Public(maxAge)
}

// Private reports whether r carries credentials: its answer is its own.
func Private(r *http.Request) bool {
	return r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != ""
}

// PrivateNoCache is the Cache-Control of an answer to a request that
// carries credentials.
const PrivateNoCache = "private, no-cache"

// Public is the Cache-Control of a public answer kept maxAge seconds.
func Public(maxAge int) string { return "public, max-age=" + strconv.Itoa(maxAge) }

// NotModified sets tag on the response, with Cache-Control: no-cache (the
// data changes with each import, so clients revalidate), and reports whether
// r's If-None-Match names it, in which case it has answered 304.
func NotModified(w http.ResponseWriter, r *http.Request, tag string) bool {
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-cache")
	if Matches(r, tag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// Matches reports whether r's If-None-Match names tag (the weak comparison
// that If-None-Match uses).
func Matches(r *http.Request, tag string) bool {
	if len(r.Header["If-None-Match"]) == 0 {
		return false // the common case, without splitting
	}
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t != "" && t == strings.TrimPrefix(tag, "W/") {
			return true
		}
	}
	return false
}

// Package etag answers conditional GET requests: an entity tag for a
// response, and 304 Not Modified when the client already has it.
package etag

import (
	"fmt"
	"hash/fnv"
	"net/http"
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
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t != "" && t == strings.TrimPrefix(tag, "W/") {
			return true
		}
	}
	return false
}

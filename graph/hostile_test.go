package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/domain"
)

// TestKnownAtOutsideNanosecondTime: an instant after 2262 or before 1678
// has no Unix time in nanoseconds (the knownAt keys' clock); it is after
// every write, or before all of them, never wrapped to an arbitrary one.
func TestKnownAtOutsideNanosecondTime(t *testing.T) {
	s := defaultDataset(t)
	c := client.New(NewHandler(s, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler),
		At: func(v uint64) Reader { return s.At(v) }}))
	for at, want := range map[string]bool{
		"9999-12-31T23:59:59Z": true, "2263-01-01T00:00:00Z": true, "3000-06-01T00:00:00+14:00": true,
		"0001-01-01T00:00:00Z": false, "1000-01-01T00:00:00Z": false, "1677-01-01T00:00:00Z": false, "1969-12-31T23:59:59Z": false,
	} {
		var out struct{ Node *struct{ ID string } }
		query(t, c, `query($k: DateTime) { node(id: "cccs", knownAt: $k) { id } }`, &out, client.Var("k", at))
		if got := out.Node != nil; got != want {
			t.Errorf("knownAt %s: the node is there: %v, want %v", at, got, want)
		}
	}
}

// TestAPQKeepsNoHugeDocument: gqlgen registers an APQ document before it is
// parsed. A 900 KB one, refused for its literal, is not kept: its short hash
// is unknown afterwards (so it is not parsed again per request of 100
// bytes), and the documents of other clients stay.
func TestAPQKeepsNoHugeDocument(t *testing.T) {
	h := testHandler(defaultDataset(t), Options{})
	if rec, _ := do(t, h, http.MethodPost, "/graphql", `{"query":`+strconv.Quote(signatoriesQuery)+`,"extensions":`+apqExtensions(documentHash(signatoriesQuery))+`}`); rec.Code != 200 {
		t.Fatalf("registering: %d %s", rec.Code, rec.Body)
	}
	for i := range 8 { // 8 x 900 KB: twice the APQ cache's bytes
		big := fmt.Sprintf(`{ search(query: "%d%s") { totalCount } }`, i, strings.Repeat("x", 900<<10))
		body, _ := json.Marshal(map[string]any{"query": big, "extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": documentHash(big)}}})
		if _, answer := do(t, h, http.MethodPost, "/graphql", string(body)); !hasCode(t, answer, domain.EBADINPUT) {
			t.Fatalf("a 900 KB literal: %s", answer["errors"])
		}
		if _, answer := do(t, h, http.MethodPost, "/graphql", `{"extensions":`+apqExtensions(documentHash(big))+`}`); !hasCode(t, answer, codePersistedQueryNotFound) {
			t.Fatalf("the hash of a refused 900 KB document is known: %s", answer["errors"])
		}
	}
	if rec, answer := do(t, h, http.MethodPost, "/graphql", `{"extensions":`+apqExtensions(documentHash(signatoriesQuery))+`}`); rec.Code != 200 || !strings.Contains(string(answer["data"]), `"totalCount":23`) {
		t.Errorf("another client's document was pushed out: %d %s", rec.Code, rec.Body)
	}
}

func hasCode(t *testing.T, answer map[string]json.RawMessage, code string) bool {
	t.Helper()
	got, _ := firstCode(t, answer)
	return got == code
}

// TestGETParametersGivenTwiceAreRefused: gqlgen runs the first query of
// ?query=A&query=B; a cache, a log or a filter in front may read the last.
func TestGETParametersGivenTwiceAreRefused(t *testing.T) {
	h := testHandler(defaultDataset(t), Options{})
	for _, target := range []string{
		"/graphql?query=%7B__typename%7D&query=%7Bnode(id:%22cccs%22)%7Bid%7D%7D",
		"/graphql?query=query+A%7B__typename%7D+query+B%7B__typename%7D&operationName=A&operationName=B",
		"/graphql?query=%7B__typename%7D&variables=%7B%7D&variables=%7B%7D",
	} {
		rec, answer := do(t, h, http.MethodGet, target, "")
		if code, msg := firstCode(t, answer); rec.Code != http.StatusBadRequest || code != domain.EBADINPUT || !strings.Contains(msg, "is given 2 times") {
			t.Errorf("GET %s: %d %s, want 400 BAD_USER_INPUT", target, rec.Code, rec.Body)
		}
	}
}

// TestAbandonedRequestsLeaveNoAnswerCached: a client that goes away
// (before the operation starts, or during it) gets what it gets, but the
// answer cache never keeps a partial answer for the next caller: whatever a
// cancelled request left, the same request after it answers as a handler
// without a cache does.
func TestAbandonedRequestsLeaveNoAnswerCached(t *testing.T) {
	s := defaultDataset(t)
	for _, q := range []string{
		`{ node(id: "caf-13") { id name relations(first: 3) { totalCount nodes { id from { id } to { id } } } } }`,
		`{ organizations(first: 5) { totalCount nodes { id name } } }`,
		`{ search(query: "caf") { totalCount nodes { id } } }`,
		`{ neighborhood(id: "caf-13") { nodes { id } } }`,
	} {
		body, _ := json.Marshal(map[string]any{"query": q})
		ref := serveJSON(NewHandler(s, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler)}), body).Body.String()
		h := NewHandler(s, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler), CacheBytes: 1 << 20, QueryCacheBytes: 1 << 20})
		for _, after := range []time.Duration{0, time.Nanosecond, 20 * time.Microsecond, 200 * time.Microsecond} {
			r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			ctx, cancel := context.WithCancel(r.Context())
			if after == 0 {
				cancel()
			} else {
				defer time.AfterFunc(after, cancel).Stop()
			}
			h.ServeHTTP(httptest.NewRecorder(), r.WithContext(ctx))
			cancel()
			if got := serveJSON(h, body).Body.String(); got != ref {
				t.Fatalf("after a request cancelled at %v, %s answered\n%.300s\nwant\n%.300s", after, q, got, ref)
			}
		}
	}
}

package edge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

func TestWriteErrorFormats(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	for _, tc := range []struct {
		f      Format
		err    error
		status int
		want   string
	}{
		{GraphQL, domain.Errorf(domain.EBADINPUT, "bad date"), 400, `{"errors":[{"extensions":{"code":"BAD_USER_INPUT"},"message":"bad date"}]}`},
		{OGC, domain.Errorf(domain.ENOTFOUND, "no such collection"), 404, `{"code":"NOT_FOUND","description":"no such collection"}`},
		{Text, domain.Errorf(domain.ENOTACCEPTABLE, "no such type"), 406, "no such type"},
		{OGC, errors.New("disk on fire at /var/secret"), 500, `{"code":"INTERNAL","description":"internal error"}`},
		{OGC, fmt.Errorf("reading: %w", context.DeadlineExceeded), 503, `{"code":"TIMEOUT","description":"the request took longer than this server allows and was stopped: ask for less, or retry"}`},
	} {
		w := httptest.NewRecorder()
		w.Header().Set("ETag", `W/"1"`)
		WriteError(w, r, log, tc.f, tc.err)
		if w.Code != tc.status || strings.TrimSpace(w.Body.String()) != tc.want || w.Header().Get("ETag") != "" {
			t.Errorf("%v: %d %s (ETag %q), want %d %s", tc.err, w.Code, w.Body, w.Header().Get("ETag"), tc.status, tc.want)
		}
	}
	if !strings.Contains(logs.String(), "disk on fire") || strings.Count(logs.String(), "\n") != 1 {
		t.Errorf("only the internal error is logged, with its details:\n%s", logs.String())
	}
}

// The body is read once, bounded: a larger one gets 413 before any handler,
// and the handlers see the same bytes through Body and through r.Body.
func TestReadBody(t *testing.T) {
	var seen, reread string
	h := ReadBody(16, GraphQL, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = string(Body(r))
		b, _ := io.ReadAll(r.Body)
		reread = string(b)
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{a}"}`)))
	if w.Code != 200 || seen != `{"query":"{a}"}` || reread != seen {
		t.Errorf("%d: Body %q, r.Body %q", w.Code, seen, reread)
	}
	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(strings.Repeat("x", 17))),
		func() *http.Request { // a length that lies: the bound holds anyway
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(strings.Repeat("x", 40)))
			r.ContentLength = -1
			return r
		}(),
	} {
		seen = "unset"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var out struct {
			Errors []struct{ Extensions struct{ Code string } }
		}
		json.Unmarshal(w.Body.Bytes(), &out)
		if w.Code != http.StatusRequestEntityTooLarge || seen != "unset" || len(out.Errors) != 1 || out.Errors[0].Extensions.Code != domain.EBADINPUT {
			t.Errorf("oversized body: %d %s, handler saw %q", w.Code, w.Body, seen)
		}
	}
}

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{domain.EBADINPUT: 400, domain.EUNAUTHN: 401, domain.EFORBIDDEN: 403,
		domain.ENOTFOUND: 404, domain.ECONFLICT: 409, domain.EINTERNAL: 500, "SOMETHING_NEW": 500} {
		if got := Status(code); got != want {
			t.Errorf("Status(%s) = %d, want %d", code, got, want)
		}
	}
}

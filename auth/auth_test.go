package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/store"
)

func openTest(t *testing.T) Tokens {
	t.Helper()
	s, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return Tokens{Store: s}
}

func TestTokensAreRandomLongAndStoredAsHashes(t *testing.T) {
	tk := openTest(t)
	a, err := tk.Create("caf", Editor, "test")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := tk.Create("ucs", Editor, "test")
	if a == b || len(a) < 40 || !strings.HasPrefix(a, "cccs_") {
		t.Fatalf("tokens %q and %q: want distinct, prefixed, at least 40 characters", a, b)
	}
	list, err := tk.Store.Tokens()
	if err != nil || len(list) != 2 || list[0].Name != "caf" {
		t.Fatalf("Tokens = %v, %v", list, err)
	}
	for _, rec := range list {
		if strings.Contains(string(rec.Hash), a) || len(rec.Hash) != 32 {
			t.Fatalf("stored %q: want the 32-byte hash only", rec.Hash)
		}
	}
	id, err := tk.Authenticate(a)
	if err != nil || id != (Identity{Name: "caf", Role: Editor}) {
		t.Fatalf("Authenticate = %+v, %v", id, err)
	}
	if _, err := tk.Create("caf", Admin, "test"); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("second token named caf: %v, want CONFLICT", err)
	}
	for _, name := range []string{"", "Caf", "a b", strings.Repeat("x", 64)} {
		if _, err := tk.Create(name, Reader, "test"); store.ErrorCode(err) != store.EBADINPUT {
			t.Errorf("name %q: %v, want BAD_USER_INPUT", name, err)
		}
	}
}

func TestHeadersAndRevocation(t *testing.T) {
	tk := openTest(t)
	tok, _ := tk.Create("ops", Admin, "test")
	for _, tc := range []struct {
		header string
		code   string
		role   Role
	}{
		{"", "", Anonymous},
		{"Bearer " + tok, "", Admin},
		{"bearer " + tok, "", Admin},
		{"Basic " + tok, store.EUNAUTHN, 0},
		{"Bearer", store.EUNAUTHN, 0},
		{"Bearer ", store.EUNAUTHN, 0},
		{tok, store.EUNAUTHN, 0},
		{"Bearer cccs_" + strings.Repeat("A", 43), store.EUNAUTHN, 0},
		{"Bearer " + strings.Repeat("x", 5000), store.EUNAUTHN, 0},
	} {
		id, err := tk.FromHeader(tc.header)
		if got := codeOf(err); got != tc.code || err == nil && id.Role != tc.role {
			t.Errorf("header %.30q: %+v, %v; want code %q role %v", tc.header, id, err, tc.code, tc.role)
		}
	}
	if err := tk.Store.RevokeToken("ops", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.Authenticate(tok); store.ErrorCode(err) != store.EUNAUTHN || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("revoked token: %v, want UNAUTHENTICATED", err)
	}
	if err := tk.Store.RevokeToken("nobody", time.Now()); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("revoke unknown: %v", err)
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return store.ErrorCode(err)
}

func TestRequire(t *testing.T) {
	for _, tc := range []struct {
		who  Role
		need Role
		code string
	}{
		{Anonymous, Anonymous, ""}, {Anonymous, Reader, store.EUNAUTHN}, {Anonymous, Editor, store.EUNAUTHN},
		{Reader, Editor, store.EFORBIDDEN}, {Editor, Editor, ""}, {Editor, Admin, store.EFORBIDDEN}, {Admin, Editor, ""},
	} {
		ctx := With(context.Background(), Identity{Name: "x", Role: tc.who})
		if got := codeOf(Require(ctx, tc.need)); got != tc.code {
			t.Errorf("%v needing %v: %q, want %q", tc.who, tc.need, got, tc.code)
		}
	}
}

func TestMiddleware(t *testing.T) {
	tk := openTest(t)
	reader, _ := tk.Create("r", Reader, "test")
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(From(r.Context()).Name)) })
	fail := func(w http.ResponseWriter, r *http.Request, err error) {
		w.WriteHeader(store.HTTPStatus(store.ErrorCode(err)))
	}
	for _, tc := range []struct {
		min    Role
		header string
		status int
	}{
		{Anonymous, "", 200}, {Anonymous, "Bearer nope", 401}, {Reader, "", 401},
		{Reader, "Bearer " + reader, 200}, {Editor, "Bearer " + reader, 403},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Authorization", tc.header)
		tk.Middleware(tc.min, fail, ok).ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("min %v, header %.20q: %d, want %d", tc.min, tc.header, rec.Code, tc.status)
		}
		if rec.Code == 401 && rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("401 without WWW-Authenticate")
		}
	}
}

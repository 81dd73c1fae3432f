package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
	"github.com/cccs13/cccs-graph/store"
)

var ctx = context.Background()

// testTokens are tokens on an in-memory store.
type testTokens struct {
	Tokens
	store *store.Store
}

func openTest(t *testing.T) testTokens {
	t.Helper()
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return testTokens{Tokens{Store: s}, s}
}

func TestTokensAreRandomLongAndStoredAsHashes(t *testing.T) {
	tk := openTest(t)
	a, err := tk.Create(ctx, "caf", Editor, "test")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := tk.Create(ctx, "ucs", Editor, "test")
	if a == b || len(a) < 40 || !strings.HasPrefix(a, "cccs_") {
		t.Fatalf("tokens %q and %q: want distinct, prefixed, at least 40 characters", a, b)
	}
	list, err := tk.store.Tokens(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "caf" {
		t.Fatalf("Tokens = %v, %v", list, err)
	}
	for _, rec := range list {
		if strings.Contains(string(rec.Hash), a) || len(rec.Hash) != 32 {
			t.Fatalf("stored %q: want the 32-byte hash only", rec.Hash)
		}
	}
	id, err := tk.Authenticate(ctx, a)
	if err != nil || id != (Identity{Name: "caf", Role: Editor}) {
		t.Fatalf("Authenticate = %+v, %v", id, err)
	}
	if _, err := tk.Create(ctx, "caf", Admin, "test"); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("second token named caf: %v, want CONFLICT", err)
	}
	for _, name := range []string{"", "Caf", "a b", strings.Repeat("x", 64)} {
		if _, err := tk.Create(ctx, name, Reader, "test"); domain.ErrorCode(err) != domain.EBADINPUT {
			t.Errorf("name %q: %v, want BAD_USER_INPUT", name, err)
		}
	}
}

func TestHeadersAndRevocation(t *testing.T) {
	tk := openTest(t)
	tok, _ := tk.Create(ctx, "ops", Admin, "test")
	for _, tc := range []struct {
		header string
		code   string
		role   Role
	}{
		{"", "", Anonymous},
		{"Bearer " + tok, "", Admin},
		{"bearer " + tok, "", Admin},
		{"Basic " + tok, domain.EUNAUTHN, 0},
		{"Bearer", domain.EUNAUTHN, 0},
		{"Bearer ", domain.EUNAUTHN, 0},
		{tok, domain.EUNAUTHN, 0},
		{"Bearer cccs_" + strings.Repeat("A", 43), domain.EUNAUTHN, 0},
		{"Bearer " + strings.Repeat("x", 5000), domain.EUNAUTHN, 0},
	} {
		id, err := tk.FromHeader(ctx, tc.header)
		if got := codeOf(err); got != tc.code || err == nil && id.Role != tc.role {
			t.Errorf("header %.30q: %+v, %v; want code %q role %v", tc.header, id, err, tc.code, tc.role)
		}
	}
	if err := tk.store.RevokeToken(ctx, "ops", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.Authenticate(ctx, tok); domain.ErrorCode(err) != domain.EUNAUTHN || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("revoked token: %v, want UNAUTHENTICATED", err)
	}
	if err := tk.store.RevokeToken(ctx, "nobody", time.Now()); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("revoke unknown: %v", err)
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return domain.ErrorCode(err)
}

func TestRequire(t *testing.T) {
	for _, tc := range []struct {
		who  Role
		need Role
		code string
	}{
		{Anonymous, Anonymous, ""}, {Anonymous, Reader, domain.EUNAUTHN}, {Anonymous, Editor, domain.EUNAUTHN},
		{Reader, Editor, domain.EFORBIDDEN}, {Editor, Editor, ""}, {Editor, Admin, domain.EFORBIDDEN}, {Admin, Editor, ""},
	} {
		ctx := With(context.Background(), Identity{Name: "x", Role: tc.who})
		if got := codeOf(Require(ctx, tc.need)); got != tc.code {
			t.Errorf("%v needing %v: %q, want %q", tc.who, tc.need, got, tc.code)
		}
	}
}

func TestMiddleware(t *testing.T) {
	tk := openTest(t)
	reader, _ := tk.Create(ctx, "r", Reader, "test")
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(From(r.Context()).Name)) })
	fail := func(w http.ResponseWriter, r *http.Request, err error) {
		w.WriteHeader(edge.Status(domain.ErrorCode(err)))
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

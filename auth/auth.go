// Package auth authenticates API requests: bearer tokens, random and long,
// stored only as SHA-256 hashes, with a role each (reader, editor, admin).
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// Role is what a token may do; each role may do what the weaker ones do.
type Role int

// Roles, weakest first. Anonymous is no token at all.
const (
	Anonymous Role = iota
	Reader
	Editor
	Admin
)

var roleNames = map[Role]string{Anonymous: "anonymous", Reader: "reader", Editor: "editor", Admin: "admin"}

func (r Role) String() string { return roleNames[r] }

// ParseRole reads a role name given to `token create`. Returns EBADINPUT for
// another name.
func ParseRole(s string) (Role, error) {
	for r, name := range roleNames {
		if name == s && r != Anonymous {
			return r, nil
		}
	}
	return 0, domain.Errorf(domain.EBADINPUT, "unknown role %q: use reader, editor or admin", prefix(s))
}

// Identity is who makes a request.
type Identity struct {
	Name string // the token's name; "" when anonymous
	Role Role
}

// tokenPrefix starts every token, so that secret scanners and people
// recognise one in a log or a commit.
const tokenPrefix = "cccs_"

// tokenBytes of randomness: 256 bits.
const tokenBytes = 32

// maxHeader bounds the Authorization header read: anything longer is no token.
const maxHeader = 200

// New returns a new random token and its hash.
func New() (token string, hash []byte) {
	b := make([]byte, tokenBytes)
	rand.Read(b) // never fails (crypto/rand panics rather)
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, Hash(token)
}

// Hash is the SHA-256 hash under which a token is stored.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// Store keeps the tokens' records (their hashes, never the tokens).
// *store.Store is one.
type Store interface {
	// CreateToken returns ECONFLICT when the name is taken.
	CreateToken(ctx context.Context, t store.APIToken) error
	// TokenByHash returns ENOTFOUND for an unknown hash.
	TokenByHash(ctx context.Context, hash []byte) (*store.APIToken, error)
}

// Tokens creates tokens and authenticates requests.
type Tokens struct{ Store Store }

// Create makes a token for name with role, created by createdBy, and
// returns it: the only time it is ever seen. Returns EBADINPUT for a bad
// name, ECONFLICT when the name is taken.
func (t Tokens) Create(ctx context.Context, name string, role Role, createdBy string) (string, error) {
	if !nameRE.MatchString(name) {
		return "", domain.Errorf(domain.EBADINPUT, "token name %q: use a-z, 0-9, '.', '_' and '-', 1 to 63 characters", prefix(name))
	}
	if role < Reader || role > Admin {
		return "", domain.Errorf(domain.EBADINPUT, "a token needs the role reader, editor or admin")
	}
	token, hash := New()
	err := t.Store.CreateToken(ctx, store.APIToken{Name: name, Role: role.String(), Hash: hash, Created: time.Now().UTC(), CreatedBy: createdBy})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Authenticate returns who holds token. Returns EUNAUTHN for an unknown or
// revoked token.
func (t Tokens) Authenticate(ctx context.Context, token string) (Identity, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > maxHeader {
		return Identity{}, domain.Errorf(domain.EUNAUTHN, "not a cccs-graph token")
	}
	hash := Hash(token)
	rec, err := t.Store.TokenByHash(ctx, hash)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return Identity{}, domain.Errorf(domain.EUNAUTHN, "unknown token")
	}
	if err != nil {
		return Identity{}, err
	}
	// The lookup went by hash; compare the stored hash in constant time all
	// the same, so no comparison of secrets ever depends on their bytes.
	if subtle.ConstantTimeCompare(rec.Hash, hash) != 1 {
		return Identity{}, domain.Errorf(domain.EUNAUTHN, "unknown token")
	}
	if !rec.Revoked.IsZero() {
		return Identity{}, domain.Errorf(domain.EUNAUTHN, "the token %q was revoked", rec.Name)
	}
	role, err := ParseRole(rec.Role)
	if err != nil {
		return Identity{}, err
	}
	return Identity{Name: rec.Name, Role: role}, nil
}

// FromHeader authenticates an Authorization header: anonymous when empty,
// EUNAUTHN when it is not `Bearer TOKEN` with a valid token.
func (t Tokens) FromHeader(ctx context.Context, h string) (Identity, error) {
	if h == "" {
		return Identity{Role: Anonymous}, nil
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || len(h) > maxHeader {
		return Identity{}, domain.Errorf(domain.EUNAUTHN, "the Authorization header must be `Bearer TOKEN`")
	}
	return t.Authenticate(ctx, strings.TrimSpace(token))
}

type ctxKey struct{}

// With returns ctx carrying id.
func With(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From returns the identity in ctx; anonymous when none.
func From(ctx context.Context) Identity {
	id, _ := ctx.Value(ctxKey{}).(Identity)
	return id
}

// Require returns nil when ctx's identity has at least role: EUNAUTHN for
// an anonymous caller, EFORBIDDEN for a weaker role.
func Require(ctx context.Context, role Role) error {
	id := From(ctx)
	switch {
	case id.Role >= role:
		return nil
	case id.Role == Anonymous:
		return domain.Errorf(domain.EUNAUTHN, "this needs a token with the role %s (Authorization: Bearer TOKEN)", role)
	}
	return domain.Errorf(domain.EFORBIDDEN, "the token %q has the role %s; this needs %s", id.Name, id.Role, role)
}

// Middleware authenticates every request: a request with a bad
// Authorization header is refused with 401 whatever it asks, so a typo in
// a token never silently reads as anonymous. With minRole Reader, anonymous
// requests are refused too.
func (t Tokens) Middleware(minRole Role, writeError func(http.ResponseWriter, *http.Request, error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := t.FromHeader(r.Context(), r.Header.Get("Authorization"))
		ctx := r.Context()
		if id != (Identity{}) { // an anonymous caller needs no value: From says anonymous
			ctx = With(ctx, id)
		}
		if err == nil {
			err = Require(ctx, minRole)
		}
		if err != nil {
			if domain.ErrorCode(err) == domain.EUNAUTHN {
				w.Header().Set("WWW-Authenticate", `Bearer realm="cccs-graph"`)
			}
			writeError(w, r, err)
			return
		}
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

// prefix quotes at most a short beginning of s in messages.
func prefix(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

package main

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/cccs13/cccs-graph/auth"
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
	"github.com/cccs13/cccs-graph/store"
)

// adminRoutes registers the admin endpoints (role admin): tokens, and the
// data work the command line does while a server holds the data directory.
func adminRoutes(mux *http.ServeMux, s *store.Store, tokens auth.Tokens, log *slog.Logger) {
	admin := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, tokens.Middleware(auth.Admin, errorWriter(log), h))
	}
	adminDataRoutes(admin, s, log)
	admin("POST /admin/tokens", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Name, Role string }
		if err := decodeJSON(r, &req); err != nil {
			writeError(w, r, log, err)
			return
		}
		role, err := auth.ParseRole(req.Role)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		token, err := tokens.Create(r.Context(), req.Name, role, auth.From(r.Context()).Name)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]string{"name": req.Name, "role": role.String(), "token": token})
	})
	admin("GET /admin/tokens", func(w http.ResponseWriter, r *http.Request) {
		list, err := s.Tokens(r.Context())
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, tokenViews(list))
	})
	admin("DELETE /admin/tokens/{name}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.RevokeToken(r.Context(), r.PathValue("name"), time.Now()); err != nil {
			writeError(w, r, log, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// tokenView is a token as listed: never its hash.
type tokenView struct {
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Created   time.Time  `json:"created"`
	CreatedBy string     `json:"createdBy,omitempty"`
	Revoked   *time.Time `json:"revoked,omitempty"`
}

func tokenViews(list []*store.APIToken) []tokenView {
	out := make([]tokenView, 0, len(list))
	for _, t := range list {
		v := tokenView{Name: t.Name, Role: t.Role, Created: t.Created, CreatedBy: t.CreatedBy}
		if !t.Revoked.IsZero() {
			v.Revoked = &t.Revoked
		}
		out = append(out, v)
	}
	return out
}

// maxAdminJSON bounds a JSON request body of the admin endpoints.
const maxAdminJSON = 1 << 16

func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAdminJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return domain.Errorf(domain.EBADINPUT, "the request body is not the JSON this endpoint takes")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// maxAdminMessage bounds an admin's bad-input answer: a thousand problems
// of a few hundred bytes each.
const maxAdminMessage = 512 << 10

// writeError answers err as a coded JSON error with its HTTP status (413
// for a body over its limit). Bad input is answered whole: an import's
// problems (at most a thousand, each quoting short prefixes) are what the
// command line prints, as it does without a server.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var bad *domain.Error
	switch {
	case errors.Is(err, errPayloadTooLarge):
		edge.Respond(w, edge.GraphQL, http.StatusRequestEntityTooLarge, domain.EBADINPUT, domain.ErrorMessage(err))
	case errors.As(err, &bad) && bad.Code == domain.EBADINPUT:
		edge.Respond(w, edge.GraphQL, http.StatusBadRequest, bad.Code, domain.ShortenTo(bad.Message, maxAdminMessage))
	default:
		edge.WriteError(w, r, log, edge.GraphQL, err)
	}
}

func errorWriter(log *slog.Logger) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, log, err) }
}

var errPayloadTooLarge = domain.Errorf(domain.EBADINPUT, "the request body is too large")

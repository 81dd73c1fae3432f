// Package edge is what every HTTP handler of the server shares at the edge:
// the status of each error code, the one error writer (the client gets the
// code and the domain message, the log gets the details of an internal
// error), and the request body, read once.
package edge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/cccs13/cccs-graph/domain"
)

// httpStatus maps error codes to HTTP statuses: the one table of them.
var httpStatus = map[string]int{
	domain.EBADINPUT:      http.StatusBadRequest,
	domain.ENOTFOUND:      http.StatusNotFound,
	domain.EUNAUTHN:       http.StatusUnauthorized,
	domain.EFORBIDDEN:     http.StatusForbidden,
	domain.ECONFLICT:      http.StatusConflict,
	domain.ECOMPLEXITY:    http.StatusBadRequest,
	domain.ENOTACCEPTABLE: http.StatusNotAcceptable,
	domain.ETIMEOUT:       http.StatusServiceUnavailable,
	domain.EUNAVAILABLE:   http.StatusServiceUnavailable,
}

// Status is the HTTP status of an error code; 500 for EINTERNAL and
// anything unknown.
func Status(code string) int {
	if s, ok := httpStatus[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Format is the shape of an error body, the one its clients read.
type Format uint8

// Error body formats.
const (
	GraphQL Format = iota // {"errors":[{"message":..., "extensions":{"code":...}}]} (GraphQL over HTTP)
	OGC                   // {"code":..., "description":...} (an OGC API exception)
	Text                  // the message as plain text (downloads)
)

// WriteError answers err with the status of its code, in format f. Work
// stopped by the request's context (its deadline, or the client gone) is
// TIMEOUT; any other internal error is logged with its details and answered
// "internal error".
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, f Format, err error) {
	if domain.ErrorCode(err) == domain.EINTERNAL && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		err = domain.Errorf(domain.ETIMEOUT, "the request took longer than this server allows and was stopped: ask for less, or retry")
	}
	code := domain.ErrorCode(err)
	status := Status(code)
	if status == http.StatusInternalServerError {
		log.ErrorContext(r.Context(), "internal error", "path", r.URL.Path, "error", err.Error())
	}
	Respond(w, f, status, code, domain.ErrorMessage(err))
}

// Respond writes an error body with an explicit status, for what the
// transport refuses before any domain code runs (405, 413, 415, ...).
func Respond(w http.ResponseWriter, f Format, status int, code, message string) {
	w.Header().Del("ETag") // an error is no version of the resource
	switch f {
	case Text:
		http.Error(w, message, status)
		return
	case OGC:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"code": code, "description": message})
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{
			"message": message, "extensions": map[string]any{"code": code},
		}}})
	}
}

type bodyKey struct{}

// ReadBody reads the request body once, up to limit bytes, before the
// handlers that need it: a larger body gets 413 in format f. Body then
// returns the bytes, and r.Body reads them again from memory.
func ReadBody(limit int64, f Format, next http.Handler) http.Handler {
	tooLarge := fmt.Sprintf("request body is larger than %d bytes", limit)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			Respond(w, f, http.StatusRequestEntityTooLarge, domain.EBADINPUT, tooLarge)
			return
		}
		var b []byte
		if r.Body != nil && r.Body != http.NoBody {
			var err error
			if b, err = io.ReadAll(io.LimitReader(r.Body, limit+1)); err != nil {
				Respond(w, Text, http.StatusBadRequest, domain.EBADINPUT, "could not read the request body")
				return
			}
			if int64(len(b)) > limit {
				Respond(w, f, http.StatusRequestEntityTooLarge, domain.EBADINPUT, tooLarge)
				return
			}
		}
		r = r.WithContext(context.WithValue(r.Context(), bodyKey{}, b))
		r.Body = io.NopCloser(bytes.NewReader(b))
		next.ServeHTTP(w, r)
	})
}

// Body is the request body ReadBody read; nil when there was none.
func Body(r *http.Request) []byte {
	b, _ := r.Context().Value(bodyKey{}).([]byte)
	return b
}

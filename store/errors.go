package store

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Error codes, shared by every layer and carried to clients in extensions.code.
const (
	EBADINPUT   = "BAD_USER_INPUT"
	ENOTFOUND   = "NOT_FOUND"
	EUNAUTHN    = "UNAUTHENTICATED"
	EFORBIDDEN  = "FORBIDDEN"
	ECONFLICT   = "CONFLICT"
	ECOMPLEXITY = "COMPLEXITY_LIMIT_EXCEEDED"
	EINTERNAL   = "INTERNAL"
	// ENOTACCEPTABLE: no media type the client accepts is offered (HTTP only).
	ENOTACCEPTABLE = "NOT_ACCEPTABLE"
	// ETIMEOUT: the operation ran past its deadline, or its client went away.
	ETIMEOUT = "TIMEOUT"
	// EUNAVAILABLE: the server is busy (too many operations at once); retry.
	EUNAVAILABLE  = "UNAVAILABLE"
	internalError = "internal error"
)

// Error is the one domain error type: a code a client can branch on and a
// message a person can read.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message. String
// arguments longer than maxQuoted bytes are cut to a prefix: messages quote
// what a client sent (ids, cursors, dates, search text), and must not grow
// with it. Trusted long texts, such as a list of allowed names, are passed as
// a List, which is not cut.
func Errorf(code, format string, args ...any) *Error {
	for i, a := range args {
		if s, ok := a.(string); ok && len(s) > maxQuoted {
			args[i] = Prefix(s)
		}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// maxQuoted is the longest input an error message quotes in full.
const maxQuoted = 64

// Prefix is s, or its first maxQuoted bytes (at a character boundary)
// followed by "…" when it is longer.
func Prefix(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// List is a list of trusted names that Errorf quotes in full, joined by commas.
type List []string

func (l List) String() string { return strings.Join(l, ", ") }

// ErrorCode returns the code of err, EINTERNAL for anything that is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message a client may see: the domain message, or
// "internal error" for anything foreign (details stay in the log).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return internalError
}

// ErrorMessageDetailed returns the message for a person at a terminal: the
// domain message, or the error itself (a command line has no client to hide it from).
func ErrorMessageDetailed(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// httpStatus maps error codes to HTTP statuses: the one table of them.
var httpStatus = map[string]int{
	EBADINPUT:      http.StatusBadRequest,
	ENOTFOUND:      http.StatusNotFound,
	EUNAUTHN:       http.StatusUnauthorized,
	EFORBIDDEN:     http.StatusForbidden,
	ECONFLICT:      http.StatusConflict,
	ECOMPLEXITY:    http.StatusBadRequest,
	ENOTACCEPTABLE: http.StatusNotAcceptable,
	ETIMEOUT:       http.StatusServiceUnavailable,
	EUNAVAILABLE:   http.StatusServiceUnavailable,
}

// HTTPStatus is the HTTP status of an error code; 500 for EINTERNAL and
// anything unknown.
func HTTPStatus(code string) int {
	if s, ok := httpStatus[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

package domain

import (
	"errors"
	"fmt"
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

// Errorf returns an *Error with the given code and formatted message. The
// arguments quoted with %q are cut to a prefix: they are what a client sent
// (ids, cursors, dates, search text), and a message must not grow with it.
func Errorf(code, format string, args ...any) *Error {
	for _, i := range quotedArgs(format) {
		if i < len(args) {
			if s, ok := args[i].(string); ok {
				args[i] = Prefix(s)
			}
		}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// quotedArgs returns the indexes of the arguments format quotes with %q.
func quotedArgs(format string) []int {
	var quoted []int
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i == len(format) || format[i] == '%' {
			continue
		}
		if format[i] == 'q' {
			quoted = append(quoted, arg)
		}
		arg++
	}
	return quoted
}

// maxQuoted is the longest input an error message quotes in full.
const maxQuoted = 64

// Prefix is s, or its first maxQuoted bytes (at a character boundary)
// followed by "…" when it is longer.
func Prefix(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	return cut(s, maxQuoted) + "…"
}

// cut is the longest prefix of s of at most n bytes that ends at a
// character boundary.
func cut(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ErrorCode returns the code of err, EINTERNAL for anything that is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message a client may see: the domain message
// (at most maxMessage bytes), or "internal error" for anything foreign
// (details stay in the log).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return Shorten(e.Message)
	}
	return internalError
}

// maxMessage is the longest message a client is answered.
const maxMessage = 300

// Shorten cuts a message to maxMessage bytes, at a character boundary,
// saying how much was left out.
func Shorten(s string) string { return ShortenTo(s, maxMessage) }

// ShortenTo is Shorten to max bytes.
func ShortenTo(s string, max int) string {
	if len(s) <= max {
		return s
	}
	head := cut(s, max)
	return head + fmt.Sprintf("… (%d bytes more)", len(s)-len(head))
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

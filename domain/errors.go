package domain

import (
	"errors"
	"fmt"
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
	internalError  = "internal error"
)

// Error is the one domain error type: a code a client can branch on and a
// message a person can read.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

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

package client

import (
	"errors"
	"fmt"
)

// Stable error codes of ERROR replies (priv/proto/README.md).
const (
	CodeInvalidData    = "invalid_data"
	CodeNotImplemented = "not_implemented"
	CodeNotAuthorized  = "not_authorized"
	CodeNotFound       = "not_found"
	CodeConflict       = "conflict"
	CodeTooLarge       = "too_large"
	CodeInternal       = "internal"
)

// Error is a request the server refused: the ERROR reply's code. It
// matches the sentinel of its code with errors.Is, so that
// errors.Is(err, ErrConflict) holds for an ERROR{conflict}.
type Error struct {
	Code string // the ERROR reply's code, e.g. "not_authorized"
	Op   string // the request refused, e.g. "message"
}

// Error names the refused request and the code.
func (e *Error) Error() string {
	if e.Op == "" {
		return "client: refused: " + e.Code
	}
	return "client: " + e.Op + " refused: " + e.Code
}

// Is reports whether target is an *Error with the same code (and, when the
// target names one, the same request).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Op == "" || t.Op == e.Op)
}

// Sentinels of the stable codes, for errors.Is.
var (
	ErrInvalidData    = &Error{Code: CodeInvalidData}
	ErrNotImplemented = &Error{Code: CodeNotImplemented}
	ErrNotAuthorized  = &Error{Code: CodeNotAuthorized}
	ErrNotFound       = &Error{Code: CodeNotFound}
	ErrConflict       = &Error{Code: CodeConflict}
	ErrTooLarge       = &Error{Code: CodeTooLarge}
	ErrInternal       = &Error{Code: CodeInternal}
)

// ErrClosed reports a request on a connection that has ended.
var ErrClosed = errors.New("client: connection closed")

// UnexpectedReplyError reports a reply whose body is not what the request
// expects.
type UnexpectedReplyError struct {
	Op   string // the request
	Body string // the reply's CHATProtocol alternative
}

// Error names the request and the reply it got.
func (e *UnexpectedReplyError) Error() string {
	return fmt.Sprintf("client: %s: unexpected reply %s", e.Op, e.Body)
}

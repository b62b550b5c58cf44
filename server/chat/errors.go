package chat

import (
	"errors"
	"fmt"
)

// Stable error codes carried by ERROR replies (priv/proto/README.md).
const (
	CodeInvalidData    = "invalid_data"
	CodeNotImplemented = "not_implemented"
	CodeNotAuthorized  = "not_authorized"
	CodeNotFound       = "not_found"
	CodeConflict       = "conflict"
	CodeTooLarge       = "too_large"
	// CodeInternal reports a failure of the server itself (the store); the
	// request changed nothing and may be retried.
	CodeInternal = "internal"
)

// Refusal is a request refused with a stable code. Handlers return it; the
// dispatcher turns it into an ERROR reply.
type Refusal struct {
	Code   string // one of the Code* constants
	Reason string // for logs only, never sent
}

// Error returns "chat: <code>: <reason>".
func (r *Refusal) Error() string { return "chat: " + r.Code + ": " + r.Reason }

// refuse returns a *Refusal with the given code and a formatted reason.
func refuse(code, format string, args ...any) error {
	return &Refusal{Code: code, Reason: fmt.Sprintf(format, args...)}
}

// codeOf returns the ERROR code for err: the Refusal's code, or
// CodeInternal for any other error.
func codeOf(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Code
	}
	return CodeInternal
}

// orRefuse returns err when it is set (a failure of the store), else the
// refusal.
func orRefuse(err, refusal error) error {
	if err != nil {
		return err
	}
	return refusal
}

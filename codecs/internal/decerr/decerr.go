// Package decerr is the one implementation of the decode error that every
// codec of codecs/ returns: what went wrong (a sentinel), where in the input
// (a byte offset) and where in the value (a path of type and field names,
// built on the error path only, as the error travels up).
package decerr

import (
	"fmt"
	"strconv"
	"strings"
)

// Error describes why and where decoding failed. Codec is the short name
// of the codec ("der", "etf", "jer") that prefixes the message. Offset is
// the absolute byte offset of the offending byte, or -1 when unknown.
type Error struct {
	Codec  string
	Offset int
	Path   string
	Err    error
}

// Error formats e as "der: Type.field at offset 17: non-minimal length".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Codec)
	b.WriteString(": ")
	switch {
	case e.Path != "" && e.Offset >= 0:
		b.WriteString(e.Path)
		b.WriteString(" at offset ")
		b.WriteString(strconv.Itoa(e.Offset))
		b.WriteString(": ")
	case e.Path != "":
		b.WriteString(e.Path)
		b.WriteString(": ")
	case e.Offset >= 0:
		b.WriteString("at offset ")
		b.WriteString(strconv.Itoa(e.Offset))
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, which wraps a sentinel.
func (e *Error) Unwrap() error { return e.Err }

// Prepend puts the path segment seg (a name, or an index "[i]") in front of
// err's path. It returns nil for a nil err and wraps an error that is not
// an *Error into one of codec with an unknown offset.
func Prepend(err error, codec, seg string) error {
	if err == nil {
		return nil
	}
	e, ok := err.(*Error)
	if !ok {
		return &Error{Codec: codec, Offset: -1, Path: seg, Err: err}
	}
	switch {
	case e.Path == "":
		e.Path = seg
	case e.Path[0] == '[':
		e.Path = seg + e.Path
	default:
		e.Path = seg + "." + e.Path
	}
	return e
}

// Index is the path segment of element i of a list: "[i]".
func Index(i int) string { return "[" + strconv.Itoa(i) + "]" }

// New returns an *Error at offset whose error wraps sentinel, followed by
// the formatted detail when format is not empty.
func New(codec string, offset int, sentinel error, format string, args ...any) error {
	err := sentinel
	if format != "" {
		err = fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
	}
	return &Error{Codec: codec, Offset: offset, Err: err}
}

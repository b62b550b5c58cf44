package etf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Every error returned by a Decoder unwraps to one of them.
var (
	ErrTruncated      = errors.New("truncated")
	ErrVersion        = errors.New("not an external term: bad version")
	ErrUnexpectedTerm = errors.New("unexpected term")
	ErrRecord         = errors.New("wrong record")
	ErrIntegerRange   = errors.New("integer out of range")
	ErrImproperList   = errors.New("improper list")
	ErrUnknownAtom    = errors.New("unknown atom")
	ErrUnknownChoice  = errors.New("unknown choice alternative")
	ErrTrailingData   = errors.New("trailing data")
	ErrDepth          = errors.New("nesting too deep")
	ErrTooLarge       = errors.New("input too large")
	ErrCompressed     = errors.New("bad compressed term")
	ErrInvalidString  = errors.New("invalid string")
)

// DecodeError describes why and where decoding failed.
//
// Offset is the absolute byte offset in the input of the offending byte, or
// -1 when unknown. Path is the dotted path of type and field names leading
// to the failure, built by At and AtIndex as the error travels up.
type DecodeError struct {
	Offset int
	Path   string
	Err    error
}

// Error formats e as "etf: Type.field at offset 17: unexpected term".
func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("etf: ")
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
func (e *DecodeError) Unwrap() error { return e.Err }

// At prepends the path segment (a type or field name) to err's path.
// It returns nil for a nil err and wraps an error that is not a
// *DecodeError into one with an unknown offset.
func At(err error, segment string) error {
	if err == nil {
		return nil
	}
	e, ok := err.(*DecodeError)
	if !ok {
		return &DecodeError{Offset: -1, Path: segment, Err: err}
	}
	switch {
	case e.Path == "":
		e.Path = segment
	case e.Path[0] == '[':
		e.Path = segment + e.Path
	default:
		e.Path = segment + "." + e.Path
	}
	return e
}

// AtIndex prepends the element index "[i]" to err's path, so that
// At(AtIndex(At(err, "nickname"), 3), "contacts") reads
// "contacts[3].nickname".
func AtIndex(err error, i int) error {
	if err == nil {
		return nil
	}
	seg := "[" + strconv.Itoa(i) + "]"
	e, ok := err.(*DecodeError)
	if !ok {
		return &DecodeError{Offset: -1, Path: seg, Err: err}
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

// Errorf returns a *DecodeError at offset whose error wraps sentinel,
// followed by the formatted detail when format is not empty.
func Errorf(offset int, sentinel error, format string, args ...any) error {
	err := sentinel
	if format != "" {
		err = fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
	}
	return &DecodeError{Offset: offset, Err: err}
}

// errAt is the allocation-light form of Errorf without detail.
func errAt(offset int, sentinel error) error {
	return &DecodeError{Offset: offset, Err: sentinel}
}

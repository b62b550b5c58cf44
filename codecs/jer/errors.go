package jer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Every error returned by a Decoder unwraps to one of them.
var (
	ErrSyntax         = errors.New("invalid JSON")
	ErrUnexpected     = errors.New("unexpected value")
	ErrUnknownField   = errors.New("unknown member")
	ErrDuplicateField = errors.New("duplicate member")
	ErrMissing        = errors.New("missing member")
	ErrUnknownEnum    = errors.New("unknown enumeration value")
	ErrUnknownChoice  = errors.New("unknown choice alternative")
	ErrIntegerRange   = errors.New("integer out of range")
	ErrInvalidString  = errors.New("invalid string")
	ErrConstraint     = errors.New("constraint violated")
	ErrTrailingData   = errors.New("trailing data")
	ErrDepth          = errors.New("nesting too deep")
)

// DecodeError describes why and where decoding failed: Offset is the byte
// offset in the input (-1 when unknown), Path the dotted path of type and
// member names.
type DecodeError struct {
	Offset int
	Path   string
	Err    error
}

// Error formats e as "jer: Type.member at offset 17: unknown member".
func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("jer: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		if e.Offset >= 0 {
			b.WriteString(" at offset " + strconv.Itoa(e.Offset))
		}
		b.WriteString(": ")
	} else if e.Offset >= 0 {
		b.WriteString("at offset " + strconv.Itoa(e.Offset) + ": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, which wraps a sentinel.
func (e *DecodeError) Unwrap() error { return e.Err }

func prepend(err error, seg string) error {
	if err == nil {
		return nil
	}
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

// At prepends a path segment (a type or member name) to err's path.
func At(err error, segment string) error { return prepend(err, segment) }

// AtIndex prepends the element index "[i]" to err's path.
func AtIndex(err error, i int) error { return prepend(err, "["+strconv.Itoa(i)+"]") }

// Errorf returns a *DecodeError at offset wrapping sentinel, with the
// formatted detail when format is not empty.
func Errorf(offset int, sentinel error, format string, args ...any) error {
	err := sentinel
	if format != "" {
		err = fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
	}
	return &DecodeError{Offset: offset, Err: err}
}

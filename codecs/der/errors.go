package der

import (
	"errors"

	"github.com/chatim/chat/codecs/internal/decerr"
)

// Sentinel errors. Every error returned by a Decoder unwraps to one of them.
var (
	ErrTruncated         = errors.New("truncated")
	ErrIndefiniteLength  = errors.New("indefinite length")
	ErrNonMinimalLength  = errors.New("non-minimal length")
	ErrInvalidLength     = errors.New("invalid length")
	ErrHighTag           = errors.New("non-minimal high tag")
	ErrUnexpectedTag     = errors.New("unexpected tag")
	ErrNonMinimalInteger = errors.New("non-minimal integer")
	ErrInvalidInteger    = errors.New("empty integer")
	ErrIntegerRange      = errors.New("integer out of range")
	ErrInvalidBoolean    = errors.New("invalid boolean")
	ErrInvalidNull       = errors.New("null with contents")
	ErrInvalidString     = errors.New("invalid string")
	ErrInvalidBitString  = errors.New("invalid bit string")
	ErrInvalidOID        = errors.New("invalid object identifier")
	ErrTrailingData      = errors.New("trailing data")
	ErrDepth             = errors.New("nesting too deep")
	ErrTooLarge          = errors.New("input too large")
	ErrDefaultEncoded    = errors.New("default value encoded")
	ErrUnknownEnum       = errors.New("unknown enumeration value")
	ErrUnknownChoice     = errors.New("unknown choice alternative")
	ErrConstraint        = errors.New("constraint violated")
	ErrConstructedString = errors.New("constructed string")
	ErrMissing           = errors.New("missing element")
	ErrSetOrder          = errors.New("SET OF elements not in ascending order")
)

// DecodeError describes why and where decoding failed: Offset is the
// absolute byte offset of the offending byte (-1 when unknown), Path the
// dotted path of type and field names leading to the failure, built by At
// and AtIndex as the error travels up, and Err wraps one of the sentinels.
// It prints as "der: Type.field at offset 17: <sentinel>".
type DecodeError = decerr.Error

// At prepends the path segment (a type or field name) to err's path.
// It returns nil for a nil err and wraps an error that is not a
// *DecodeError into one with an unknown offset.
//
// At is on every error path of generated decoders; kept out of line, each
// of those paths is one call, and the hot paths between them stay dense.
//
//go:noinline
func At(err error, segment string) error { return decerr.Prepend(err, "der", segment) }

// AtIndex prepends the element index "[i]" to err's path, so that
// At(AtIndex(At(err, "nickname"), 3), "contacts") reads
// "contacts[3].nickname".
func AtIndex(err error, i int) error { return decerr.Prepend(err, "der", decerr.Index(i)) }

// Errorf returns a *DecodeError at offset whose error wraps sentinel,
// followed by the formatted detail when format is not empty.
func Errorf(offset int, sentinel error, format string, args ...any) error {
	return decerr.New("der", offset, sentinel, format, args...)
}

// errAt is the allocation-light form of Errorf without detail.
func errAt(offset int, sentinel error) error {
	return &DecodeError{Codec: "der", Offset: offset, Err: sentinel}
}

package jer

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chatim/chat/codecs/der"
)

// MaxDepth is the deepest nesting of objects and arrays a Decoder accepts.
const MaxDepth = 128

// Decoder reads the tokens of one JSON value. Methods consume a token only
// when it has the expected kind.
type Decoder struct {
	dec   *json.Decoder
	tok   json.Token
	has   bool
	off   int // offset of the peeked token
	depth int
	err   error
}

// NewDecoder returns a Decoder over data.
func NewDecoder(data []byte) *Decoder {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return &Decoder{dec: d}
}

// Offset returns the offset of the next token.
func (d *Decoder) Offset() int {
	if d.has {
		return d.off
	}
	return int(d.dec.InputOffset())
}

func (d *Decoder) peek() (json.Token, error) {
	if d.has {
		return d.tok, nil
	}
	if d.err != nil {
		return nil, d.err
	}
	off := int(d.dec.InputOffset())
	t, err := d.dec.Token()
	if err != nil {
		if err == io.EOF {
			err = Errorf(off, ErrSyntax, "unexpected end of input")
		} else {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = int(se.Offset)
			}
			err = Errorf(off, ErrSyntax, "%v", err)
		}
		d.err = err
		return nil, err
	}
	d.tok, d.has = t, true
	// InputOffset is after the token; find where it starts for messages.
	d.off = off
	return t, nil
}

func (d *Decoder) next() (json.Token, error) {
	t, err := d.peek()
	if err == nil {
		d.has = false
	}
	return t, err
}

func describe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "object"
		case '[':
			return "array"
		}
		return "'" + v.String() + "'"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "value"
}

func (d *Decoder) unexpected(want string, t json.Token) error {
	return Errorf(d.off, ErrUnexpected, "want %s, got %s", want, describe(t))
}

func (d *Decoder) delim(want json.Delim, name string) error {
	t, err := d.peek()
	if err != nil {
		return err
	}
	if t != want {
		return d.unexpected(name, t)
	}
	d.has = false
	return nil
}

// ObjectStart reads '{'.
func (d *Decoder) ObjectStart() error {
	if d.depth >= MaxDepth {
		return Errorf(d.Offset(), ErrDepth, "")
	}
	if err := d.delim('{', "object"); err != nil {
		return err
	}
	d.depth++
	return nil
}

// ObjectEnd reads '}'.
func (d *Decoder) ObjectEnd() error {
	if err := d.delim('}', "end of object"); err != nil {
		return err
	}
	d.depth--
	return nil
}

// ArrayStart reads '['.
func (d *Decoder) ArrayStart() error {
	if d.depth >= MaxDepth {
		return Errorf(d.Offset(), ErrDepth, "")
	}
	if err := d.delim('[', "array"); err != nil {
		return err
	}
	d.depth++
	return nil
}

// ArrayEnd reads ']'.
func (d *Decoder) ArrayEnd() error {
	if err := d.delim(']', "end of array"); err != nil {
		return err
	}
	d.depth--
	return nil
}

// More reports whether the current object or array has another element.
func (d *Decoder) More() bool {
	t, err := d.peek()
	if err != nil {
		return false
	}
	return t != json.Delim('}') && t != json.Delim(']')
}

// Key reads an object member name.
func (d *Decoder) Key() (string, error) {
	t, err := d.peek()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", d.unexpected("member name", t)
	}
	d.has = false
	return s, nil
}

// String reads a string.
func (d *Decoder) String() (string, error) {
	t, err := d.peek()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", d.unexpected("string", t)
	}
	d.has = false
	return s, nil
}

// Hex reads a string of hex digits as bytes.
func (d *Decoder) Hex() ([]byte, error) {
	off := d.Offset()
	s, err := d.String()
	if err != nil {
		return nil, err
	}
	v, err := hex.DecodeString(s)
	if err != nil {
		return nil, Errorf(off, ErrInvalidString, "bad hex: %v", err)
	}
	return v, nil
}

// Int reads an integer number that fits in int64.
func (d *Decoder) Int() (int64, error) {
	t, err := d.peek()
	if err != nil {
		return 0, err
	}
	n, ok := t.(json.Number)
	if !ok {
		return 0, d.unexpected("integer", t)
	}
	v, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, Errorf(d.off, ErrIntegerRange, "%s", n)
		}
		return 0, Errorf(d.off, ErrUnexpected, "want integer, got %s", n)
	}
	d.has = false
	return v, nil
}

// Bool reads true or false.
func (d *Decoder) Bool() (bool, error) {
	t, err := d.peek()
	if err != nil {
		return false, err
	}
	v, ok := t.(bool)
	if !ok {
		return false, d.unexpected("boolean", t)
	}
	d.has = false
	return v, nil
}

// Null reads null.
func (d *Decoder) Null() error {
	t, err := d.peek()
	if err != nil {
		return err
	}
	if t != nil {
		return d.unexpected("null", t)
	}
	d.has = false
	return nil
}

// BitString reads {"value": hex, "length": n}.
func (d *Decoder) BitString() (der.BitString, error) {
	off := d.Offset()
	if err := d.ObjectStart(); err != nil {
		return der.BitString{}, err
	}
	var v der.BitString
	var haveValue, haveLength bool
	for d.More() {
		k, err := d.Key()
		if err != nil {
			return der.BitString{}, err
		}
		switch k {
		case "value":
			if v.Bytes, err = d.Hex(); err != nil {
				return der.BitString{}, At(err, k)
			}
			haveValue = true
		case "length":
			n, err := d.Int()
			if err != nil {
				return der.BitString{}, At(err, k)
			}
			v.Length = int(n)
			haveLength = true
		default:
			return der.BitString{}, Errorf(off, ErrUnknownField, "%q", k)
		}
	}
	if err := d.ObjectEnd(); err != nil {
		return der.BitString{}, err
	}
	if !haveValue || !haveLength {
		return der.BitString{}, Errorf(off, ErrMissing, "bit string needs value and length")
	}
	if v.Length < 0 || v.Length > 8*len(v.Bytes) || v.Length <= 8*len(v.Bytes)-8 {
		return der.BitString{}, Errorf(off, ErrConstraint, "length %d does not match %d bytes", v.Length, len(v.Bytes))
	}
	if r := v.Length % 8; r != 0 && v.Bytes[len(v.Bytes)-1]&(0xff>>r) != 0 {
		return der.BitString{}, Errorf(off, ErrConstraint, "bits after length are not zero")
	}
	return v, nil
}

// OID reads a dotted object identifier string.
func (d *Decoder) OID() (der.OID, error) {
	off := d.Offset()
	s, err := d.String()
	if err != nil {
		return nil, err
	}
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return nil, Errorf(off, ErrInvalidString, "object identifier %q", s)
	}
	oid := make(der.OID, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseUint(p, 10, 64)
		if err != nil || (len(p) > 1 && p[0] == '0') {
			return nil, Errorf(off, ErrInvalidString, "object identifier %q", s)
		}
		oid[i] = v
	}
	if oid[0] > 2 || (oid[0] < 2 && oid[1] > 39) {
		return nil, Errorf(off, ErrInvalidString, "object identifier %q", s)
	}
	return oid, nil
}

// Skip reads and discards one value.
func (d *Decoder) Skip() error {
	t, err := d.next()
	if err != nil {
		return err
	}
	switch t {
	case json.Delim('{'), json.Delim('['):
		depth := 1
		for depth > 0 {
			t, err := d.next()
			if err != nil {
				return err
			}
			switch t {
			case json.Delim('{'), json.Delim('['):
				depth++
			case json.Delim('}'), json.Delim(']'):
				depth--
			}
		}
	}
	return nil
}

// Finish checks that nothing follows the value.
func (d *Decoder) Finish() error {
	if d.has {
		return Errorf(d.off, ErrTrailingData, "")
	}
	off := int(d.dec.InputOffset())
	if _, err := d.dec.Token(); err != io.EOF {
		return Errorf(off, ErrTrailingData, "")
	}
	return nil
}

// ValidString reports whether s is valid UTF-8 (JSON strings always are
// after decoding; this guards generated checks of restricted strings).
func ValidString(s string) bool { return utf8.ValidString(s) }

package etf

import (
	"math"
	"unicode/utf8"

	"github.com/chatim/chat/codecs/der"
)

// Kind is the type of the next term, as reported by PeekKind.
type Kind int

// Term kinds.
const (
	KindInvalid   Kind = iota // no term, or a tag this package does not read
	KindAtom                  // ATOM_EXT, SMALL_ATOM_EXT, and their UTF-8 forms
	KindInteger               // SMALL_INTEGER_EXT, INTEGER_EXT, SMALL_BIG_EXT, LARGE_BIG_EXT, or a STRING_EXT byte
	KindTuple                 // SMALL_TUPLE_EXT, LARGE_TUPLE_EXT
	KindList                  // NIL_EXT, STRING_EXT, LIST_EXT
	KindBinary                // BINARY_EXT
	KindBitString             // BIT_BINARY_EXT
)

// PeekKind returns the kind of the next term without consuming it.
func (d *Decoder) PeekKind() Kind {
	if d.inString() {
		return KindInteger
	}
	if d.pos >= len(d.data) {
		return KindInvalid
	}
	switch d.data[d.pos] {
	case tagAtom, tagSmallAtom, tagAtomUTF8, tagSmallAtomUTF8:
		return KindAtom
	case tagSmallInteger, tagInteger, tagSmallBig, tagLargeBig:
		return KindInteger
	case tagSmallTuple, tagLargeTuple:
		return KindTuple
	case tagNil, tagString, tagList:
		return KindList
	case tagBinary:
		return KindBinary
	case tagBitBinary:
		return KindBitString
	}
	return KindInvalid
}

// maxAtomChars is the longest atom Erlang accepts, in characters.
const maxAtomChars = 255

// parseAtom reads the atom at p: its name bytes (aliasing the input),
// whether they are latin-1, and the offset after it.
func (d *Decoder) parseAtom(p int) (name []byte, latin1 bool, next int, err error) {
	if p >= len(d.data) {
		return nil, false, p, errAt(p, ErrTruncated)
	}
	var n, h int
	switch d.data[p] {
	case tagSmallAtom, tagSmallAtomUTF8:
		if d.remaining(p) < 2 {
			return nil, false, p, errAt(p, ErrTruncated)
		}
		n, h = int(d.data[p+1]), 2
	case tagAtom, tagAtomUTF8:
		n, err = d.u16(p + 1)
		if err != nil {
			return nil, false, p, err
		}
		h = 3
	default:
		return nil, false, p, Errorf(p, ErrUnexpectedTerm, "want atom, got %s", tagName(d.data[p]))
	}
	if n > d.remaining(p+h) {
		return nil, false, p, errAt(p, ErrTruncated)
	}
	name = d.data[p+h : p+h+n : p+h+n]
	latin1 = d.data[p] == tagAtom || d.data[p] == tagSmallAtom
	// UTF-8 is checked by Atom, which hands the name out; the other readers
	// only compare it with a known, valid name.
	// Erlang atoms hold at most 255 characters; only the long forms can
	// carry more.
	if h == 3 && n > maxAtomChars && (latin1 || utf8.RuneCount(name) > maxAtomChars) {
		return nil, false, p, Errorf(p, ErrInvalidString, "atom longer than %d characters", maxAtomChars)
	}
	return name, latin1, p + h + n, nil
}

// atomIs reports whether the atom name raw (latin-1 or UTF-8) is name.
func atomIs(raw []byte, latin1 bool, name string) bool {
	if !latin1 {
		return string(raw) == name
	}
	i := 0
	for _, r := range name {
		if i >= len(raw) || rune(raw[i]) != r {
			return false
		}
		i++
	}
	return i == len(raw)
}

// Atom reads an atom and returns its name as UTF-8. The result aliases the
// input unless a latin-1 atom had to be converted.
func (d *Decoder) Atom() ([]byte, error) {
	if _, err := d.tag("atom"); err != nil {
		return nil, err
	}
	name, latin1, next, err := d.parseAtom(d.pos)
	if err != nil {
		return nil, err
	}
	if !latin1 && !utf8.Valid(name) {
		return nil, Errorf(d.pos, ErrInvalidString, "atom is not UTF-8")
	}
	if latin1 {
		for _, c := range name {
			if c >= utf8.RuneSelf {
				name = latin1ToUTF8(name)
				break
			}
		}
	}
	d.pos = next
	d.complete()
	return name, nil
}

func latin1ToUTF8(s []byte) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, c := range s {
		b = utf8.AppendRune(b, rune(c))
	}
	return b
}

// IsAtom consumes the next term and returns true if it is the atom name, in
// any encoding; otherwise it consumes nothing and returns false.
func (d *Decoder) IsAtom(name string) bool {
	if d.inString() {
		return false
	}
	raw, latin1, next, err := d.parseAtom(d.pos)
	if err != nil || !atomIs(raw, latin1, name) {
		return false
	}
	d.pos = next
	d.complete()
	return true
}

// expectAtom consumes the atom name or returns ErrUnexpectedTerm.
func (d *Decoder) expectAtom(what string, names ...string) (int, error) {
	if _, err := d.tag(what); err != nil {
		return 0, err
	}
	raw, latin1, next, err := d.parseAtom(d.pos)
	if err != nil {
		return 0, err
	}
	for i, n := range names {
		if atomIs(raw, latin1, n) {
			d.pos = next
			d.complete()
			return i, nil
		}
	}
	return 0, Errorf(d.pos, ErrUnexpectedTerm, "want %s, got atom %q", what, raw)
}

// Bool reads the atom true or false.
func (d *Decoder) Bool() (bool, error) {
	i, err := d.expectAtom("boolean", "false", "true")
	return i == 1, err
}

// Null reads the atom 'NULL'.
func (d *Decoder) Null() error {
	_, err := d.expectAtom("'NULL'", "NULL")
	return err
}

// parseTuple reads a tuple header at p and checks that its elements can fit
// in the bytes remaining.
func (d *Decoder) parseTuple(p int) (arity, next int, err error) {
	if p >= len(d.data) {
		return 0, p, errAt(p, ErrTruncated)
	}
	switch d.data[p] {
	case tagSmallTuple:
		if d.remaining(p) < 2 {
			return 0, p, errAt(p, ErrTruncated)
		}
		arity, next = int(d.data[p+1]), p+2
	case tagLargeTuple:
		arity, err = d.u32(p + 1)
		if err != nil {
			return 0, p, err
		}
		next = p + 5
	default:
		return 0, p, Errorf(p, ErrUnexpectedTerm, "want tuple, got %s", tagName(d.data[p]))
	}
	if arity > d.remaining(next) {
		return 0, p, errAt(p, ErrTruncated)
	}
	return arity, next, nil
}

// Tuple reads a tuple header and returns its arity; the caller reads that
// many elements.
func (d *Decoder) Tuple() (arity int, err error) {
	if _, err := d.tag("tuple"); err != nil {
		return 0, err
	}
	arity, next, err := d.parseTuple(d.pos)
	if err != nil {
		return 0, err
	}
	if arity > 0 {
		if err := d.push(frameTuple, arity); err != nil {
			return 0, err
		}
	}
	d.pos = next
	if arity == 0 {
		d.complete()
	}
	return arity, nil
}

// Record reads the header of the record name with fields fields: a tuple
// of arity fields+1 whose first element is the atom name. The caller then
// reads the fields.
func (d *Decoder) Record(name string, fields int) error {
	if _, err := d.tag("record"); err != nil {
		return err
	}
	arity, next, err := d.parseTuple(d.pos)
	if err != nil {
		return err
	}
	if arity != fields+1 {
		return Errorf(d.pos, ErrRecord, "want %s with %d fields, got a tuple of %d", name, fields, arity)
	}
	if next < len(d.data) && tagName(d.data[next]) != "atom" {
		return Errorf(d.pos, ErrRecord, "want %s, got a tuple without a record name", name)
	}
	raw, latin1, after, err := d.parseAtom(next)
	if err != nil {
		return err
	}
	if !atomIs(raw, latin1, name) {
		return Errorf(d.pos, ErrRecord, "want %s, got %q", name, raw)
	}
	if err := d.push(frameTuple, arity); err != nil {
		return err
	}
	d.pos = after
	d.complete()
	return nil
}

// parseInt reads an integer at p as sign and magnitude.
func (d *Decoder) parseInt(p int) (neg bool, mag uint64, next int, err error) {
	if p >= len(d.data) {
		return false, 0, p, errAt(p, ErrTruncated)
	}
	var n, h int
	switch d.data[p] {
	case tagSmallInteger:
		if d.remaining(p) < 2 {
			return false, 0, p, errAt(p, ErrTruncated)
		}
		return false, uint64(d.data[p+1]), p + 2, nil
	case tagInteger:
		v, err := d.u32(p + 1)
		if err != nil {
			return false, 0, p, err
		}
		i := int64(int32(uint32(v)))
		if i < 0 {
			return true, uint64(-i), p + 5, nil
		}
		return false, uint64(i), p + 5, nil
	case tagSmallBig:
		if d.remaining(p) < 2 {
			return false, 0, p, errAt(p, ErrTruncated)
		}
		n, h = int(d.data[p+1]), 2
	case tagLargeBig:
		n, err = d.u32(p + 1)
		if err != nil {
			return false, 0, p, err
		}
		h = 5
	default:
		return false, 0, p, Errorf(p, ErrUnexpectedTerm, "want integer, got %s", tagName(d.data[p]))
	}
	// Sign byte, then n little-endian digits.
	if d.remaining(p+h) < 1 || n > d.remaining(p+h+1) {
		return false, 0, p, errAt(p, ErrTruncated)
	}
	sign := d.data[p+h]
	if sign > 1 {
		return false, 0, p, Errorf(p+h, ErrUnexpectedTerm, "bignum sign %d", sign)
	}
	digits := d.data[p+h+1 : p+h+1+n]
	for len(digits) > 0 && digits[len(digits)-1] == 0 {
		digits = digits[:len(digits)-1]
	}
	if len(digits) > 8 {
		return false, 0, p, Errorf(p, ErrIntegerRange, "%d-byte bignum", len(digits))
	}
	for i := len(digits) - 1; i >= 0; i-- {
		mag = mag<<8 | uint64(digits[i])
	}
	return sign == 1 && mag != 0, mag, p + h + 1 + n, nil
}

// Integer reads an integer that fits in int64, else ErrIntegerRange.
// Inside a list opened by ListStart on a STRING_EXT it reads the next byte.
func (d *Decoder) Integer() (int64, error) {
	if d.inString() {
		v := d.data[d.pos]
		d.pos++
		d.complete()
		return int64(v), nil
	}
	neg, mag, next, err := d.parseInt(d.pos)
	if err != nil {
		return 0, err
	}
	var v int64
	switch {
	case !neg && mag <= math.MaxInt64:
		v = int64(mag)
	case neg && mag <= 1<<63:
		v = int64(-mag)
	default:
		return 0, errAt(d.pos, ErrIntegerRange)
	}
	d.pos = next
	d.complete()
	return v, nil
}

// Binary reads a BINARY_EXT; the result aliases the input.
func (d *Decoder) Binary() ([]byte, error) {
	t, err := d.tag("binary")
	if err != nil {
		return nil, err
	}
	if t != tagBinary {
		return nil, d.unexpected("binary", t)
	}
	n, err := d.u32(d.pos + 1)
	if err != nil {
		return nil, err
	}
	start := d.pos + 5
	if n > d.remaining(start) {
		return nil, errAt(d.pos, ErrTruncated)
	}
	d.pos = start + n
	d.complete()
	return d.data[start:d.pos:d.pos], nil
}

// BitString reads a BIT_BINARY_EXT, or a BINARY_EXT as a whole number of
// bytes. The bits after Length in the last byte must be zero. Bytes alias
// the input.
func (d *Decoder) BitString() (der.BitString, error) {
	t, err := d.tag("bitstring")
	if err != nil {
		return der.BitString{}, err
	}
	if t == tagBinary {
		b, err := d.Binary()
		return der.BitString{Bytes: b, Length: 8 * len(b)}, err
	}
	if t != tagBitBinary {
		return der.BitString{}, d.unexpected("bitstring", t)
	}
	n, err := d.u32(d.pos + 1)
	if err != nil {
		return der.BitString{}, err
	}
	start := d.pos + 6
	if d.remaining(d.pos+5) < 1 || n > d.remaining(start) {
		return der.BitString{}, errAt(d.pos, ErrTruncated)
	}
	used := int(d.data[d.pos+5])
	if n == 0 || used < 1 || used > 8 {
		return der.BitString{}, Errorf(d.pos+5, ErrUnexpectedTerm, "bitstring of %d bytes with %d bits in the last", n, used)
	}
	if last := d.data[start+n-1]; used < 8 && last&(0xff>>uint(used)) != 0 {
		return der.BitString{}, Errorf(start+n-1, ErrUnexpectedTerm, "bitstring padding bits not zero")
	}
	d.pos = start + n
	d.complete()
	return der.BitString{Bytes: d.data[start:d.pos:d.pos], Length: 8*(n-1) + used}, nil
}

// ListStart opens a list and returns its number of elements: 0 for NIL,
// the byte count of a STRING_EXT (whose elements Integer reads), or the
// length of a LIST_EXT. The caller reads n elements and then calls ListEnd.
// n never exceeds the bytes remaining, so it is safe for preallocation.
func (d *Decoder) ListStart() (n int, err error) {
	t, err := d.tag("list")
	if err != nil {
		return 0, err
	}
	var kind frame
	var next int
	switch t {
	case tagNil:
		kind, next = frameNil, d.pos+1
	case tagString:
		n, err = d.u16(d.pos + 1)
		if err != nil {
			return 0, err
		}
		kind, next = frameString, d.pos+3
		if n > d.remaining(next) {
			return 0, errAt(d.pos, ErrTruncated)
		}
	case tagList:
		n, err = d.u32(d.pos + 1)
		if err != nil {
			return 0, err
		}
		kind, next = frameList, d.pos+5
		if n >= d.remaining(next) { // n elements and the tail
			return 0, errAt(d.pos, ErrTruncated)
		}
	default:
		return 0, d.unexpected("list", t)
	}
	if err := d.push(kind, n+1); err != nil {
		return 0, err
	}
	d.pos = next
	return n, nil
}

// ListEnd closes the list opened by the matching ListStart after its
// elements were read, consuming the NIL tail of a LIST_EXT. Any other tail
// is ErrImproperList.
func (d *Decoder) ListEnd() error {
	if d.n == 0 {
		return Errorf(d.pos, ErrUnexpectedTerm, "not in a list")
	}
	f := *d.top()
	kind := f & frameKind
	if kind == frameTuple || f>>2 != 1 {
		return Errorf(d.pos, ErrUnexpectedTerm, "list end before its last element")
	}
	if kind == frameList {
		if d.pos >= len(d.data) {
			return errAt(d.pos, ErrTruncated)
		}
		if d.data[d.pos] != tagNil {
			return Errorf(d.pos, ErrImproperList, "tail is %s", tagName(d.data[d.pos]))
		}
		d.pos++
	}
	d.complete()
	return nil
}

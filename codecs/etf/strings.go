package etf

import (
	"strings"
	"unicode/utf8"

	"github.com/chatim/chat/codecs/der"
)

// listHeader reads the header of a list at p: its element count, where the
// elements start, and its kind (frameNil, frameString whose elements are
// the raw bytes, or frameList which ends with a tail).
func (d *Decoder) listHeader(p int) (n, next int, kind frame, err error) {
	if p >= len(d.data) {
		return 0, p, 0, errAt(p, ErrTruncated)
	}
	switch d.data[p] {
	case tagNil:
		return 0, p + 1, frameNil, nil
	case tagString:
		n, err = d.u16(p + 1)
		if err != nil {
			return 0, p, 0, err
		}
		if n > d.remaining(p+3) {
			return 0, p, 0, errAt(p, ErrTruncated)
		}
		return n, p + 3, frameString, nil
	case tagList:
		n, err = d.u32(p + 1)
		if err != nil {
			return 0, p, 0, err
		}
		if n >= d.remaining(p+5) {
			return 0, p, 0, errAt(p, ErrTruncated)
		}
		return n, p + 5, frameList, nil
	}
	return 0, p, 0, Errorf(p, ErrUnexpectedTerm, "want list, got %s", tagName(d.data[p]))
}

// listTail checks the NIL tail of a LIST_EXT at p.
func (d *Decoder) listTail(p int) (int, error) {
	if p >= len(d.data) {
		return p, errAt(p, ErrTruncated)
	}
	if d.data[p] != tagNil {
		return p, Errorf(p, ErrImproperList, "tail is %s", tagName(d.data[p]))
	}
	return p + 1, nil
}

// CharList reads an Erlang string (NIL, STRING_EXT, or a proper list of
// integers 0..255) and returns a Go string of those bytes.
func (d *Decoder) CharList() (string, error) {
	if _, err := d.tag("string"); err != nil {
		return "", err
	}
	n, p, kind, err := d.listHeader(d.pos)
	if err != nil {
		return "", err
	}
	if kind != frameList {
		d.pos = p + n
		d.complete()
		return string(d.data[p : p+n]), nil
	}
	var b strings.Builder
	b.Grow(n)
	for range n {
		neg, v, next, err := d.parseInt(p)
		if err != nil {
			return "", err
		}
		if neg || v > 255 {
			return "", Errorf(p, ErrInvalidString, "character %d out of range", v)
		}
		b.WriteByte(byte(v))
		p = next
	}
	if p, err = d.listTail(p); err != nil {
		return "", err
	}
	d.pos = p
	d.complete()
	return b.String(), nil
}

// UniversalString reads the Erlang value of a UniversalString (NIL,
// STRING_EXT of latin-1 characters, or a proper list whose elements are
// code points or 4-tuples {B0,B1,B2,B3} of UCS-4 bytes) and returns it as
// UTF-8. Code points must be Unicode scalar values.
func (d *Decoder) UniversalString() (string, error) {
	if _, err := d.tag("string"); err != nil {
		return "", err
	}
	n, p, kind, err := d.listHeader(d.pos)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if kind == frameString {
		b.Grow(2 * n)
		for _, c := range d.data[p : p+n] {
			b.WriteRune(rune(c))
		}
		d.pos = p + n
		d.complete()
		return b.String(), nil
	}
	// At most four UTF-8 bytes per character, and no more than the
	// input holds: characters above 0xFF take ten bytes as tuples.
	b.Grow(min(4*n, d.remaining(p)))
	for range n {
		r, next, err := d.parseChar(p)
		if err != nil {
			return "", err
		}
		b.WriteRune(r)
		p = next
	}
	if kind == frameList {
		if p, err = d.listTail(p); err != nil {
			return "", err
		}
	}
	d.pos = p
	d.complete()
	return b.String(), nil
}

// parseChar reads one UniversalString character at p: an integer code point
// or a tuple {B0,B1,B2,B3}.
func (d *Decoder) parseChar(p int) (rune, int, error) {
	var r uint64
	next := p
	if p < len(d.data) && (d.data[p] == tagSmallTuple || d.data[p] == tagLargeTuple) {
		arity, q, err := d.parseTuple(p)
		if err != nil {
			return 0, p, err
		}
		if arity != 4 {
			return 0, p, Errorf(p, ErrInvalidString, "character tuple of arity %d", arity)
		}
		for range 4 {
			neg, v, after, err := d.parseInt(q)
			if err != nil {
				return 0, p, err
			}
			if neg || v > 255 {
				return 0, p, Errorf(q, ErrInvalidString, "character byte %d out of range", v)
			}
			r = r<<8 | v
			q = after
		}
		next = q
	} else {
		neg, v, after, err := d.parseInt(p)
		if err != nil {
			return 0, p, err
		}
		if neg {
			return 0, p, Errorf(p, ErrInvalidString, "negative character")
		}
		r, next = v, after
	}
	if r > utf8.MaxRune || r >= 0xd800 && r <= 0xdfff {
		return 0, p, Errorf(p, ErrInvalidString, "code point %#x", r)
	}
	return rune(r), next, nil
}

// OID reads a tuple of non-negative integers as an OBJECT IDENTIFIER.
func (d *Decoder) OID() (der.OID, error) {
	if _, err := d.tag("object identifier"); err != nil {
		return nil, err
	}
	arity, p, err := d.parseTuple(d.pos)
	if err != nil {
		return nil, err
	}
	// Validate before allocating: arity is bounded by the input, but a
	// failure should cost nothing.
	q := p
	for range arity {
		neg, _, next, err := d.parseInt(q)
		if err != nil {
			return nil, err
		}
		if neg {
			return nil, Errorf(q, ErrUnexpectedTerm, "negative arc")
		}
		q = next
	}
	oid := make(der.OID, arity)
	for i := range oid {
		_, oid[i], p, _ = d.parseInt(p)
	}
	d.pos = p
	d.complete()
	return oid, nil
}

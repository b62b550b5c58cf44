package der

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"
)

// String reads a character string with tag t. When t is a universal string
// tag the contents are validated for that type as the specific methods do;
// for other tags the bytes are returned unchecked.
func (d *Decoder) String(t Tag) (string, error) {
	if t.Class() != ClassUniversal {
		c, off, err := d.primitive(t)
		if err != nil {
			return "", err
		}
		d.pos = off + len(c)
		return string(c), nil
	}
	switch t {
	case TagUTF8String:
		return d.UTF8String(t)
	case TagIA5String:
		return d.IA5String(t)
	case TagPrintableString:
		return d.PrintableString(t)
	case TagUTCTime:
		return d.UTCTime(t)
	case TagGeneralizedTime:
		return d.GeneralizedTime(t)
	case TagUniversalString:
		return d.UniversalString(t)
	}
	c, off, err := d.primitive(t)
	if err != nil {
		return "", err
	}
	d.pos = off + len(c)
	return string(c), nil
}

// stringOf reads a primitive string with tag t whose contents satisfy check.
func (d *Decoder) stringOf(t Tag, check func([]byte, int) error) (string, error) {
	c, off, err := d.primitive(t)
	if err != nil {
		return "", err
	}
	if err := check(c, off); err != nil {
		return "", err
	}
	d.pos = off + len(c)
	return string(c), nil
}

// UTF8String reads a UTF8String with tag t; the contents must be valid UTF-8.
func (d *Decoder) UTF8String(t Tag) (string, error) { return d.stringOf(t, checkUTF8) }

// IA5String reads an IA5String with tag t; every octet must be below 0x80.
func (d *Decoder) IA5String(t Tag) (string, error) { return d.stringOf(t, checkIA5) }

// PrintableString reads a PrintableString with tag t (X.680 §41.4).
func (d *Decoder) PrintableString(t Tag) (string, error) { return d.stringOf(t, checkPrintable) }

// UTCTime reads a UTCTime with tag t in the DER form YYMMDDHHMMSSZ (§11.8).
func (d *Decoder) UTCTime(t Tag) (string, error) { return d.stringOf(t, checkUTCTime) }

// GeneralizedTime reads a GeneralizedTime with tag t in the DER form
// YYYYMMDDHHMMSS[.f]Z without trailing zeros in the fraction (§11.7).
func (d *Decoder) GeneralizedTime(t Tag) (string, error) {
	return d.stringOf(t, checkGeneralizedTime)
}

// UniversalString reads a UniversalString with tag t and returns it as
// UTF-8. The length must be a multiple of four and every code point a
// Unicode scalar value (at most 0x10FFFF, not a surrogate).
func (d *Decoder) UniversalString(t Tag) (string, error) {
	c, off, err := d.primitive(t)
	if err != nil {
		return "", err
	}
	n, err := checkUniversal(c, off)
	if err != nil {
		return "", err
	}
	d.pos = off + len(c)
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < len(c); i += 4 {
		r := rune(c[i])<<24 | rune(c[i+1])<<16 | rune(c[i+2])<<8 | rune(c[i+3])
		if r < utf8.RuneSelf {
			b.WriteByte(byte(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// checkUniversal validates UCS-4 contents and returns their UTF-8 length.
func checkUniversal(c []byte, off int) (int, error) {
	if len(c)%4 != 0 {
		return 0, Errorf(off, ErrInvalidString, "universal string length %d", len(c))
	}
	n := 0
	for i := 0; i < len(c); i += 4 {
		r := uint32(c[i])<<24 | uint32(c[i+1])<<16 | uint32(c[i+2])<<8 | uint32(c[i+3])
		if r > utf8.MaxRune || r >= 0xd800 && r <= 0xdfff {
			return 0, Errorf(off+i, ErrInvalidString, "code point %#x", r)
		}
		n += utf8.RuneLen(rune(r))
	}
	return n, nil
}

func checkUTF8(c []byte, off int) error {
	if !validUTF8(c) {
		return Errorf(off, ErrInvalidString, "invalid UTF-8")
	}
	return nil
}

// validUTF8 is utf8.Valid with a faster path for ASCII, which most text
// is: 32 octets at a time, then octet by octet; utf8.Valid decides from
// the first octet that is not ASCII.
func validUTF8(c []byte) bool {
	const hi = 0x8080808080808080
	p := c
	for len(p) >= 32 {
		if (binary.LittleEndian.Uint64(p[0:8])|binary.LittleEndian.Uint64(p[8:16])|
			binary.LittleEndian.Uint64(p[16:24])|binary.LittleEndian.Uint64(p[24:32]))&hi != 0 {
			break
		}
		p = p[32:]
	}
	for i, x := range p {
		if x >= utf8.RuneSelf {
			return utf8.Valid(p[i:])
		}
	}
	return true
}

func checkIA5(c []byte, off int) error {
	for i, x := range c {
		if x >= 0x80 {
			return Errorf(off+i, ErrInvalidString, "non-IA5 octet %#x", x)
		}
	}
	return nil
}

// printable marks the PrintableString characters (X.680 §41.4, table 10).
var printable = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
		t[c+'a'-'A'] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range " '()+,-./:=?" {
		t[c] = true
	}
	return t
}()

func checkPrintable(c []byte, off int) error {
	for i, x := range c {
		if !printable[x] {
			return Errorf(off+i, ErrInvalidString, "non-printable octet %#x", x)
		}
	}
	return nil
}

func digits(c []byte) bool {
	for _, x := range c {
		if x < '0' || x > '9' {
			return false
		}
	}
	return true
}

func checkUTCTime(c []byte, off int) error {
	if len(c) != 13 || !digits(c[:12]) || c[12] != 'Z' {
		return Errorf(off, ErrInvalidString, "UTCTime %q is not YYMMDDHHMMSSZ", c)
	}
	return nil
}

func checkGeneralizedTime(c []byte, off int) error {
	bad := func() error {
		return Errorf(off, ErrInvalidString, "GeneralizedTime %q is not YYYYMMDDHHMMSS[.f]Z", c)
	}
	if len(c) < 15 || !digits(c[:14]) || c[len(c)-1] != 'Z' {
		return bad()
	}
	frac := c[14 : len(c)-1]
	if len(frac) == 0 {
		return nil
	}
	if len(frac) < 2 || frac[0] != '.' || !digits(frac[1:]) || frac[len(frac)-1] == '0' {
		return bad()
	}
	return nil
}

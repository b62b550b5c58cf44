package der

import "encoding/binary"

// Integer reads an INTEGER (or ENUMERATED) with tag t: minimal two's
// complement (§8.3.2) of at most eight octets, else ErrIntegerRange.
func (d *Decoder) Integer(t Tag) (int64, error) {
	// Fast path: a low tag number and one to eight minimal contents octets.
	if b, p := d.data, d.pos; t&lowTagMask < 31 && p+2 < len(b) && b[p] == lowTagByte(t) {
		if n := int(b[p+1]); n >= 1 && n <= 8 && n <= len(b)-p-2 {
			c := b[p+2 : p+2+n]
			v := int64(int8(c[0]))
			if n == 1 {
				d.pos = p + 3
				return v, nil
			}
			if c[0] == 0 && c[1]&0x80 == 0 || c[0] == 0xff && c[1]&0x80 != 0 {
				return 0, errAt(p+2, ErrNonMinimalInteger)
			}
			if len(b)-p-2 >= 8 {
				// Load eight octets and shift the ones past the contents out.
				v = int64(binary.BigEndian.Uint64(b[p+2:])) >> (64 - 8*n)
			} else {
				for i := 1; i < len(c); i++ {
					v = v<<8 | int64(c[i])
				}
			}
			d.pos = p + 2 + n
			return v, nil
		}
	}
	return d.integerSlow(t)
}

// integerSlow is Integer for long-form lengths, high tag numbers and the
// errors the fast path does not decide.
func (d *Decoder) integerSlow(t Tag) (int64, error) {
	c, off, err := d.primitive(t)
	if err != nil {
		return 0, err
	}
	v, err := parseInteger(c, off)
	if err != nil {
		return 0, err
	}
	d.pos = off + len(c)
	return v, nil
}

// checkInteger validates the contents of an INTEGER of any size.
func checkInteger(c []byte, off int) error {
	if len(c) == 0 {
		return errAt(off, ErrInvalidInteger)
	}
	if len(c) > 1 && (c[0] == 0 && c[1]&0x80 == 0 || c[0] == 0xff && c[1]&0x80 != 0) {
		return errAt(off, ErrNonMinimalInteger)
	}
	return nil
}

func parseInteger(c []byte, off int) (int64, error) {
	if err := checkInteger(c, off); err != nil {
		return 0, err
	}
	if len(c) > 8 {
		return 0, errAt(off, ErrIntegerRange)
	}
	v := int64(int8(c[0]))
	for _, x := range c[1:] {
		v = v<<8 | int64(x)
	}
	return v, nil
}

// Boolean reads a BOOLEAN with tag t; only 00 and FF are accepted (§11.1).
func (d *Decoder) Boolean(t Tag) (bool, error) {
	c, off, err := d.primitive(t)
	if err != nil {
		return false, err
	}
	if err := checkBoolean(c, off); err != nil {
		return false, err
	}
	d.pos = off + 1
	return c[0] == 0xff, nil
}

func checkBoolean(c []byte, off int) error {
	if len(c) != 1 || c[0] != 0 && c[0] != 0xff {
		return errAt(off, ErrInvalidBoolean)
	}
	return nil
}

// Null reads a NULL with tag t.
func (d *Decoder) Null(t Tag) error {
	// Fast path: a low tag number and no contents.
	if p := d.pos; t&lowTagMask < 31 && uint(p+1) < uint(len(d.data)) && d.data[p] == lowTagByte(t) && d.data[p+1] == 0 {
		d.pos = p + 2
		return nil
	}
	return d.nullSlow(t)
}

// nullSlow is Null for high tag numbers and every error.
func (d *Decoder) nullSlow(t Tag) error {
	c, off, err := d.primitive(t)
	if err != nil {
		return err
	}
	if len(c) != 0 {
		return errAt(off, ErrInvalidNull)
	}
	d.pos = off
	return nil
}

// OctetString reads a primitive OCTET STRING with tag t. The result aliases
// the input.
func (d *Decoder) OctetString(t Tag) ([]byte, error) {
	// Fast path: a low tag number and a short-form length.
	if p := d.pos; t&lowTagMask < 31 && uint(p+1) < uint(len(d.data)) && d.data[p] == lowTagByte(t) && d.data[p+1] < 0x80 {
		if e := p + 2 + int(d.data[p+1]); e <= len(d.data) {
			d.pos = e
			return d.data[p+2 : e : e], nil
		}
	}
	return d.octetStringSlow(t)
}

// octetStringSlow is OctetString for long-form lengths, high tag numbers
// and every error.
func (d *Decoder) octetStringSlow(t Tag) ([]byte, error) {
	c, off, err := d.primitive(t)
	if err != nil {
		return nil, err
	}
	d.pos = off + len(c)
	return c, nil
}

// BitString reads a BIT STRING with tag t: an unused-bit count of 0 to 7,
// zero when there are no bits, and unused bits cleared (§11.2.1). The
// Bytes alias the input.
func (d *Decoder) BitString(t Tag) (BitString, error) {
	c, off, err := d.primitive(t)
	if err != nil {
		return BitString{}, err
	}
	if err := checkBitString(c, off); err != nil {
		return BitString{}, err
	}
	d.pos = off + len(c)
	return BitString{Bytes: c[1:], Length: (len(c)-1)*8 - int(c[0])}, nil
}

func checkBitString(c []byte, off int) error {
	if len(c) == 0 {
		return Errorf(off, ErrInvalidBitString, "no unused-bits octet")
	}
	u := c[0]
	if u > 7 || len(c) == 1 && u != 0 {
		return Errorf(off, ErrInvalidBitString, "%d unused bits", u)
	}
	if u > 0 && c[len(c)-1]&(1<<u-1) != 0 {
		return Errorf(off+len(c)-1, ErrInvalidBitString, "unused bits not zero")
	}
	return nil
}

// OID reads an OBJECT IDENTIFIER with tag t (§8.19).
func (d *Decoder) OID(t Tag) (OID, error) {
	c, off, err := d.primitive(t)
	if err != nil {
		return nil, err
	}
	n, err := checkOID(c, off)
	if err != nil {
		return nil, err
	}
	oid := make(OID, n+1)
	i := 0
	var v uint64
	for _, x := range c {
		v = v<<7 | uint64(x&0x7f)
		if x&0x80 != 0 {
			continue
		}
		if i == 0 {
			switch {
			case v < 40:
				oid[0], oid[1] = 0, v
			case v < 80:
				oid[0], oid[1] = 1, v-40
			default:
				oid[0], oid[1] = 2, v-80
			}
			i = 2
		} else {
			oid[i] = v
			i++
		}
		v = 0
	}
	d.pos = off + len(c)
	return oid, nil
}

// checkOID validates OID contents and returns the number of subidentifiers.
func checkOID(c []byte, off int) (int, error) {
	if len(c) == 0 {
		return 0, Errorf(off, ErrInvalidOID, "empty")
	}
	if c[len(c)-1]&0x80 != 0 {
		return 0, Errorf(off+len(c)-1, ErrInvalidOID, "truncated subidentifier")
	}
	n := 0
	start := 0 // offset of the current subidentifier
	var v uint64
	for i, x := range c {
		if i == start && x == 0x80 {
			return 0, Errorf(off+i, ErrInvalidOID, "non-minimal subidentifier")
		}
		if v>>57 != 0 {
			return 0, Errorf(off+start, ErrInvalidOID, "subidentifier too large")
		}
		v = v<<7 | uint64(x&0x7f)
		if x&0x80 == 0 {
			n++
			v = 0
			start = i + 1
		}
	}
	return n, nil
}

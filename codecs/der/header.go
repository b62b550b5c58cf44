package der

// header is one parsed identifier and length.
type header struct {
	tag   Tag
	start int // offset of the contents
	end   int // offset after the contents
}

// parseTag reads the identifier octets at pos, bounded by len(data).
func parseTag(data []byte, pos int) (Tag, int, error) {
	end := len(data)
	if pos >= end {
		return 0, pos, errAt(pos, ErrTruncated)
	}
	b0 := data[pos]
	t := Tag(b0&0xc0) << 24
	if b0&0x20 != 0 {
		t |= Constructed
	}
	if b0&0x1f != 0x1f {
		return t | Tag(b0&0x1f), pos + 1, nil
	}
	// High-tag-number form (§8.1.2.4): base 128, no leading 0x80 octet,
	// used only for numbers of 31 and above.
	p := pos + 1
	if p >= end {
		return 0, pos, errAt(p, ErrTruncated)
	}
	if data[p] == 0x80 {
		return 0, pos, Errorf(p, ErrHighTag, "leading zero")
	}
	var n uint32
	for {
		if p >= end {
			return 0, pos, errAt(p, ErrTruncated)
		}
		c := data[p]
		p++
		if n > maxTagNumber>>7 {
			return 0, pos, Errorf(pos, ErrHighTag, "tag number too large")
		}
		n = n<<7 | uint32(c&0x7f)
		if c&0x80 == 0 {
			break
		}
	}
	if n < 31 {
		return 0, pos, Errorf(pos, ErrHighTag, "tag %d in long form", n)
	}
	return t | Tag(n), p, nil
}

// parseHeader reads one identifier and definite length at pos and checks
// that the contents fit in data. It neither slices nor allocates.
func parseHeader(data []byte, pos int) (header, error) {
	// Fast path: a low tag number and a length below 64 KiB, which is
	// every header of a typical CHAT message.
	if pos >= 0 && pos+1 < len(data) {
		if b0 := data[pos]; b0&0x1f != 0x1f {
			t := Tag(b0&0xe0)<<24 | Tag(b0&0x1f)
			if l := data[pos+1]; l < 0x80 && int(l) <= len(data)-pos-2 {
				return header{tag: t, start: pos + 2, end: pos + 2 + int(l)}, nil
			}
			if s, e, ok := contents(data, pos+1); ok {
				return header{tag: t, start: s, end: e}, nil
			}
		}
	}
	return parseHeaderSlow(data, pos)
}

// contents reads the length octets at p when they have the short form or
// the minimal (§10.1) long form of one or two octets, and returns the
// bounds of the contents that follow; ok is false when the length has
// another form or the contents do not fit in data.
func contents(data []byte, p int) (start, end int, ok bool) {
	if p < 0 || p >= len(data) {
		return 0, 0, false
	}
	n := int(data[p])
	p++
	switch {
	case n < 0x80:
	case n == 0x81 && p < len(data) && data[p] >= 0x80:
		n = int(data[p])
		p++
	case n == 0x82 && p+1 < len(data) && data[p] != 0:
		n = int(data[p])<<8 | int(data[p+1])
		p += 2
	default:
		return 0, 0, false
	}
	if n > len(data)-p {
		return 0, 0, false
	}
	return p, p + n, true
}

// parseHeaderSlow is parseHeader for high tag numbers, long-form lengths
// and every error.
func parseHeaderSlow(data []byte, pos int) (header, error) {
	end := len(data)
	t, p, err := parseTag(data, pos)
	if err != nil {
		return header{}, err
	}
	if p >= end {
		return header{}, errAt(p, ErrTruncated)
	}
	lp := p
	c := data[p]
	p++
	var n int
	switch {
	case c < 0x80:
		n = int(c)
	case c == 0x80:
		return header{}, errAt(lp, ErrIndefiniteLength)
	case c == 0xff:
		return header{}, Errorf(lp, ErrInvalidLength, "reserved length octet")
	default:
		k := int(c & 0x7f)
		if k > end-p {
			return header{}, errAt(lp, ErrTruncated)
		}
		if data[p] == 0 {
			return header{}, errAt(lp, ErrNonMinimalLength)
		}
		if k > 8 {
			// At least 2^64: more than any input holds.
			return header{}, errAt(lp, ErrTruncated)
		}
		var u uint64
		for i := 0; i < k; i++ {
			u = u<<8 | uint64(data[p+i])
		}
		p += k
		if u < 0x80 {
			return header{}, errAt(lp, ErrNonMinimalLength)
		}
		if u > uint64(end-p) {
			return header{}, errAt(lp, ErrTruncated)
		}
		n = int(u)
	}
	if n > end-p {
		return header{}, errAt(lp, ErrTruncated)
	}
	return header{tag: t, start: p, end: p + n}, nil
}

// next parses the header at the cursor.
func (d *Decoder) next() (header, error) {
	if d.tooLarge() {
		return header{}, errAt(0, ErrTooLarge)
	}
	return parseHeader(d.data, d.pos)
}

// expect parses the header at the cursor and checks its tag.
func (d *Decoder) expect(t Tag) (header, error) {
	h, err := d.next()
	if err != nil {
		return h, err
	}
	if h.tag != t {
		return h, d.tagError(t, h.tag)
	}
	return h, nil
}

// tagError reports that got was found where want was expected.
func (d *Decoder) tagError(want, got Tag) error {
	if got == want|Constructed {
		return Errorf(d.pos, ErrConstructedString, "%v", got)
	}
	return Errorf(d.pos, ErrUnexpectedTag, "want %v, got %v", want, got)
}

// element returns the bounds of the contents of the element with tag t at
// the cursor, without advancing. Its own fast path covers a low tag number
// with any length below 64 KiB; the rest, and every error, goes through
// expect.
func (d *Decoder) element(t Tag) (start, end int, err error) {
	if p := d.pos; t&lowTagMask < 31 && p < len(d.data) && d.data[p] == lowTagByte(t) {
		if s, e, ok := contents(d.data, p+1); ok {
			return s, e, nil
		}
	}
	h, err := d.expect(t)
	if err != nil {
		return 0, 0, err
	}
	return h.start, h.end, nil
}

// primitive returns the contents of the element with tag t at the cursor,
// aliasing the input, and their offset, without advancing.
func (d *Decoder) primitive(t Tag) ([]byte, int, error) {
	s, e, err := d.element(t)
	if err != nil {
		return nil, 0, err
	}
	return d.data[s:e:e], s, nil
}

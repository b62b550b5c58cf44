package der

// Any consumes exactly one complete DER element of any tag and returns its
// encoding (identifier, length and contents), aliasing the input.
//
// The element is checked recursively: constructed contents must be a
// sequence of valid elements no deeper than Limits.MaxDepth, universal
// types that DER encodes primitively must be primitive (and SEQUENCE and SET
// constructed), and the contents of universal BOOLEAN, INTEGER, ENUMERATED,
// NULL, BIT STRING, OBJECT IDENTIFIER, UTF8String, IA5String,
// PrintableString, UniversalString, UTCTime and GeneralizedTime must be
// valid DER for their type. The ordering of SET components is not checked.
func (d *Decoder) Any() ([]byte, error) {
	// Fast path: a universal primitive element with a low tag number and a
	// length below 64 KiB, such as a file's UTF8String payload: its
	// contents checked directly. Everything else, and every error, goes
	// through checkElement.
	if b, p := d.data, d.pos; p+1 < len(b) && b[p]&0xe0 == 0 && b[p]&0x1f != 0x1f {
		if s, e, ok := contents(b, p+1); ok && checkPrimitive(Tag(b[p]), b[s:e], s, p) == nil {
			d.pos = e
			return b[p:e:e], nil
		}
	}
	return d.anySlow()
}

// anySlow is Any for constructed and non-universal elements, high tag
// numbers, long lengths and every error.
func (d *Decoder) anySlow() ([]byte, error) {
	if d.tooLarge() {
		return nil, errAt(0, ErrTooLarge)
	}
	end, err := checkElement(d.data, d.pos, int(d.left))
	if err != nil {
		return nil, err
	}
	v := d.data[d.pos:end:end]
	d.pos = end
	return v, nil
}

// checkElement validates the element at pos, which must end within data,
// and returns the offset after it. left counts the constructed elements
// that may still be entered.
func checkElement(data []byte, pos, left int) (int, error) {
	h, err := parseHeader(data, pos)
	if err != nil {
		return 0, err
	}
	if h.tag.IsConstructed() {
		if h.tag.Class() == ClassUniversal && h.tag != TagSequence && h.tag != TagSet {
			if h.tag.Number() == 0 || isStringNumber(h.tag.Number()) {
				return 0, Errorf(pos, ErrConstructedString, "%v", h.tag)
			}
			return 0, Errorf(pos, ErrUnexpectedTag, "%v must be primitive", h.tag)
		}
		if left <= 0 {
			return 0, errAt(pos, ErrDepth)
		}
		for p := h.start; p < h.end; {
			p, err = checkElement(data[:h.end], p, left-1)
			if err != nil {
				return 0, err
			}
		}
		return h.end, nil
	}
	if h.tag.Class() == ClassUniversal {
		if err := checkPrimitive(h.tag, data[h.start:h.end], h.start, pos); err != nil {
			return 0, err
		}
	}
	return h.end, nil
}

// isStringNumber reports whether a universal tag number is a string type
// that BER may construct and DER forbids constructing.
func isStringNumber(n uint32) bool {
	switch n {
	case 3, 4, 12, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30:
		return true
	}
	return false
}

// checkPrimitive validates the contents c (at off) of a primitive universal
// element whose identifier is at pos.
func checkPrimitive(t Tag, c []byte, off, pos int) error {
	switch t.Number() {
	case 0:
		return Errorf(pos, ErrUnexpectedTag, "end-of-contents")
	case 1:
		return checkBoolean(c, off)
	case 2, 10:
		return checkInteger(c, off)
	case 3:
		return checkBitString(c, off)
	case 5:
		if len(c) != 0 {
			return errAt(off, ErrInvalidNull)
		}
	case 6:
		_, err := checkOID(c, off)
		return err
	case 12:
		return checkUTF8(c, off)
	case 16, 17:
		return Errorf(pos, ErrUnexpectedTag, "%v must be constructed", t)
	case 19:
		return checkPrintable(c, off)
	case 22:
		return checkIA5(c, off)
	case 23:
		return checkUTCTime(c, off)
	case 24:
		return checkGeneralizedTime(c, off)
	case 28:
		_, err := checkUniversal(c, off)
		return err
	}
	return nil
}

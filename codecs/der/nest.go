package der

// Outer is what Descend saves of the enclosing contents, the offset where
// they end, for the matching Ascend to restore. It is an int rather than
// an opaque struct so that TryDescend fits the inliner's budget: pass
// Ascend only what Descend or TryDescend returned on the same Decoder (a
// made-up Outer beyond the input makes Ascend panic, as a bad slice index
// does; no input can).
type Outer int

// Descend consumes the header of a constructed element with tag t and
// narrows d to its contents, one level deeper, in place: reading goes on
// with d, and Ascend, given the returned Outer, checks that the contents
// were consumed and returns d to the enclosing contents just after the
// element. Descend is Enter without a second Decoder.
func (d *Decoder) Descend(t Tag) (Outer, error) {
	// Fast path: a low tag number (constructed) and a length below 64 KiB
	// (contents, written out for speed, in unsigned arithmetic, which
	// spares bounds checks).
	if b, p := d.data, uint(d.pos); t&lowTagMask < 31 && t.IsConstructed() && d.left > 0 &&
		p+1 < uint(len(b)) && b[p] == lowTagByte(t) {
		n, s := uint(b[p+1]), p+2
		if n >= 0x80 {
			switch {
			case n == 0x81 && s < uint(len(b)) && b[s] >= 0x80:
				n, s = uint(b[s]), s+1
			case n == 0x82 && s+1 < uint(len(b)) && b[s] != 0:
				n, s = uint(b[s])<<8|uint(b[s+1]), s+2
			default:
				n = uint(len(b)) // does not fit
			}
		}
		if n <= uint(len(b))-s {
			d.data = d.data[:s+n] // only the length changes: no write barrier
			d.pos = int(s)
			d.left--
			return Outer(len(b)), nil
		}
	}
	return d.descendSlow(t)
}

// descendSlow is Descend for long lengths, high tag numbers and every
// error.
func (d *Decoder) descendSlow(t Tag) (Outer, error) {
	s, e, err := d.constructed(t)
	if err != nil {
		return 0, err
	}
	o := Outer(len(d.data))
	d.data = d.data[:e]
	d.pos = s
	d.left--
	return o, nil
}

// Ascend ends the contents entered by the Descend that returned o: it
// returns ErrTrailingData if contents remain, else moves d back to the
// enclosing contents, one level up. o must come from a Descend on d.
func (d *Decoder) Ascend(o Outer) error {
	if d.pos < len(d.data) {
		return errAt(d.pos, ErrTrailingData)
	}
	d.data = d.data[:o]
	d.left++
	return nil
}

// Enter consumes a constructed element with tag t and returns a Decoder over
// its contents, one level deeper.
func (d *Decoder) Enter(t Tag) (Decoder, error) {
	c := *d
	if _, err := c.Descend(t); err != nil {
		return Decoder{}, err
	}
	d.pos = len(c.data)
	return c, nil
}

// constructed returns the bounds of the contents of the constructed
// element with tag t at the cursor, without advancing, after checking the
// depth limit.
func (d *Decoder) constructed(t Tag) (start, end int, err error) {
	start, end, err = d.element(t)
	if err != nil {
		return 0, 0, err
	}
	if !t.IsConstructed() {
		return 0, 0, Errorf(d.pos, ErrUnexpectedTag, "%v is not constructed", t)
	}
	if d.left <= 0 {
		return 0, 0, errAt(d.pos, ErrDepth)
	}
	return start, end, nil
}

package der

// The Try methods are the fast paths of the typed readers, small enough
// for the compiler to inline into generated code, which knows the
// identifier octet id of each component when it is generated. Each reads
// an element whose single identifier octet is id (a tag number below 31,
// see Identifier) and whose length has the short form, the case of most
// elements of a CHAT message; otherwise it returns false without advancing,
// and the caller reads the element with the full method (OctetString for
// TryOctetString, and so on), which accepts every valid encoding and
// reports why an invalid one is rejected. Try methods never report errors
// and never accept what their full method rejects.

// Identifier returns the identifier octet of t when t has the low tag
// number form (§8.1.2.2): a number below 31. ok is false otherwise.
func Identifier(t Tag) (id byte, ok bool) {
	if t&lowTagMask >= 31 {
		return 0, false
	}
	return lowTagByte(t), true
}

// PeekIdentifier returns the first identifier octet of the next element,
// or 0 at the end of the contents. No element a decoder expects starts
// with 0 (end-of-contents), so comparing the result with the identifier
// octet of a low tag number tells whether the next element has that tag.
func (d *Decoder) PeekIdentifier() byte {
	if p := d.pos; p < len(d.data) {
		return d.data[p]
	}
	return 0
}

// TryOctetString is the fast path of OctetString.
func (d *Decoder) TryOctetString(id byte) ([]byte, bool) {
	b, p := d.data, uint(d.pos)
	if p+1 < uint(len(b)) && b[p] == id && b[p+1] < 0x80 {
		if e := p + 2 + uint(b[p+1]); e <= uint(len(b)) {
			d.pos = int(e)
			return b[p+2 : e : e], true
		}
	}
	return nil, false
}

// TryInteger is the fast path of Integer for one contents octet, which
// every ENUMERATED and small INTEGER has.
func (d *Decoder) TryInteger(id byte) (int64, bool) {
	b, p := d.data, d.pos
	if p+2 < len(b) && b[p] == id && b[p+1] == 1 {
		d.pos = p + 3
		return int64(int8(b[p+2])), true
	}
	return 0, false
}

// TryNull is the fast path of Null.
func (d *Decoder) TryNull(id byte) bool {
	b, p := d.data, d.pos
	if p+1 < len(b) && b[p] == id && b[p+1] == 0 {
		d.pos = p + 2
		return true
	}
	return false
}

// TryDescend is the fast path of Descend; id must be the identifier octet
// of a constructed tag.
func (d *Decoder) TryDescend(id byte) (Outer, bool) {
	b, p := d.data, d.pos
	if e := p + 2; e <= len(b) && b[p] == id && b[p+1] < 0x80 && d.left > 0 {
		if e += int(b[p+1]); e <= len(b) {
			d.data = d.data[:e] // only the length changes: no write barrier
			d.pos = p + 2
			d.left--
			return Outer(len(b)), true
		}
	}
	return 0, false
}

package der

import "bytes"

// Default limits applied when a Limits field is zero.
const (
	DefaultMaxDepth = 128
	DefaultMaxSize  = 64 << 20
)

// Limits bounds the work a Decoder does on untrusted input.
type Limits struct {
	// MaxDepth is the deepest nesting of constructed elements accepted by
	// Enter and Any. Zero means DefaultMaxDepth.
	MaxDepth int
	// MaxSize is the largest input accepted, in bytes. Zero means
	// DefaultMaxSize.
	MaxSize int
}

// Decoder is a cursor over DER input. Its methods advance only on success,
// so a caller may try another reading after an error. A Decoder is a small
// value: copying it forks the cursor.
type Decoder struct {
	data     []byte // the whole original input
	pos      int    // next byte
	end      int    // end of the contents being read
	depth    int
	maxDepth int
	tooLarge bool
}

// NewDecoder returns a Decoder over data, which must be the caller's own
// copy: values returned by OctetString, BitString and Any alias it. An
// input larger than lim.MaxSize yields ErrTooLarge from the first read.
func NewDecoder(data []byte, lim Limits) Decoder {
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultMaxDepth
	}
	if lim.MaxSize <= 0 {
		lim.MaxSize = DefaultMaxSize
	}
	if len(data) > lim.MaxSize {
		return Decoder{maxDepth: lim.MaxDepth, tooLarge: true}
	}
	return Decoder{data: data, end: len(data), maxDepth: lim.MaxDepth}
}

// More reports whether contents remain.
func (d *Decoder) More() bool { return d.pos < d.end }

// Offset returns the absolute offset of the next byte in the original input.
func (d *Decoder) Offset() int { return d.pos }

// Depth returns the nesting depth of d: 0 for a new Decoder, one more for
// each Enter.
func (d *Decoder) Depth() int { return d.depth }

// Finish returns ErrTrailingData if contents remain.
func (d *Decoder) Finish() error {
	if d.tooLarge {
		return errAt(0, ErrTooLarge)
	}
	if d.pos < d.end {
		return errAt(d.pos, ErrTrailingData)
	}
	return nil
}

// header is one parsed identifier and length.
type header struct {
	tag   Tag
	start int // offset of the contents
	end   int // offset after the contents
}

// parseTag reads the identifier octets at pos, bounded by end.
func parseTag(data []byte, pos, end int) (Tag, int, error) {
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
// that the contents fit before end. It neither slices nor allocates.
func parseHeader(data []byte, pos, end int) (header, error) {
	// Fast path: a low tag number and a short-form length, which is every
	// header of a typical CHAT message.
	if pos >= 0 && pos+2 <= end && end <= len(data) {
		b0, l := data[pos], data[pos+1]
		if b0&0x1f != 0x1f && l < 0x80 && int(l) <= end-pos-2 {
			t := Tag(b0&0xc0)<<24 | Tag(b0&0x1f)
			if b0&0x20 != 0 {
				t |= Constructed
			}
			return header{tag: t, start: pos + 2, end: pos + 2 + int(l)}, nil
		}
	}
	return parseHeaderSlow(data, pos, end)
}

// parseHeaderSlow is parseHeader for high tag numbers, long-form lengths
// and every error.
func parseHeaderSlow(data []byte, pos, end int) (header, error) {
	t, p, err := parseTag(data, pos, end)
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
	if d.tooLarge {
		return header{}, errAt(0, ErrTooLarge)
	}
	return parseHeader(d.data, d.pos, d.end)
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

// primitive reads the contents of a primitive element with tag t.
func (d *Decoder) primitive(t Tag) ([]byte, int, error) {
	h, err := d.expect(t)
	if err != nil {
		return nil, 0, err
	}
	return d.data[h.start:h.end:h.end], h.start, nil
}

// PeekTag returns the tag of the next element without consuming it; false
// at the end of the contents or when the identifier is malformed.
func (d *Decoder) PeekTag() (Tag, bool) {
	if d.pos >= d.end {
		return 0, false
	}
	t, _, err := parseTag(d.data, d.pos, d.end)
	return t, err == nil
}

// Enter consumes a constructed element with tag t and returns a Decoder over
// its contents, one level deeper.
func (d *Decoder) Enter(t Tag) (Decoder, error) {
	// Fast path: a low tag number (constructed) and a short-form length.
	if p := d.pos; t&lowTagMask < 31 && t.IsConstructed() && d.depth < d.maxDepth &&
		p+2 <= d.end && d.data[p] == lowTagByte(t) && d.data[p+1] < 0x80 {
		if n := int(d.data[p+1]); n <= d.end-p-2 {
			d.pos = p + 2 + n
			return Decoder{data: d.data, pos: p + 2, end: d.pos, depth: d.depth + 1, maxDepth: d.maxDepth}, nil
		}
	}
	h, err := d.expect(t)
	if err != nil {
		return Decoder{}, err
	}
	if !h.tag.IsConstructed() {
		return Decoder{}, Errorf(d.pos, ErrUnexpectedTag, "%v is not constructed", h.tag)
	}
	if d.depth >= d.maxDepth {
		return Decoder{}, errAt(d.pos, ErrDepth)
	}
	d.pos = h.end
	return Decoder{data: d.data, pos: h.start, end: h.end, depth: d.depth + 1, maxDepth: d.maxDepth}, nil
}

// Skip consumes one element of any tag without checking its contents.
func (d *Decoder) Skip() error {
	h, err := d.next()
	if err != nil {
		return err
	}
	d.pos = h.end
	return nil
}

// SkipOrdered consumes one element of a SET OF like Skip and returns its
// whole encoding (aliasing the input). prev is the encoding of the element
// before it, nil for the first: DER orders the elements of a SET OF by
// their encodings compared as octet strings (X.690 §11.6), so an element
// that sorts before prev is an error. Two complete encodings never differ
// only by trailing zero octets, so the standard's zero padding of the
// shorter one changes nothing and bytes.Compare decides.
func (d *Decoder) SkipOrdered(prev []byte) ([]byte, error) {
	start := d.pos
	h, err := d.next()
	if err != nil {
		return nil, err
	}
	cur := d.data[start:h.end:h.end]
	if prev != nil && bytes.Compare(prev, cur) > 0 {
		return nil, errAt(start, ErrSetOrder)
	}
	d.pos = h.end
	return cur, nil
}

// Raw consumes one element of any tag and returns its tag and contents
// without checking them; the contents alias the input.
func (d *Decoder) Raw() (Tag, []byte, error) {
	h, err := d.next()
	if err != nil {
		return 0, nil, err
	}
	d.pos = h.end
	return h.tag, d.data[h.start:h.end:h.end], nil
}

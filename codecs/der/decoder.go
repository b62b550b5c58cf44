package der

import (
	"bytes"
	"math"
)

// Default limits applied when a Limits field is zero.
const (
	DefaultMaxDepth = 128
	DefaultMaxSize  = 64 << 20
)

// Limits bounds the work a Decoder does on untrusted input.
type Limits struct {
	// MaxDepth is the deepest nesting of constructed elements accepted by
	// Enter, Descend and Any. Zero means DefaultMaxDepth.
	MaxDepth int
	// MaxSize is the largest input accepted, in bytes. Zero means
	// DefaultMaxSize.
	MaxSize int
}

// Decoder is a cursor over DER input. Its methods advance only on success,
// so a caller may try another reading after an error. A Decoder is a small
// value: copying it forks the cursor.
//
// data always starts at the first byte of the original input, so every
// position is an absolute offset; it ends where the contents being read
// end, so one bounds check covers both the contents and the input.
type Decoder struct {
	data     []byte // the original input, up to the end of the contents being read
	pos      int    // next byte
	left     int32  // constructed elements that may still be entered
	maxDepth int32  // Limits.MaxDepth; tooLargeDepth for an input over MaxSize
}

// tooLargeDepth is the maxDepth of a Decoder whose input exceeds
// Limits.MaxSize: it holds no data and may enter nothing, so every fast
// path fails and the slow paths report ErrTooLarge.
const tooLargeDepth = -1

// NewDecoder returns a Decoder over data, which must be the caller's own
// copy: values returned by OctetString, BitString and Any alias it. An
// input larger than lim.MaxSize yields ErrTooLarge from the first read.
func NewDecoder(data []byte, lim Limits) Decoder {
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultMaxDepth
	}
	if lim.MaxDepth > math.MaxInt32 {
		lim.MaxDepth = math.MaxInt32
	}
	if lim.MaxSize <= 0 {
		lim.MaxSize = DefaultMaxSize
	}
	if len(data) > lim.MaxSize {
		return Decoder{maxDepth: tooLargeDepth}
	}
	return Decoder{data: data, left: int32(lim.MaxDepth), maxDepth: int32(lim.MaxDepth)}
}

// tooLarge reports whether the input exceeded Limits.MaxSize.
func (d *Decoder) tooLarge() bool { return d.maxDepth == tooLargeDepth }

// More reports whether contents remain.
func (d *Decoder) More() bool { return d.pos < len(d.data) }

// Offset returns the absolute offset of the next byte in the original input.
func (d *Decoder) Offset() int { return d.pos }

// Depth returns the nesting depth of d: 0 for a new Decoder, one more for
// each Enter or Descend.
func (d *Decoder) Depth() int {
	if d.tooLarge() {
		return 0
	}
	return int(d.maxDepth - d.left)
}

// Finish returns ErrTrailingData if contents remain.
func (d *Decoder) Finish() error {
	if d.pos < len(d.data) || d.tooLarge() {
		return d.finishError()
	}
	return nil
}

// finishError is the error of Finish.
func (d *Decoder) finishError() error {
	if d.tooLarge() {
		return errAt(0, ErrTooLarge)
	}
	return errAt(d.pos, ErrTrailingData)
}

// PeekTag returns the tag of the next element without consuming it; false
// at the end of the contents or when the identifier is malformed.
func (d *Decoder) PeekTag() (Tag, bool) {
	// Fast path: the low-tag-number form, one identifier octet.
	if p := d.pos; uint(p) < uint(len(d.data)) {
		if b := d.data[p]; b&0x1f != 0x1f {
			return Tag(b&0xe0)<<24 | Tag(b&0x1f), true
		}
	}
	return d.peekTagSlow()
}

// peekTagSlow is PeekTag for the high-tag-number form and the end of the
// contents.
func (d *Decoder) peekTagSlow() (Tag, bool) {
	if d.pos >= len(d.data) {
		return 0, false
	}
	t, _, err := parseTag(d.data, d.pos)
	return t, err == nil
}

// Skip consumes one element of any tag without checking its contents.
func (d *Decoder) Skip() error {
	// Fast path: a low tag number and a short-form length.
	if p := d.pos; uint(p+1) < uint(len(d.data)) && d.data[p]&0x1f != 0x1f && d.data[p+1] < 0x80 {
		if e := p + 2 + int(d.data[p+1]); e <= len(d.data) {
			d.pos = e
			return nil
		}
	}
	return d.skipSlow()
}

// skipSlow is Skip for every other header and every error.
func (d *Decoder) skipSlow() error {
	h, err := d.next()
	if err != nil {
		return err
	}
	d.pos = h.end
	return nil
}

// Count returns the number of elements from the cursor to the end of the
// contents without consuming them or checking their contents. When a
// header is malformed it returns the index of that element with the error.
func (d *Decoder) Count() (int, error) {
	n := 0
	for b, p := d.data, d.pos; p < len(b); n++ {
		// Fast paths: a low tag number and a length below 64 KiB.
		if p+1 < len(b) && b[p]&0x1f != 0x1f {
			if l := b[p+1]; l < 0x80 && p+2+int(l) <= len(b) {
				p += 2 + int(l)
				continue
			}
			if _, e, ok := contents(b, p+1); ok {
				p = e
				continue
			}
		}
		c := *d
		c.pos = p
		if err := c.skipSlow(); err != nil {
			return n, err
		}
		p = c.pos
	}
	return n, nil
}

// CountOrdered is Count for the elements of a SET OF, which must also be
// in DER order (see SkipOrdered).
func (d *Decoder) CountOrdered() (int, error) {
	c := *d
	n := 0
	var prev []byte
	for ; c.More(); n++ {
		var err error
		if prev, err = c.SkipOrdered(prev); err != nil {
			return n, err
		}
	}
	return n, nil
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

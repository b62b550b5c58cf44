package etf

import (
	"bytes"
	"compress/zlib"
	"io"
	"strconv"
)

// Default limits applied when a Limits field is zero. DefaultMaxDepth is
// twice der.DefaultMaxDepth because the asn1ct mapping spends two tuples
// where DER spends one TLV (a CHOICE is {alternative, Value} around the
// alternative's record), so a value that decodes from DER also decodes
// from its own ETF.
const (
	DefaultMaxDepth = 256
	DefaultMaxSize  = 64 << 20
)

// Limits bounds the work a Decoder does on untrusted input.
type Limits struct {
	// MaxDepth is the deepest nesting of tuples and lists accepted.
	// Zero means DefaultMaxDepth.
	MaxDepth int
	// MaxSize is the largest input, and the largest inflated size of a
	// compressed term, in bytes. Zero means DefaultMaxSize.
	MaxSize int
}

// frame is one open tuple or list: the number of elements not yet
// completed (including the tail of a list) shifted left by two, and its kind.
type frame uint64

const (
	frameTuple  frame = iota // tuple
	frameList                // LIST_EXT: the tail is a NIL byte
	frameString              // STRING_EXT: elements are the bytes that follow
	frameNil                 // NIL: no elements, no tail byte
	frameKind   frame = 3
	frameOne    frame = 4 // one element
)

// inlineFrames is how many open frames a Decoder holds without allocating.
const inlineFrames = 16

// Decoder reads one external term. Its methods advance only on success.
//
// The Decoder tracks the structure of the term as it is read: each tuple
// and list opened by Record, Tuple or ListStart stays open until all its
// elements (and, for a list, its tail, read by ListEnd) are read, and the
// number of open ones is bounded by Limits.MaxDepth.
type Decoder struct {
	data     []byte
	pos      int
	maxDepth int
	n        int // open frames
	inline   [inlineFrames]frame
	spill    []frame
}

// NewDecoder checks the version byte of data and returns a Decoder over the
// term that follows. A compressed term (tag 80) is inflated first: its
// declared size must not exceed lim.MaxSize and must equal the inflated
// size; offsets in errors then count in the inflated term. data is never
// modified; Binary results alias it.
func NewDecoder(data []byte, lim Limits) (Decoder, error) {
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultMaxDepth
	}
	if lim.MaxSize <= 0 {
		lim.MaxSize = DefaultMaxSize
	}
	if len(data) > lim.MaxSize {
		return Decoder{}, Errorf(0, ErrTooLarge, "%d bytes", len(data))
	}
	if len(data) == 0 {
		return Decoder{}, errAt(0, ErrTruncated)
	}
	if data[0] != Version {
		return Decoder{}, Errorf(0, ErrVersion, "%d", data[0])
	}
	if len(data) > 1 && data[1] == tagCompressed {
		term, err := inflate(data, lim.MaxSize)
		if err != nil {
			return Decoder{}, err
		}
		return Decoder{data: term, maxDepth: lim.MaxDepth}, nil
	}
	return Decoder{data: data, pos: 1, maxDepth: lim.MaxDepth}, nil
}

// inflate returns the term inside a compressed external term.
func inflate(data []byte, maxSize int) ([]byte, error) {
	if len(data) < 6 {
		return nil, errAt(len(data), ErrTruncated)
	}
	size := int64(data[2])<<24 | int64(data[3])<<16 | int64(data[4])<<8 | int64(data[5])
	if size > int64(maxSize) {
		return nil, Errorf(2, ErrTooLarge, "compressed term inflates to %d bytes", size)
	}
	br := bytes.NewReader(data[6:])
	zr, err := zlib.NewReader(br)
	if err != nil {
		return nil, Errorf(6, ErrCompressed, "%v", err)
	}
	var buf bytes.Buffer
	buf.Grow(int(min(size, 64<<10)))
	n, err := io.Copy(&buf, io.LimitReader(zr, size+1))
	if err != nil {
		return nil, Errorf(6, ErrCompressed, "%v", err)
	}
	if n != size {
		return nil, Errorf(2, ErrCompressed, "declared size %d, inflated %d", size, n)
	}
	// bytes.Reader is an io.ByteReader, so the inflater reads no further
	// than the end of the zlib stream.
	if br.Len() != 0 {
		return nil, Errorf(len(data)-br.Len(), ErrTrailingData, "after the compressed term")
	}
	return buf.Bytes(), nil
}

// Offset returns the offset of the next byte: in the input, or in the
// inflated term when the input was compressed.
func (d *Decoder) Offset() int { return d.pos }

// Depth returns the number of tuples and lists open.
func (d *Decoder) Depth() int { return d.n }

// Finish returns ErrTrailingData if bytes remain after the term, and
// ErrTruncated if the term was not read completely.
func (d *Decoder) Finish() error {
	if d.pos < len(d.data) {
		return errAt(d.pos, ErrTrailingData)
	}
	if d.n > 0 {
		return Errorf(d.pos, ErrTruncated, "%d tuples or lists not read to the end", d.n)
	}
	return nil
}

func (d *Decoder) top() *frame {
	if d.n <= inlineFrames {
		return &d.inline[d.n-1]
	}
	return &d.spill[d.n-1-inlineFrames]
}

// push opens a frame with count elements; it checks the depth limit.
func (d *Decoder) push(kind frame, count int) error {
	if d.n >= d.maxDepth {
		return errAt(d.pos, ErrDepth)
	}
	f := kind | frame(count)*frameOne
	if d.n < inlineFrames {
		d.inline[d.n] = f
	} else if i := d.n - inlineFrames; i < len(d.spill) {
		d.spill[i] = f
	} else {
		d.spill = append(d.spill, f)
	}
	d.n++
	return nil
}

// complete records that one element of the innermost frame was read,
// closing every frame whose elements are all read.
func (d *Decoder) complete() {
	for d.n > 0 {
		f := d.top()
		*f -= frameOne
		if *f >= frameOne {
			return
		}
		d.n--
	}
}

// inString reports whether the next element is a byte of a STRING_EXT.
func (d *Decoder) inString() bool {
	if d.n == 0 {
		return false
	}
	f := *d.top()
	return f&frameKind == frameString && f >= 2*frameOne
}

// remaining returns the bytes left after p.
func (d *Decoder) remaining(p int) int { return len(d.data) - p }

// tag returns the tag of the next term, refusing a byte of a STRING_EXT
// (which only Integer reads).
func (d *Decoder) tag(want string) (byte, error) {
	if d.inString() {
		return 0, Errorf(d.pos, ErrUnexpectedTerm, "want %s, got integer", want)
	}
	if d.pos >= len(d.data) {
		return 0, errAt(d.pos, ErrTruncated)
	}
	return d.data[d.pos], nil
}

// u16 and u32 read big-endian counts at p after checking they fit.
func (d *Decoder) u16(p int) (int, error) {
	if d.remaining(p) < 2 {
		return 0, errAt(p, ErrTruncated)
	}
	return int(d.data[p])<<8 | int(d.data[p+1]), nil
}

func (d *Decoder) u32(p int) (int, error) {
	if d.remaining(p) < 4 {
		return 0, errAt(p, ErrTruncated)
	}
	return int(d.data[p])<<24 | int(d.data[p+1])<<16 | int(d.data[p+2])<<8 | int(d.data[p+3]), nil
}

// unexpected reports a term of the wrong type at the cursor.
func (d *Decoder) unexpected(want string, tag byte) error {
	return Errorf(d.pos, ErrUnexpectedTerm, "want %s, got %s", want, tagName(tag))
}

func tagName(t byte) string {
	switch t {
	case tagAtom, tagSmallAtom, tagAtomUTF8, tagSmallAtomUTF8:
		return "atom"
	case tagSmallInteger, tagInteger, tagSmallBig, tagLargeBig:
		return "integer"
	case tagSmallTuple, tagLargeTuple:
		return "tuple"
	case tagNil, tagString, tagList:
		return "list"
	case tagBinary:
		return "binary"
	case tagBitBinary:
		return "bitstring"
	}
	return "tag " + strconv.Itoa(int(t))
}

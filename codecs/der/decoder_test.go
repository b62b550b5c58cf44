package der

import (
	"errors"
	"strings"
	"testing"
)

// readFunc is one way of reading an element.
type readFunc func(*Decoder) error

func readInteger(d *Decoder) error     { _, err := d.Integer(TagInteger); return err }
func readBoolean(d *Decoder) error     { _, err := d.Boolean(TagBoolean); return err }
func readNull(d *Decoder) error        { return d.Null(TagNull) }
func readOctets(d *Decoder) error      { _, err := d.OctetString(TagOctetString); return err }
func readUTF8(d *Decoder) error        { _, err := d.UTF8String(TagUTF8String); return err }
func readIA5(d *Decoder) error         { _, err := d.IA5String(TagIA5String); return err }
func readPrintable(d *Decoder) error   { _, err := d.PrintableString(TagPrintableString); return err }
func readUTCTime(d *Decoder) error     { _, err := d.UTCTime(TagUTCTime); return err }
func readGeneralized(d *Decoder) error { _, err := d.GeneralizedTime(TagGeneralizedTime); return err }
func readUniversal(d *Decoder) error   { _, err := d.UniversalString(TagUniversalString); return err }
func readBits(d *Decoder) error        { _, err := d.BitString(TagBitString); return err }
func readOID(d *Decoder) error         { _, err := d.OID(TagOID); return err }
func readAny(d *Decoder) error         { _, err := d.Any(); return err }
func readSkip(d *Decoder) error        { return d.Skip() }
func readSequence(d *Decoder) error    { _, err := d.Enter(TagSequence); return err }
func readIntThenFinish(d *Decoder) error {
	if err := readInteger(d); err != nil {
		return err
	}
	return d.Finish()
}

var badInputs = []struct {
	name   string
	in     string
	read   readFunc
	want   error
	offset int
}{
	{"non-minimal length", "04 81 05 01 02 03 04 05", readOctets, ErrNonMinimalLength, 1},
	{"non-minimal length leading zero", "04 82 00 80" + strings.Repeat("00", 128), readOctets, ErrNonMinimalLength, 1},
	{"non-minimal length in any", "30 81 03 01 01 ff", readAny, ErrNonMinimalLength, 1},
	{"indefinite length", "30 80 01 01 ff 00 00", readSequence, ErrIndefiniteLength, 1},
	{"indefinite length in any", "30 80 01 01 ff 00 00", readAny, ErrIndefiniteLength, 1},
	{"reserved length octet", "04 ff 00", readOctets, ErrInvalidLength, 1},
	{"truncated", "04 05 01 02", readOctets, ErrTruncated, 1},
	{"truncated empty", "", readOctets, ErrTruncated, 0},
	{"truncated length octets", "04 82 01", readOctets, ErrTruncated, 1},
	{"truncated high tag", "1f 81", readSkip, ErrTruncated, 2},
	{"truncated inside sequence", "30 03 02 01", readAny, ErrTruncated, 1},
	{"truncated child in any", "30 03 02 02 01", readAny, ErrTruncated, 3},
	{"length 2 GiB", "04 84 80 00 00 00 00 01 02 03 04 05 06 07 08 09", readOctets, ErrTruncated, 1},
	{"length 2^64-1", "04 88 ff ff ff ff ff ff ff ff 00", readOctets, ErrTruncated, 1},
	{"length 9 octets", "04 89 01 00 00 00 00 00 00 00 00 00", readOctets, ErrTruncated, 1},
	{"high tag", "1f 1e 00", readSkip, ErrHighTag, 0},
	{"high tag leading zero", "9f 80 21 00", readAny, ErrHighTag, 1},
	{"high tag number too large", "9f ff ff ff ff 7f 00", readSkip, ErrHighTag, 0},
	{"unexpected tag", "02 01 00", readBoolean, ErrUnexpectedTag, 0},
	{"primitive where constructed expected", "10 00", readSequence, ErrUnexpectedTag, 0},
	{"integer 9 bytes", "02 09 01 00 00 00 00 00 00 00 00", readInteger, ErrIntegerRange, 2},
	{"integer 2^63", "02 09 00 80 00 00 00 00 00 00 00", readInteger, ErrIntegerRange, 2},
	{"integer non-minimal 00 7f", "02 02 00 7f", readInteger, ErrNonMinimalInteger, 2},
	{"integer non-minimal ff 80", "02 02 ff 80", readInteger, ErrNonMinimalInteger, 2},
	{"integer non-minimal in any", "02 02 00 01", readAny, ErrNonMinimalInteger, 2},
	{"integer empty", "02 00", readInteger, ErrInvalidInteger, 2},
	{"boolean 0x01", "01 01 01", readBoolean, ErrInvalidBoolean, 2},
	{"boolean 0x01 in any", "30 03 01 01 01", readAny, ErrInvalidBoolean, 4},
	{"boolean length 2", "01 02 ff ff", readBoolean, ErrInvalidBoolean, 2},
	{"boolean empty", "01 00", readBoolean, ErrInvalidBoolean, 2},
	{"null with contents", "05 01 00", readNull, ErrInvalidNull, 2},
	{"constructed octet string", "24 03 04 01 00", readOctets, ErrConstructedString, 0},
	{"constructed octet string in any", "24 03 04 01 00", readAny, ErrConstructedString, 0},
	{"constructed integer in any", "22 03 02 01 00", readAny, ErrUnexpectedTag, 0},
	{"primitive sequence in any", "10 00", readAny, ErrUnexpectedTag, 0},
	{"end-of-contents in any", "00 00", readAny, ErrUnexpectedTag, 0},
	{"universal string length 5", "1c 05 00 00 00 61 00", readUniversal, ErrInvalidString, 2},
	{"surrogate code point", "1c 04 00 00 d8 00", readUniversal, ErrInvalidString, 2},
	{"code point above 0x10FFFF", "1c 08 00 00 00 61 00 11 00 00", readUniversal, ErrInvalidString, 6},
	{"utf8 string invalid", "0c 02 c3 28", readUTF8, ErrInvalidString, 2},
	{"ia5 string 0x80", "16 02 61 80", readIA5, ErrInvalidString, 3},
	{"printable string star", "13 01 2a", readPrintable, ErrInvalidString, 2},
	{"utctime without seconds", "17 0b 32 35 30 31 30 32 30 33 30 34 5a", readUTCTime, ErrInvalidString, 2},
	{"utctime with offset", "17 11 32 35 30 31 30 32 30 33 30 34 30 35 2b 30 31 30 30", readUTCTime, ErrInvalidString, 2},
	{"generalizedtime trailing zero", "18 11 32 30 32 35 30 31 30 32 30 33 30 34 30 35 2e 30 5a", readGeneralized, ErrInvalidString, 2},
	{"generalizedtime no Z", "18 0e 32 30 32 35 30 31 30 32 30 33 30 34 30 35", readGeneralized, ErrInvalidString, 2},
	{"bit string empty", "03 00", readBits, ErrInvalidBitString, 2},
	{"bit string 8 unused", "03 02 08 00", readBits, ErrInvalidBitString, 2},
	{"bit string unused without bits", "03 01 03", readBits, ErrInvalidBitString, 2},
	{"bit string padding not zero", "03 02 04 a1", readBits, ErrInvalidBitString, 3},
	{"oid empty", "06 00", readOID, ErrInvalidOID, 2},
	{"oid non-minimal subidentifier", "06 03 2a 80 01", readOID, ErrInvalidOID, 3},
	{"oid truncated subidentifier", "06 02 2a 86", readOID, ErrInvalidOID, 3},
	{"oid arc too large", "06 0b 2a ff ff ff ff ff ff ff ff ff 7f", readOID, ErrInvalidOID, 3},
	{"trailing data", "02 01 00 00", readIntThenFinish, ErrTrailingData, 3},
}

func TestBadInputs(t *testing.T) {
	for _, c := range badInputs {
		t.Run(c.name, func(t *testing.T) {
			in := unhex(c.in)
			d := NewDecoder(in, Limits{})
			before := d
			err := c.read(&d)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err %T is not a *DecodeError", err)
			}
			if de.Offset != c.offset {
				t.Errorf("offset = %d, want %d (%v)", de.Offset, c.offset, err)
			}
			if !strings.HasPrefix(err.Error(), "der: ") {
				t.Errorf("message %q lacks the der: prefix", err)
			}
			if c.want != ErrTrailingData && d.Offset() != before.Offset() {
				t.Errorf("failed read advanced the decoder")
			}
		})
	}
}

func TestDepthLimit(t *testing.T) {
	in := nested(5)
	for _, c := range []struct {
		name  string
		depth int
		ok    bool
	}{{"at limit", 5, true}, {"over limit", 4, false}} {
		t.Run(c.name, func(t *testing.T) {
			d := NewDecoder(in, Limits{MaxDepth: c.depth})
			err := walk(&d)
			if c.ok != (err == nil) || !c.ok && !errors.Is(err, ErrDepth) {
				t.Errorf("walk: %v", err)
			}
			d = NewDecoder(in, Limits{MaxDepth: c.depth})
			_, err = d.Any()
			if c.ok != (err == nil) || !c.ok && !errors.Is(err, ErrDepth) {
				t.Errorf("Any: %v", err)
			}
		})
	}
}

func TestMaxSize(t *testing.T) {
	d := NewDecoder(unhex("04 03 01 02 03"), Limits{MaxSize: 4})
	if _, err := d.OctetString(TagOctetString); !errors.Is(err, ErrTooLarge) {
		t.Errorf("OctetString: %v", err)
	}
	if _, err := d.Any(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Any: %v", err)
	}
	if err := d.Finish(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Finish: %v", err)
	}
	d = NewDecoder(unhex("04 03 01 02 03"), Limits{MaxSize: 5})
	if _, err := d.OctetString(TagOctetString); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}

func TestErrorPath(t *testing.T) {
	err := Errorf(17, ErrNonMinimalLength, "")
	err = At(At(At(At(err, "from"), "message"), "body"), "CHATMessage")
	const want = "der: CHATMessage.body.message.from at offset 17: non-minimal length"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	if !errors.Is(err, ErrNonMinimalLength) {
		t.Error("does not unwrap to the sentinel")
	}
	err = At(AtIndex(At(Errorf(3, ErrTruncated, "%d more", 2), "nickname"), 3), "contacts")
	if got := err.Error(); got != "der: contacts[3].nickname at offset 3: truncated: 2 more" {
		t.Errorf("got %q", got)
	}
	err = AtIndex(AtIndex(Errorf(0, ErrMissing, ""), 2), 1)
	if got := err.Error(); got != "der: [1][2] at offset 0: missing element" {
		t.Errorf("got %q", got)
	}
	if At(nil, "x") != nil || AtIndex(nil, 1) != nil {
		t.Error("At(nil) is not nil")
	}
	plain := errors.New("boom")
	err = At(plain, "field")
	if !errors.Is(err, plain) || err.Error() != "der: field: boom" {
		t.Errorf("wrapping a plain error: %v", err)
	}
}

func TestTagString(t *testing.T) {
	for _, c := range []struct {
		tag  Tag
		want string
	}{
		{TagSequence, "UNIVERSAL 16 constructed"},
		{TagInteger, "UNIVERSAL 2"},
		{ClassContext | Constructed, "[0] constructed"},
		{ClassApplication | 3, "[APPLICATION 3]"},
		{ClassPrivate | 1000, "[PRIVATE 1000]"},
	} {
		if got := c.tag.String(); got != c.want {
			t.Errorf("%#x: %q, want %q", uint32(c.tag), got, c.want)
		}
	}
	tg := ClassContext | Constructed | 5
	if tg.Class() != ClassContext || tg.Number() != 5 || !tg.IsConstructed() {
		t.Errorf("accessors of %v", tg)
	}
}

func TestHighTagRoundTrip(t *testing.T) {
	for _, n := range []uint32{31, 127, 128, 16383, 16384, maxTagNumber} {
		tg := ClassContext | Tag(n)
		enc := AppendNull(nil, tg)
		d := NewDecoder(enc, Limits{})
		got, ok := d.PeekTag()
		if !ok || got != tg {
			t.Errorf("tag %d: PeekTag = %v, %v", n, got, ok)
		}
		if err := d.Null(tg); err != nil {
			t.Errorf("tag %d: %v", n, err)
		}
	}
}

func TestEndMovesLongContents(t *testing.T) {
	for _, n := range []int{0, 127, 128, 255, 256, 65535, 65536, 1 << 24} {
		b, s := Begin([]byte{0xee}, TagOctetString)
		for i := 0; i < n; i++ {
			b = append(b, byte(i))
		}
		b = End(b, s)
		want := AppendOctetString([]byte{0xee}, TagOctetString, b[len(b)-n:])
		if string(b) != string(want) {
			t.Fatalf("n=%d: Begin/End header % x, want % x", n, b[:8], want[:8])
		}
		d := NewDecoder(b[1:], Limits{})
		v, err := d.OctetString(TagOctetString)
		if err != nil || len(v) != n || n > 0 && v[n-1] != byte(n-1) {
			t.Fatalf("n=%d: decode %d bytes, %v", n, len(v), err)
		}
	}
}

func TestEncodersClearBitPadding(t *testing.T) {
	got := AppendBitString(nil, TagBitString, BitString{Bytes: []byte{0xff, 0xff}, Length: 3})
	if string(got) != string(unhex("03 02 05 e0")) {
		t.Errorf("got % x", got)
	}
	got = AppendBitString(nil, TagBitString, BitString{Bytes: nil, Length: 9})
	if string(got) != string(unhex("03 03 07 00 00")) {
		t.Errorf("short bytes: got % x", got)
	}
	got = AppendUniversalString(nil, TagUniversalString, "a\xff")
	if string(got) != string(unhex("1c 08 00 00 00 61 00 00 ff fd")) {
		t.Errorf("invalid UTF-8: got % x", got)
	}
}

// nested returns n SEQUENCEs each holding the next, around a NULL.
func nested(n int) []byte {
	b := AppendNull(nil, TagNull)
	for i := 0; i < n; i++ {
		inner := b
		b = AppendLength(AppendTag(nil, TagSequence), len(inner))
		b = append(b, inner...)
	}
	return b
}

func TestSkipOrdered(t *testing.T) {
	a := []byte{0x04, 0x01, 'a'}
	b := []byte{0x04, 0x01, 'b'}
	ab := []byte{0x04, 0x02, 'a', 'b'}
	for _, tc := range []struct {
		name  string
		elems [][]byte
		bad   int // index of the refused element, -1 for none
	}{
		{"ascending (the length octet sorts before the contents)", [][]byte{a, b, ab}, -1},
		{"equal", [][]byte{a, a}, -1},
		{"descending", [][]byte{b, a}, 1},
		{"longer first", [][]byte{ab, a}, 1},
	} {
		var in []byte
		for _, e := range tc.elems {
			in = append(in, e...)
		}
		d := NewDecoder(in, Limits{})
		var prev []byte
		var err error
		i := 0
		for ; d.More(); i++ {
			if prev, err = d.SkipOrdered(prev); err != nil {
				break
			}
		}
		switch {
		case tc.bad < 0 && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.bad >= 0 && (!errors.Is(err, ErrSetOrder) || i != tc.bad):
			t.Errorf("%s: element %d: %v, want ErrSetOrder at element %d", tc.name, i, err, tc.bad)
		}
	}
}

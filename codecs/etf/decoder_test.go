package etf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"strings"
	"testing"
)

type readFunc func(*Decoder) error

func readInt(d *Decoder) error      { _, err := d.Integer(); return err }
func readIntList2(d *Decoder) error { _, err := readIntList(d); return err }
func readList(d *Decoder) error     { _, err := d.ListStart(); return err }
func readTuple(d *Decoder) error    { _, err := d.Tuple(); return err }
func readBinary(d *Decoder) error   { _, err := d.Binary(); return err }
func readAtom(d *Decoder) error     { _, err := d.Atom(); return err }
func readBool(d *Decoder) error     { _, err := d.Bool(); return err }
func readUni(d *Decoder) error      { _, err := d.UniversalString(); return err }
func readChars(d *Decoder) error    { _, err := d.CharList(); return err }
func readBits(d *Decoder) error     { _, err := d.BitString(); return err }
func readOID(d *Decoder) error      { _, err := d.OID(); return err }
func readContact(d *Decoder) error  { return d.Record("Contact", 2) }
func readWhole(d *Decoder) error    { _, _, err := canonical(d, nil); return err }
func readIntFinish(d *Decoder) error {
	if err := readInt(d); err != nil {
		return err
	}
	return d.Finish()
}

// readListEarly reads one element of a longer list and closes it.
func readListEarly(d *Decoder) error {
	if _, err := d.ListStart(); err != nil {
		return err
	}
	if _, err := d.Integer(); err != nil {
		return err
	}
	return d.ListEnd()
}

// compressed returns a compressed external term of the term bytes with the
// declared size adjusted by lie.
func compressed(term []byte, lie int) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(term)
	zw.Close()
	n := len(term) + lie
	return append([]byte{Version, tagCompressed, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, z.Bytes()...)
}

var badInputs = []struct {
	name   string
	in     []byte
	read   readFunc // nil: NewDecoder itself fails
	want   error
	offset int
}{
	{"wrong version", unhex("82 61 00"), nil, ErrVersion, 0},
	{"empty input", nil, nil, ErrTruncated, 0},
	{"version only", unhex("83"), readInt, ErrTruncated, 1},
	{"improper list", unhex("83 6c 00 00 00 01 61 01 61 02"), readIntList2, ErrImproperList, 8},
	{"improper list in walker", unhex("83 6c 00 00 00 01 61 01 61 02"), readWhole, ErrImproperList, 8},
	{"list header 2^32 with no data", unhex("83 6c ff ff ff ff"), readList, ErrTruncated, 1},
	{"list header 2^32-1 in walker", unhex("83 6c ff ff ff ff 6a"), readWhole, ErrTruncated, 1},
	{"list header n with only n bytes", unhex("83 6c 00 00 00 01 6a"), readList, ErrTruncated, 1},
	{"list end before last element", unhex("83 6c 00 00 00 02 61 01 61 02 6a"), readListEarly, ErrUnexpectedTerm, 8},
	{"string past end", unhex("83 6b 00 05 61"), readList, ErrTruncated, 1},
	{"tuple arity 2^32-1 with no data", unhex("83 69 ff ff ff ff"), readTuple, ErrTruncated, 1},
	{"binary length 2^32-1", unhex("83 6d ff ff ff ff 00"), readBinary, ErrTruncated, 1},
	{"compressed size lie", compressed(unhex("6d 00 00 00 03 01 02 03"), 1), nil, ErrCompressed, 2},
	{"compressed size lie short", compressed(unhex("6d 00 00 00 03 01 02 03"), -1), nil, ErrCompressed, 2},
	{"compressed size above limit", unhex("83 50 ff ff ff ff 78 9c"), nil, ErrTooLarge, 2},
	{"compressed garbage", unhex("83 50 00 00 00 02 01 02 03"), nil, ErrCompressed, 6},
	{"compressed truncated header", unhex("83 50 00 00"), nil, ErrTruncated, 4},
	{"integer bignum 9 bytes", unhex("83 6e 09 00 00 00 00 00 00 00 00 00 01"), readInt, ErrIntegerRange, 1},
	{"integer 2^63", unhex("83 6e 08 00 00 00 00 00 00 00 00 80"), readInt, ErrIntegerRange, 1},
	{"integer -2^63-1", unhex("83 6e 08 01 01 00 00 00 00 00 00 80"), readInt, ErrIntegerRange, 1},
	{"large big 2^32 digits with no data", unhex("83 6f ff ff ff ff 00"), readInt, ErrTruncated, 1},
	{"bignum sign 2", unhex("83 6e 01 02 05"), readInt, ErrUnexpectedTerm, 3},
	{"integer where atom expected", unhex("83 61 05"), readAtom, ErrUnexpectedTerm, 1},
	{"atom invalid utf-8", unhex("83 77 01 ff"), readAtom, ErrInvalidString, 1},
	{"atom of 256 characters", append(unhex("83 76 02 00"), bytes.Repeat([]byte("é"), 256)...), readAtom, ErrInvalidString, 1},
	{"latin-1 atom of 256 characters", append(unhex("83 64 01 00"), bytes.Repeat([]byte("a"), 256)...), readAtom, ErrInvalidString, 1},
	{"compressed trailing bytes", append(compressed(unhex("61 01"), 0), 0), nil, ErrTrailingData, len(compressed(unhex("61 01"), 0))},
	{"atom past end", unhex("83 77 05 61"), readAtom, ErrTruncated, 1},
	{"boolean other atom", unhex("83 77 03 61 62 63"), readBool, ErrUnexpectedTerm, 1},
	{"record wrong name", unhex("83 68 03 77 01 58 6a 6a"), readContact, ErrRecord, 1},
	{"record wrong arity", unhex("83 68 02 77 07 43 6f 6e 74 61 63 74 6a"), readContact, ErrRecord, 1},
	{"record without name", unhex("83 68 03 61 01 6a 6a"), readContact, ErrRecord, 1},
	{"record not a tuple", unhex("83 6a"), readContact, ErrUnexpectedTerm, 1},
	{"universal string surrogate", unhex("83 6c 00 00 00 01 68 04 61 00 61 00 61 d8 61 00 6a"), readUni, ErrInvalidString, 6},
	{"universal string code point 0x110000", unhex("83 6c 00 00 00 01 62 00 11 00 00 6a"), readUni, ErrInvalidString, 6},
	{"universal string tuple arity 3", unhex("83 6c 00 00 00 01 68 03 61 00 61 00 61 41 6a"), readUni, ErrInvalidString, 6},
	{"universal string improper", unhex("83 6c 00 00 00 01 61 41 61 42"), readUni, ErrImproperList, 8},
	{"char list element 256", unhex("83 6c 00 00 00 01 62 00 00 01 00 6a"), readChars, ErrInvalidString, 6},
	{"char list negative", unhex("83 6c 00 00 00 01 62 ff ff ff ff 6a"), readChars, ErrInvalidString, 6},
	{"bitstring padding not zero", unhex("83 4d 00 00 00 01 03 21"), readBits, ErrUnexpectedTerm, 7},
	{"bitstring 0 bits in last byte", unhex("83 4d 00 00 00 01 00 00"), readBits, ErrUnexpectedTerm, 6},
	{"bitstring no bytes", unhex("83 4d 00 00 00 00 03"), readBits, ErrUnexpectedTerm, 6},
	{"oid negative arc", unhex("83 68 02 61 01 62 ff ff ff ff"), readOID, ErrUnexpectedTerm, 5},
	{"trailing data", unhex("83 61 00 61 00"), readIntFinish, ErrTrailingData, 3},
	{"unknown tag", unhex("83 46 00 00 00 00 00 00 00 00"), readWhole, ErrUnexpectedTerm, 1},
}

// multiStep names the bad inputs read in several steps, some of which
// succeed before the failure.
var multiStep = map[string]bool{
	"improper list": true, "improper list in walker": true,
	"list header 2^32-1 in walker": true, "list end before last element": true,
	"trailing data": true, "unknown tag": true,
}

func TestBadInputs(t *testing.T) {
	for _, c := range badInputs {
		t.Run(c.name, func(t *testing.T) {
			orig := bytes.Clone(c.in)
			d, err := NewDecoder(c.in, Limits{})
			if c.read == nil {
				if err == nil {
					t.Fatal("NewDecoder accepted the input")
				}
			} else {
				if err != nil {
					t.Fatalf("NewDecoder: %v", err)
				}
				before := d.Offset()
				err = c.read(&d)
				if !multiStep[c.name] && d.Offset() != before {
					t.Errorf("failed read advanced from %d to %d", before, d.Offset())
				}
			}
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
			if !strings.HasPrefix(err.Error(), "etf: ") {
				t.Errorf("message %q lacks the etf: prefix", err)
			}
			if !bytes.Equal(c.in, orig) {
				t.Error("decoding modified its input")
			}
		})
	}
}

func TestLatin1Atoms(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
	}{
		{"ATOM_EXT", "83 64 00 01 f6"},
		{"SMALL_ATOM_EXT", "83 73 01 f6"},
		{"ATOM_UTF8_EXT", "83 76 00 02 c3 b6"},
		{"SMALL_ATOM_UTF8_EXT", "83 77 02 c3 b6"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := unhex(c.in)
			d, _ := NewDecoder(in, Limits{})
			if d.IsAtom("o") || d.IsAtom("ö!") || d.IsAtom("") || d.IsAtom("\xf6") {
				t.Fatal("IsAtom matched another name")
			}
			if !d.IsAtom("ö") {
				t.Fatal("IsAtom(ö) = false")
			}
			d, _ = NewDecoder(in, Limits{})
			a, err := d.Atom()
			if err != nil || string(a) != "ö" {
				t.Fatalf("Atom = %q, %v", a, err)
			}
			rec := append(unhex("83 68 01"), in[1:]...)
			d, _ = NewDecoder(rec, Limits{})
			if err := d.Record("ö", 0); err != nil {
				t.Fatalf("Record: %v", err)
			}
			if err := d.Finish(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCompressedTerm(t *testing.T) {
	term := AppendBinary(nil, bytes.Repeat([]byte("chat"), 1000))
	in := compressed(term, 0)
	d, err := NewDecoder(in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.Binary()
	if err != nil || len(v) != 4000 {
		t.Fatalf("Binary: %d bytes, %v", len(v), err)
	}
	if err := d.Finish(); err != nil {
		t.Fatal(err)
	}
	if _, err := NewDecoder(in, Limits{MaxSize: len(term) - 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("inflated size above MaxSize: %v", err)
	}
}

func TestDepthLimit(t *testing.T) {
	in := nestedLists(5)
	d, _ := NewDecoder(in, Limits{MaxDepth: 5})
	if _, _, err := canonical(&d, in); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	d, _ = NewDecoder(in, Limits{MaxDepth: 4})
	if _, _, err := canonical(&d, in); !errors.Is(err, ErrDepth) {
		t.Errorf("over the limit: %v", err)
	}
	// Tuples count too, and a tuple stays open until its last element.
	in = nestedTuples(5)
	d, _ = NewDecoder(in, Limits{MaxDepth: 4})
	if _, _, err := canonical(&d, in); !errors.Is(err, ErrDepth) {
		t.Errorf("tuples over the limit: %v", err)
	}
}

func TestDepthTracksClosedTerms(t *testing.T) {
	// {[], {a}, [1]} closes every inner term: depth returns to 1, then 0.
	in := unhex("83 68 03 6a 68 01 77 01 61 6c 00 00 00 01 61 01 6a")
	d, _ := NewDecoder(in, Limits{})
	steps := []struct {
		read  readFunc
		depth int
	}{
		{readTuple, 1},
		{readList, 2},
		{func(d *Decoder) error { return d.ListEnd() }, 1},
		{readTuple, 2},
		{readAtom, 1},
		{readList, 2},
		{readInt, 2},
		{func(d *Decoder) error { return d.ListEnd() }, 0},
	}
	for i, s := range steps {
		if err := s.read(&d); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if d.Depth() != s.depth {
			t.Fatalf("step %d: depth %d, want %d", i, d.Depth(), s.depth)
		}
	}
	if err := d.Finish(); err != nil {
		t.Fatal(err)
	}
}

func TestStringElementsReadOnlyByInteger(t *testing.T) {
	d, _ := NewDecoder(unhex("83 6b 00 02 61 62"), Limits{})
	if n, err := d.ListStart(); n != 2 || err != nil {
		t.Fatalf("ListStart = %d, %v", n, err)
	}
	if _, err := d.Atom(); !errors.Is(err, ErrUnexpectedTerm) {
		t.Errorf("Atom in a string: %v", err)
	}
	if d.IsAtom("a") || d.PeekKind() != KindInteger {
		t.Error("string element is not an integer")
	}
	if err := d.ListEnd(); !errors.Is(err, ErrUnexpectedTerm) {
		t.Errorf("early ListEnd: %v", err)
	}
	for _, want := range []int64{'a', 'b'} {
		if v, err := d.Integer(); v != want || err != nil {
			t.Fatalf("Integer = %d, %v", v, err)
		}
	}
	if err := d.ListEnd(); err != nil {
		t.Fatal(err)
	}
	if err := d.Finish(); err != nil {
		t.Fatal(err)
	}
}

func TestErrorPath(t *testing.T) {
	err := At(AtIndex(At(Errorf(9, ErrUnknownAtom, "%s", "pending"), "status"), 3), "contacts")
	if got := err.Error(); got != "etf: contacts[3].status at offset 9: unknown atom: pending" {
		t.Errorf("got %q", got)
	}
	if !errors.Is(err, ErrUnknownAtom) {
		t.Error("does not unwrap to the sentinel")
	}
}

// nestedLists returns [[...[]...]] with n lists.
func nestedLists(n int) []byte {
	b := []byte{Version}
	for range n - 1 {
		b = AppendListHeader(b, 1)
	}
	b = AppendNil(b)
	for range n - 1 {
		b = AppendNil(b)
	}
	return b
}

// nestedTuples returns {{...{a}...}} with n tuples.
func nestedTuples(n int) []byte {
	b := []byte{Version}
	for range n {
		b = AppendTupleHeader(b, 1)
	}
	return AppendAtom(b, "a")
}

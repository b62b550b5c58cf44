package der

import (
	"bytes"
	"errors"
	"testing"
)

// readNested reads a SEQUENCE of a [1] constructed element holding an
// INTEGER, then a BOOLEAN, with Descend and Ascend.
func readNested(d *Decoder) (int64, bool, error) {
	o1, err := d.Descend(TagSequence)
	if err != nil {
		return 0, false, err
	}
	o2, err := d.Descend(ClassContext | Constructed | 1)
	if err != nil {
		return 0, false, err
	}
	i, err := d.Integer(TagInteger)
	if err != nil {
		return 0, false, err
	}
	if err := d.Ascend(o2); err != nil {
		return 0, false, err
	}
	b, err := d.Boolean(TagBoolean)
	if err != nil {
		return 0, false, err
	}
	return i, b, d.Ascend(o1)
}

func TestDescendAscend(t *testing.T) {
	long := append(AppendTag(nil, TagOctetString), AppendLength(nil, 300)...)
	long = append(long, make([]byte, 300)...)
	for _, c := range []struct {
		name   string
		in     string
		want   error
		offset int
	}{
		{"short lengths", "30 08 a1 03 02 01 05 01 01 ff", nil, 0},
		{"long length 0x81", "30 81 08 a1 03 02 01 05 01 01 ff", ErrNonMinimalLength, 1},
		{"trailing data inside", "30 09 a1 04 02 01 05 00 01 01 ff", ErrTrailingData, 7},
		{"trailing data after the boolean", "30 09 a1 03 02 01 05 01 01 ff 00", ErrTrailingData, 10},
		{"truncated", "30 09 a1 03 02 01 05 01 01 ff", ErrTruncated, 1},
		{"wrong tag", "31 08 a1 03 02 01 05 01 01 ff", ErrUnexpectedTag, 0},
		{"primitive", "10 08 a1 03 02 01 05 01 01 ff", ErrUnexpectedTag, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := NewDecoder(unhex(c.in), Limits{})
			i, b, err := readNested(&d)
			if c.want == nil {
				if err != nil || i != 5 || !b || d.More() || d.Depth() != 0 {
					t.Fatalf("got %d, %v, %v; more %v, depth %d", i, b, err, d.More(), d.Depth())
				}
				return
			}
			var de *DecodeError
			if !errors.Is(err, c.want) || !errors.As(err, &de) || de.Offset != c.offset {
				t.Fatalf("err = %v, want %v at offset %d", err, c.want, c.offset)
			}
		})
	}
	// A long-form length at the top level.
	in := append(AppendLength(AppendTag(nil, TagSequence), len(long)), long...)
	d := NewDecoder(in, Limits{})
	o, err := d.Descend(TagSequence)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := d.OctetString(TagOctetString); err != nil || len(v) != 300 {
		t.Fatalf("OctetString: %d bytes, %v", len(v), err)
	}
	if err := d.Ascend(o); err != nil || d.More() {
		t.Fatalf("Ascend: %v", err)
	}
}

// mutations returns in, its prefixes and its one-byte changes within its
// first n bytes.
func mutations(in []byte, n int) [][]byte {
	out := [][]byte{in}
	for i := 0; i < len(in) && i < n; i++ {
		out = append(out, in[:i])
		for _, v := range []byte{0x00, 0x1f, 0x30, 0x7f, 0x80, 0x81, 0x82, 0xff, in[i] + 1, in[i] - 1} {
			c := bytes.Clone(in)
			c[i] = v
			out = append(out, c)
		}
	}
	return out
}

func TestCount(t *testing.T) {
	long := append(unhex("04 81 80"), make([]byte, 128)...)
	for _, c := range []struct {
		name string
		in   []byte
		n    int
		want error
	}{
		{"empty", nil, 0, nil},
		{"three", unhex("04 00 02 01 05 30 00"), 3, nil},
		{"long form", append(append(unhex("05 00"), long...), 0x05, 0x00), 3, nil},
		{"high tag", unhex("1f 1f 00 05 00"), 2, nil},
		{"bad second", unhex("04 00 04 81 05 00 00 00 00 00"), 1, ErrNonMinimalLength},
		{"truncated third", unhex("04 00 05 00 04 05 00"), 2, ErrTruncated},
	} {
		d := NewDecoder(c.in, Limits{})
		n, err := d.Count()
		if n != c.n || !errors.Is(err, c.want) || c.want == nil && err != nil {
			t.Errorf("%s: Count = %d, %v; want %d, %v", c.name, n, err, c.n, c.want)
		}
		if d.Offset() != 0 {
			t.Errorf("%s: Count moved the decoder", c.name)
		}
	}
}

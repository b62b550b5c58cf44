package etf

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/chatim/chat/codecs/der"
)

// vector is one term as term_to_binary(T, [{minor_version, 2}]) writes it
// (without the version byte) and the Go value it carries.
type vector struct {
	name string
	enc  func([]byte) []byte
	dec  func(*Decoder) (any, error)
	want any
	etf  string // hex of the term after 131, spaces ignored
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func intVec(v int64, etf string) vector {
	return vector{"integer " + strconv.FormatInt(v, 10), func(b []byte) []byte { return AppendInteger(b, v) },
		func(d *Decoder) (any, error) { return d.Integer() }, v, etf}
}

func atomVec(name, etf string) vector {
	return vector{"atom " + name, func(b []byte) []byte { return AppendAtom(b, name) },
		func(d *Decoder) (any, error) { a, err := d.Atom(); return string(a), err }, name, etf}
}

func uniVec(name, s, etf string) vector {
	return vector{name, func(b []byte) []byte { return AppendUniversalString(b, s) },
		func(d *Decoder) (any, error) { return d.UniversalString() }, s, etf}
}

func charVec(name, s, etf string) vector {
	return vector{name, func(b []byte) []byte { return AppendCharList(b, s) },
		func(d *Decoder) (any, error) { return d.CharList() }, s, etf}
}

func intListVec(name string, v []int64, etf string) vector {
	return vector{name, func(b []byte) []byte { return AppendIntList(b, v) },
		func(d *Decoder) (any, error) { return readIntList(d) }, v, etf}
}

// readIntList reads a list of integers with ListStart, Integer and ListEnd.
func readIntList(d *Decoder) ([]int64, error) {
	n, err := d.ListStart()
	if err != nil {
		return nil, err
	}
	v := make([]int64, n)
	for i := range v {
		if v[i], err = d.Integer(); err != nil {
			return nil, err
		}
	}
	return v, d.ListEnd()
}

var vectors = []vector{
	atomVec("abc", "77 03 61 62 63"),
	atomVec("ö", "77 02 c3 b6"),
	atomVec("", "77 00"),
	atomVec(strings.Repeat("x", 255), "77 ff"+strings.Repeat("78", 255)),
	atomVec(strings.Repeat("ö", 128), "76 01 00"+strings.Repeat("c3b6", 128)),
	{"true", func(b []byte) []byte { return AppendBool(b, true) },
		func(d *Decoder) (any, error) { return d.Bool() }, true, "77 04 74 72 75 65"},
	{"false", func(b []byte) []byte { return AppendBool(b, false) },
		func(d *Decoder) (any, error) { return d.Bool() }, false, "77 05 66 61 6c 73 65"},
	{"NULL", func(b []byte) []byte { return AppendNull(b) },
		func(d *Decoder) (any, error) { return nil, d.Null() }, nil, "77 04 4e 55 4c 4c"},
	intVec(0, "61 00"),
	intVec(255, "61 ff"),
	intVec(256, "62 00 00 01 00"),
	intVec(-1, "62 ff ff ff ff"),
	intVec(1<<27, "62 08 00 00 00"),
	intVec(-1<<27, "62 f8 00 00 00"),
	intVec(1<<31-1, "62 7f ff ff ff"),
	intVec(1<<31, "6e 04 00 00 00 00 80"),
	intVec(-1<<31, "62 80 00 00 00"),
	intVec(-1<<31-1, "6e 04 01 01 00 00 80"),
	intVec(1<<62, "6e 08 00 00 00 00 00 00 00 00 40"),
	intVec(-1<<62, "6e 08 01 00 00 00 00 00 00 00 40"),
	intVec(-1<<63, "6e 08 01 00 00 00 00 00 00 00 80"),
	intVec(1<<63-1, "6e 08 00 ff ff ff ff ff ff ff 7f"),
	{"binary empty", func(b []byte) []byte { return AppendBinary(b, nil) },
		func(d *Decoder) (any, error) { return d.Binary() }, []byte{}, "6d 00 00 00 00"},
	{"binary 3", func(b []byte) []byte { return AppendBinary(b, []byte{1, 2, 3}) },
		func(d *Decoder) (any, error) { return d.Binary() }, []byte{1, 2, 3}, "6d 00 00 00 03 01 02 03"},
	{"bitstring 3 bits", func(b []byte) []byte { return AppendBitString(b, der.BitString{Bytes: []byte{0x20}, Length: 3}) },
		func(d *Decoder) (any, error) { return d.BitString() }, der.BitString{Bytes: []byte{0x20}, Length: 3},
		"4d 00 00 00 01 03 20"},
	{"bitstring 9 bits", func(b []byte) []byte { return AppendBitString(b, der.BitString{Bytes: []byte{0xff, 0x80}, Length: 9}) },
		func(d *Decoder) (any, error) { return d.BitString() }, der.BitString{Bytes: []byte{0xff, 0x80}, Length: 9},
		"4d 00 00 00 02 01 ff 80"},
	{"bitstring whole bytes", func(b []byte) []byte { return AppendBitString(b, der.BitString{Bytes: []byte{7}, Length: 8}) },
		func(d *Decoder) (any, error) { return d.BitString() }, der.BitString{Bytes: []byte{7}, Length: 8},
		"6d 00 00 00 01 07"},
	charVec("string empty", "", "6a"),
	charVec("string abc", "abc", "6b 00 03 61 62 63"),
	charVec("string latin-1 bytes", "\xe9", "6b 00 01 e9"),
	uniVec("universal empty", "", "6a"),
	uniVec("universal latin-1", "aö", "6b 00 02 61 f6"),
	uniVec("universal euro", "a€", "6c 00 00 00 02 61 61 68 04 61 00 61 00 61 20 61 ac 6a"),
	intListVec("int list empty", []int64{}, "6a"),
	intListVec("int list bytes", []int64{97, 98, 99}, "6b 00 03 61 62 63"),
	intListVec("int list [300]", []int64{300}, "6c 00 00 00 01 62 00 00 01 2c 6a"),
	intListVec("int list [1,300]", []int64{1, 300}, "6c 00 00 00 02 61 01 62 00 00 01 2c 6a"),
	{"oid", func(b []byte) []byte { return AppendOID(b, der.OID{1, 2, 840, 113549}) },
		func(d *Decoder) (any, error) { return d.OID() }, der.OID{1, 2, 840, 113549},
		"68 04 61 01 61 02 62 00 00 03 48 62 00 01 bb 8d"},
	{"oid arc above int64", func(b []byte) []byte { return AppendOID(b, der.OID{2, 1<<64 - 1}) },
		func(d *Decoder) (any, error) { return d.OID() }, der.OID{2, 1<<64 - 1},
		"68 02 61 02 6e 08 00 ff ff ff ff ff ff ff ff"},
	{"empty tuple", func(b []byte) []byte { return AppendTupleHeader(b, 0) },
		func(d *Decoder) (any, error) { return d.Tuple() }, 0, "68 00"},
	{"record", func(b []byte) []byte {
		b = AppendTupleHeader(b, 3)
		b = AppendAtom(b, "Contact")
		b = AppendBinary(b, []byte("x"))
		return AppendAtom(b, "asn1_NOVALUE")
	}, func(d *Decoder) (any, error) {
		if err := d.Record("Contact", 2); err != nil {
			return nil, err
		}
		v, err := d.Binary()
		if err != nil {
			return nil, err
		}
		return []any{v, d.IsAtom("asn1_NOVALUE")}, nil
	}, []any{[]byte("x"), true},
		"68 03 77 07 43 6f 6e 74 61 63 74 6d 00 00 00 01 78 77 0c 61 73 6e 31 5f 4e 4f 56 41 4c 55 45"},
	{"list of binaries", func(b []byte) []byte {
		b = AppendListHeader(b, 2)
		b = AppendBinary(b, []byte("x"))
		b = AppendBinary(b, []byte("y"))
		return AppendNil(b)
	}, func(d *Decoder) (any, error) {
		n, err := d.ListStart()
		if err != nil {
			return nil, err
		}
		var v [][]byte
		for range n {
			x, err := d.Binary()
			if err != nil {
				return nil, err
			}
			v = append(v, x)
		}
		return v, d.ListEnd()
	}, [][]byte{[]byte("x"), []byte("y")}, "6c 00 00 00 02 6d 00 00 00 01 78 6d 00 00 00 01 79 6a"},
	{"large tuple", func(b []byte) []byte {
		b = AppendTupleHeader(b, 256)
		for range 256 {
			b = AppendNil(b)
		}
		return b
	}, func(d *Decoder) (any, error) {
		n, err := d.Tuple()
		if err != nil {
			return nil, err
		}
		for range n {
			if _, err := d.ListStart(); err != nil {
				return nil, err
			}
			if err := d.ListEnd(); err != nil {
				return nil, err
			}
		}
		return n, nil
	}, 256, "69 00 00 01 00" + strings.Repeat("6a", 256)},
}

func TestVectorsEncode(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			want := unhex(v.etf)
			if got := v.enc(nil); !bytes.Equal(got, want) {
				t.Fatalf("encode = % x, want % x", got, want)
			}
		})
	}
}

func TestVectorsDecode(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			in := append([]byte{Version}, unhex(v.etf)...)
			orig := bytes.Clone(in)
			d, err := NewDecoder(in, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := v.dec(&d)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(got, v.want) {
				t.Fatalf("decode = %#v, want %#v", got, v.want)
			}
			if err := d.Finish(); err != nil {
				t.Fatalf("finish: %v", err)
			}
			if !bytes.Equal(in, orig) {
				t.Fatal("decoding modified its input")
			}
		})
	}
}

// TestVectorsTruncated cuts every valid term at every offset: each prefix
// must be rejected, never panic.
func TestVectorsTruncated(t *testing.T) {
	for _, v := range vectors {
		full := append([]byte{Version}, unhex(v.etf)...)
		for n := 0; n < len(full); n++ {
			d, err := NewDecoder(full[:n:n], Limits{})
			if err != nil {
				continue
			}
			if _, err := v.dec(&d); err == nil {
				if err = d.Finish(); err == nil {
					t.Errorf("%s: prefix of %d bytes accepted", v.name, n)
				}
			}
			d, _ = NewDecoder(full[:n:n], Limits{})
			if _, _, err := canonical(&d, nil); err == nil {
				t.Errorf("%s: walker accepted a prefix of %d bytes", v.name, n)
			}
		}
	}
}

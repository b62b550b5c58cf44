package der

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
)

// vector is one valid DER encoding and the value it carries.
type vector struct {
	name string
	enc  func([]byte) []byte
	dec  func(*Decoder) (any, error)
	want any
	der  string // hex, spaces ignored
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func intVec(name string, t Tag, v int64, der string) vector {
	return vector{name, func(b []byte) []byte { return AppendInteger(b, t, v) },
		func(d *Decoder) (any, error) { return d.Integer(t) }, v, der}
}

func strVec(name string, t Tag, s string, der string) vector {
	return vector{name, func(b []byte) []byte { return AppendString(b, t, s) },
		func(d *Decoder) (any, error) { return d.String(t) }, s, der}
}

func uniVec(name string, s string, der string) vector {
	return vector{name, func(b []byte) []byte { return AppendUniversalString(b, TagUniversalString, s) },
		func(d *Decoder) (any, error) { return d.UniversalString(TagUniversalString) }, s, der}
}

func octVec(name string, t Tag, v []byte, der string) vector {
	return vector{name, func(b []byte) []byte { return AppendOctetString(b, t, v) },
		func(d *Decoder) (any, error) { return d.OctetString(t) }, v, der}
}

func bitVec(name string, v BitString, der string) vector {
	return vector{name, func(b []byte) []byte { return AppendBitString(b, TagBitString, v) },
		func(d *Decoder) (any, error) { return d.BitString(TagBitString) }, v, der}
}

func oidVec(name string, v OID, der string) vector {
	return vector{name, func(b []byte) []byte { return AppendOID(b, TagOID, v) },
		func(d *Decoder) (any, error) { return d.OID(TagOID) }, v, der}
}

var long200 = bytes.Repeat([]byte{0xab}, 200)

var vectors = []vector{
	intVec("integer 0", TagInteger, 0, "02 01 00"),
	intVec("integer 127", TagInteger, 127, "02 01 7f"),
	intVec("integer 128", TagInteger, 128, "02 02 00 80"),
	intVec("integer 255", TagInteger, 255, "02 02 00 ff"),
	intVec("integer 256", TagInteger, 256, "02 02 01 00"),
	intVec("integer -1", TagInteger, -1, "02 01 ff"),
	intVec("integer -128", TagInteger, -128, "02 01 80"),
	intVec("integer -129", TagInteger, -129, "02 02 ff 7f"),
	intVec("integer max int64", TagInteger, 1<<63-1, "02 08 7f ff ff ff ff ff ff ff"),
	intVec("integer min int64", TagInteger, -1<<63, "02 08 80 00 00 00 00 00 00 00"),
	intVec("enumerated 3", TagEnumerated, 3, "0a 01 03"),
	intVec("implicit [2] integer", ClassContext|2, 5, "82 01 05"),
	intVec("implicit [APPLICATION 40] integer", ClassApplication|40, 1, "5f 28 01 01"),
	intVec("implicit [PRIVATE 200] integer", ClassPrivate|200, 1, "df 81 48 01 01"),
	{"boolean true", func(b []byte) []byte { return AppendBoolean(b, TagBoolean, true) },
		func(d *Decoder) (any, error) { return d.Boolean(TagBoolean) }, true, "01 01 ff"},
	{"boolean false", func(b []byte) []byte { return AppendBoolean(b, TagBoolean, false) },
		func(d *Decoder) (any, error) { return d.Boolean(TagBoolean) }, false, "01 01 00"},
	{"null", func(b []byte) []byte { return AppendNull(b, TagNull) },
		func(d *Decoder) (any, error) { return struct{}{}, d.Null(TagNull) }, struct{}{}, "05 00"},
	{"implicit [1] null", func(b []byte) []byte { return AppendNull(b, ClassContext|1) },
		func(d *Decoder) (any, error) { return struct{}{}, d.Null(ClassContext | 1) }, struct{}{}, "81 00"},
	octVec("octet string empty", TagOctetString, []byte{}, "04 00"),
	octVec("octet string 3", TagOctetString, []byte{1, 2, 3}, "04 03 01 02 03"),
	octVec("octet string 200", TagOctetString, long200, "04 81 c8"+strings.Repeat("ab", 200)),
	strVec("utf8string", TagUTF8String, "héllo", "0c 06 68 c3 a9 6c 6c 6f"),
	strVec("ia5string", TagIA5String, "a@b", "16 03 61 40 62"),
	strVec("printablestring", TagPrintableString, "Hi 1?", "13 05 48 69 20 31 3f"),
	strVec("utctime", TagUTCTime, "250102030405Z", "17 0d 32 35 30 31 30 32 30 33 30 34 30 35 5a"),
	strVec("generalizedtime", TagGeneralizedTime, "20250102030405.5Z",
		"18 11 32 30 32 35 30 31 30 32 30 33 30 34 30 35 2e 35 5a"),
	strVec("implicit [0] string unchecked", ClassContext|0, "\xff", "80 01 ff"),
	uniVec("universal string empty", "", "1c 00"),
	uniVec("universal string ascii", "ab", "1c 08 00 00 00 61 00 00 00 62"),
	uniVec("universal string ö €", "ö€", "1c 08 00 00 00 f6 00 00 20 ac"),
	uniVec("universal string astral", "\U0001F600", "1c 04 00 01 f6 00"),
	bitVec("bit string empty", BitString{Bytes: []byte{}, Length: 0}, "03 01 00"),
	bitVec("bit string 3 bits", BitString{Bytes: []byte{0xa0}, Length: 3}, "03 02 05 a0"),
	bitVec("bit string 16 bits", BitString{Bytes: []byte{0x12, 0x34}, Length: 16}, "03 03 00 12 34"),
	oidVec("oid rsa", OID{1, 2, 840, 113549}, "06 06 2a 86 48 86 f7 0d"),
	oidVec("oid 2.999.3", OID{2, 999, 3}, "06 03 88 37 03"),
	oidVec("oid 0.39", OID{0, 39}, "06 01 27"),
	oidVec("oid large arc", OID{1, 3, 1<<63 + 1}, "06 0b 2b 81 80 80 80 80 80 80 80 80 01"),
	{"sequence of integer and string", func(b []byte) []byte {
		b, s := Begin(b, TagSequence)
		b = AppendInteger(b, TagInteger, 1)
		b = AppendString(b, ClassContext|1, "x")
		return End(b, s)
	}, func(d *Decoder) (any, error) {
		in, err := d.Enter(TagSequence)
		if err != nil {
			return nil, err
		}
		i, err := in.Integer(TagInteger)
		if err != nil {
			return nil, err
		}
		s, err := in.UTF8String(ClassContext | 1)
		if err != nil {
			return nil, err
		}
		return []any{i, s}, in.Finish()
	}, []any{int64(1), "x"}, "30 06 02 01 01 81 01 78"},
	{"explicit [3] sequence long form", func(b []byte) []byte {
		b, s := Begin(b, ClassContext|Constructed|3)
		b = AppendOctetString(b, TagOctetString, long200)
		return End(b, s)
	}, func(d *Decoder) (any, error) {
		in, err := d.Enter(ClassContext | Constructed | 3)
		if err != nil {
			return nil, err
		}
		v, err := in.OctetString(TagOctetString)
		if err != nil {
			return nil, err
		}
		return v, in.Finish()
	}, long200, "a3 81 cb 04 81 c8" + strings.Repeat("ab", 200)},
	{"any", func(b []byte) []byte { return append(b, unhex("30 03 01 01 ff")...) },
		func(d *Decoder) (any, error) { return d.Any() }, unhex("30 03 01 01 ff"), "30 03 01 01 ff"},
}

func TestVectorsEncode(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			want := unhex(v.der)
			got := v.enc(nil)
			if !bytes.Equal(got, want) {
				t.Fatalf("encode = % x, want % x", got, want)
			}
			// Appending after existing bytes leaves them alone.
			prefix := []byte{0xde, 0xad}
			got = v.enc(append([]byte(nil), prefix...))
			if !bytes.Equal(got[:2], prefix) || !bytes.Equal(got[2:], want) {
				t.Fatalf("append after prefix = % x", got)
			}
		})
	}
}

func TestVectorsDecode(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			in := unhex(v.der)
			orig := bytes.Clone(in)
			d := NewDecoder(in, Limits{})
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
			// Every valid vector is also a valid Any.
			d = NewDecoder(in, Limits{})
			a, err := d.Any()
			if err != nil || !bytes.Equal(a, in) {
				t.Fatalf("Any = % x, %v", a, err)
			}
		})
	}
}

// TestVectorsTruncated cuts every valid encoding at every offset: each
// prefix must be rejected with an error, never a panic.
func TestVectorsTruncated(t *testing.T) {
	for _, v := range vectors {
		full := unhex(v.der)
		for n := 0; n < len(full); n++ {
			in := full[:n:n]
			d := NewDecoder(in, Limits{})
			if _, err := v.dec(&d); err == nil {
				if err = d.Finish(); err == nil {
					t.Errorf("%s: prefix of %d bytes accepted", v.name, n)
				}
			}
			d = NewDecoder(in, Limits{})
			if _, err := d.Any(); err == nil {
				t.Errorf("%s: Any accepted a prefix of %d bytes", v.name, n)
			}
		}
	}
}

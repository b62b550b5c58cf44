package jer

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chatim/chat/codecs/der"
)

func TestAppendString(t *testing.T) {
	for in, want := range map[string]string{
		"":            `""`,
		"plain":       `"plain"`,
		"q\"b\\":      `"q\"b\\"`,
		"\n\r\t\x01":  `"\n\r\t\u0001"`,
		"\x7f":        `"\u007f"`,
		"é😀":          `"é😀"`,
		"bad\xffutf8": `"bad` + "\ufffd" + `utf8"`,
		"\u2028":      `"\u2028"`,
	} {
		got := string(AppendString(nil, in))
		if got != want {
			t.Errorf("AppendString(%q) = %s, want %s", in, got, want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("%s is not JSON: %v", got, err)
		}
	}
}

func TestAppendOthers(t *testing.T) {
	if got := string(AppendHex(nil, []byte{0, 0xab, 0x10})); got != `"00ab10"` {
		t.Errorf("AppendHex = %s", got)
	}
	if got := string(AppendBitString(nil, der.BitString{Bytes: []byte{0xa0}, Length: 3})); got != `{"value":"a0","length":3}` {
		t.Errorf("AppendBitString = %s", got)
	}
	if got := string(AppendOID(nil, der.OID{1, 2, 840, 113549})); got != `"1.2.840.113549"` {
		t.Errorf("AppendOID = %s", got)
	}
	if got := string(AppendInt(AppendBool(AppendNull(nil), true), -9)); got != "nulltrue-9" {
		t.Errorf("got %s", got)
	}
}

func TestDecoder(t *testing.T) {
	d := NewDecoder([]byte(`{"a": [1, "x", true, null, "0a"], "b": {"value": "80", "length": 1}, "c": "1.3.6"}`))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(d.ObjectStart())
	k, err := d.Key()
	must(err)
	if k != "a" {
		t.Fatalf("key %q", k)
	}
	must(d.ArrayStart())
	if n, err := d.Int(); err != nil || n != 1 {
		t.Fatalf("Int = %d, %v", n, err)
	}
	if s, err := d.String(); err != nil || s != "x" {
		t.Fatalf("String = %q, %v", s, err)
	}
	if v, err := d.Bool(); err != nil || !v {
		t.Fatalf("Bool = %v, %v", v, err)
	}
	must(d.Null())
	if h, err := d.Hex(); err != nil || len(h) != 1 || h[0] != 10 {
		t.Fatalf("Hex = %v, %v", h, err)
	}
	if d.More() {
		t.Fatal("More at end of array")
	}
	must(d.ArrayEnd())
	_, err = d.Key()
	must(err)
	bs, err := d.BitString()
	must(err)
	if bs.Length != 1 || bs.Bytes[0] != 0x80 {
		t.Fatalf("BitString = %+v", bs)
	}
	_, err = d.Key()
	must(err)
	oid, err := d.OID()
	must(err)
	if oid.String() != "1.3.6" {
		t.Fatalf("OID = %v", oid)
	}
	must(d.ObjectEnd())
	must(d.Finish())
}

func TestDecoderErrors(t *testing.T) {
	cases := []struct {
		in   string
		read func(*Decoder) error
		want error
	}{
		{`"x"`, func(d *Decoder) error { _, err := d.Int(); return err }, ErrUnexpected},
		{`1.5`, func(d *Decoder) error { _, err := d.Int(); return err }, ErrUnexpected},
		{`99999999999999999999`, func(d *Decoder) error { _, err := d.Int(); return err }, ErrIntegerRange},
		{`"zz"`, func(d *Decoder) error { _, err := d.Hex(); return err }, ErrInvalidString},
		{`"1"`, func(d *Decoder) error { _, err := d.OID(); return err }, ErrInvalidString},
		{`"3.1"`, func(d *Decoder) error { _, err := d.OID(); return err }, ErrInvalidString},
		{`{"value":"ff","length":3}`, func(d *Decoder) error { _, err := d.BitString(); return err }, ErrConstraint},
		{`{"value":"ff"}`, func(d *Decoder) error { _, err := d.BitString(); return err }, ErrMissing},
		{`{`, func(d *Decoder) error {
			if err := d.ObjectStart(); err != nil {
				return err
			}
			return d.ObjectEnd()
		}, ErrSyntax},
		{`{]`, func(d *Decoder) error { return walk(d) }, ErrSyntax},
		{`null 1`, func(d *Decoder) error {
			if err := d.Null(); err != nil {
				return err
			}
			return d.Finish()
		}, ErrTrailingData},
		{strings.Repeat("[", 200), func(d *Decoder) error {
			for {
				if err := d.ArrayStart(); err != nil {
					return err
				}
			}
		}, ErrDepth},
	}
	for _, c := range cases {
		err := c.read(NewDecoder([]byte(c.in)))
		if !errors.Is(err, c.want) {
			t.Errorf("%.20s: err = %v, want %v", c.in, err, c.want)
		}
	}
}

func TestErrorPath(t *testing.T) {
	err := At(AtIndex(At(Errorf(5, ErrMissing, "id"), "feed"), 2), "Msg")
	if got := err.Error(); got != "jer: Msg[2].feed at offset 5: missing member: id" {
		t.Fatalf("got %q", got)
	}
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrMissing) {
		t.Fatal("not a DecodeError wrapping ErrMissing")
	}
}

// walk reads any value through the Decoder, as generated code does.
func walk(d *Decoder) error {
	switch {
	case d.ObjectStart() == nil:
		for d.More() {
			if _, err := d.Key(); err != nil {
				return err
			}
			if err := walk(d); err != nil {
				return err
			}
		}
		return d.ObjectEnd()
	case d.ArrayStart() == nil:
		for d.More() {
			if err := walk(d); err != nil {
				return err
			}
		}
		return d.ArrayEnd()
	case d.Null() == nil:
		return nil
	}
	if _, err := d.Bool(); err == nil {
		return nil
	}
	if _, err := d.String(); err == nil {
		return nil
	}
	_, err := d.Int()
	return err
}

func FuzzDecoder(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x",true,null]}`, `[[[]]]`, `"\u00e9"`, `{"value":"80","length":1}`, `-0`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(data)
		if walk(d) == nil && d.Finish() == nil && !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		_, _ = NewDecoder(data).BitString()
		_, _ = NewDecoder(data).OID()
	})
}

func FuzzAppendString(f *testing.F) {
	f.Add("a\"\\\x00\xff😀")
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q -> %s: %v", s, out, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("%q -> %s -> %q", s, out, back)
		}
	})
}

package der

import (
	"bytes"
	"fmt"
	"testing"
	"unicode/utf8"
)

// fastTags are the tags the fast paths are checked with: universal and
// context, primitive and constructed, and a high tag number.
var fastTags = []Tag{TagOctetString, TagInteger, TagEnumerated, TagNull, TagSequence,
	ClassContext | 1, ClassContext | Constructed | 1, ClassContext | 31, ClassContext | Constructed | 31}

// checkFastPaths checks, at the start of in, that every fast path agrees
// with the slow path it shortcuts: the same result, error and position,
// and no change to the decoder when it declines; and that validUTF8
// agrees with utf8.Valid on in.
func checkFastPaths(in []byte, maxDepth int) error {
	orig := bytes.Clone(in)
	newDec := func() Decoder { return NewDecoder(in, Limits{MaxDepth: maxDepth}) }
	same := func(what string, a, b error) error {
		if (a == nil) != (b == nil) || a != nil && a.Error() != b.Error() {
			return fmt.Errorf("%s: fast %v, slow %v", what, a, b)
		}
		return nil
	}
	// parseHeader against its slow path, at the first offsets.
	for p := 0; p <= len(in) && p < 16; p++ {
		h, err := parseHeader(in, p)
		hs, errs := parseHeaderSlow(in, p)
		if err := same(fmt.Sprintf("parseHeader at %d", p), err, errs); err != nil {
			return err
		}
		if err == nil && h != hs {
			return fmt.Errorf("parseHeader at %d: %+v, slow %+v", p, h, hs)
		}
	}
	d := newDec()
	if t, ok := d.PeekTag(); ok != (len(in) > 0 && func() bool { _, _, err := parseTag(in, 0); return err == nil }()) {
		return fmt.Errorf("PeekTag ok = %v", ok)
	} else if ok {
		if ts, _, _ := parseTag(in, 0); ts != t {
			return fmt.Errorf("PeekTag = %v, parseTag %v", t, ts)
		}
		if id, low := Identifier(t); low && d.PeekIdentifier() != id {
			return fmt.Errorf("PeekIdentifier = %#x, want %#x", d.PeekIdentifier(), id)
		}
	}
	n, err := d.Count()
	c, ns := newDec(), 0
	var errs error
	for ; c.More(); ns++ {
		if errs = c.skipSlow(); errs != nil {
			break
		}
	}
	if err := same("Count", err, errs); err != nil {
		return err
	}
	if n != ns {
		return fmt.Errorf("Count = %d, slow %d", n, ns)
	}
	for _, t := range fastTags {
		// element against expect.
		d := newDec()
		s, e, err := d.element(t)
		h, errs := d.expect(t)
		if err := same(fmt.Sprintf("element(%v)", t), err, errs); err != nil {
			return err
		}
		if err == nil && (s != h.start || e != h.end) {
			return fmt.Errorf("element(%v) = %d, %d; expect %+v", t, s, e, h)
		}
		// Descend against constructed.
		d, ds := newDec(), newDec()
		_, err = d.Descend(t)
		s, e, errs = ds.constructed(t)
		if err := same(fmt.Sprintf("Descend(%v)", t), err, errs); err != nil {
			return err
		}
		if err == nil && (d.pos != s || len(d.data) != e || d.Depth() != 1) {
			return fmt.Errorf("Descend(%v) at %d..%d depth %d, want %d..%d", t, d.pos, len(d.data), d.Depth(), s, e)
		}
		if err != nil && (d.pos != 0 || d.Depth() != 0) {
			return fmt.Errorf("failed Descend(%v) moved the decoder", t)
		}
		// The typed readers against their slow paths.
		d, ds = newDec(), newDec()
		v, err := d.OctetString(t)
		vs, errs := ds.octetStringSlow(t)
		if err := same(fmt.Sprintf("OctetString(%v)", t), err, errs); err != nil {
			return err
		}
		if !bytes.Equal(v, vs) || d.pos != ds.pos {
			return fmt.Errorf("OctetString(%v) differs from its slow path", t)
		}
		d, ds = newDec(), newDec()
		i, err := d.Integer(t)
		is, errs := ds.integerSlow(t)
		if err := same(fmt.Sprintf("Integer(%v)", t), err, errs); err != nil {
			return err
		}
		if i != is || d.pos != ds.pos {
			return fmt.Errorf("Integer(%v) = %d at %d, slow %d at %d", t, i, d.pos, is, ds.pos)
		}
		d, ds = newDec(), newDec()
		if err := same(fmt.Sprintf("Null(%v)", t), d.Null(t), ds.nullSlow(t)); err != nil {
			return err
		}
		if d.pos != ds.pos {
			return fmt.Errorf("Null(%v) at %d, slow at %d", t, d.pos, ds.pos)
		}
		// The Try methods decline or agree with the full methods.
		id, low := Identifier(t)
		if !low {
			continue
		}
		d, ds = newDec(), newDec()
		if v, ok := d.TryOctetString(id); ok {
			vs, err := ds.OctetString(t)
			if err != nil || !bytes.Equal(v, vs) || d.pos != ds.pos {
				return fmt.Errorf("TryOctetString(%#x) accepts what OctetString(%v) reads as %v", id, t, err)
			}
		} else if d.pos != 0 {
			return fmt.Errorf("declining TryOctetString(%#x) moved the decoder", id)
		}
		d, ds = newDec(), newDec()
		if v, ok := d.TryInteger(id); ok {
			vs, err := ds.Integer(t)
			if err != nil || v != vs || d.pos != ds.pos {
				return fmt.Errorf("TryInteger(%#x) = %d, Integer(%v) = %d, %v", id, v, t, vs, err)
			}
		} else if d.pos != 0 {
			return fmt.Errorf("declining TryInteger(%#x) moved the decoder", id)
		}
		d, ds = newDec(), newDec()
		if d.TryNull(id) {
			if err := ds.Null(t); err != nil || d.pos != ds.pos {
				return fmt.Errorf("TryNull(%#x) accepts what Null(%v) rejects: %v", id, t, err)
			}
		} else if d.pos != 0 {
			return fmt.Errorf("declining TryNull(%#x) moved the decoder", id)
		}
		if t.IsConstructed() {
			d, ds = newDec(), newDec()
			if _, ok := d.TryDescend(id); ok {
				if _, err := ds.Descend(t); err != nil || d.pos != ds.pos || len(d.data) != len(ds.data) || d.left != ds.left {
					return fmt.Errorf("TryDescend(%#x) accepts what Descend(%v) reads as %v", id, t, err)
				}
			} else if d.pos != 0 || d.Depth() != 0 {
				return fmt.Errorf("declining TryDescend(%#x) moved the decoder", id)
			}
		}
	}
	if validUTF8(in) != utf8.Valid(in) {
		return fmt.Errorf("validUTF8 = %v", validUTF8(in))
	}
	if !bytes.Equal(in, orig) {
		return fmt.Errorf("decoding modified its input")
	}
	return nil
}

// fastSeeds are encodings around the fast paths' limits: short and long
// lengths, one-octet and longer integers, high tags, nesting.
func fastSeeds() [][]byte {
	long := func(prefix string, n int) []byte { return append(unhex(prefix), make([]byte, n)...) }
	seeds := [][]byte{
		unhex("04 03 61 62 63"), unhex("04 00"), unhex("02 01 05"), unhex("02 01 ff"), unhex("02 02 00 80"),
		unhex("02 08 7f ff ff ff ff ff ff ff"), unhex("0a 01 02"), unhex("05 00"), unhex("81 01 00"),
		unhex("30 08 a1 03 02 01 05 01 01 ff"), unhex("a1 00"), unhex("bf 1f 00"), unhex("9f 1f 01 00"),
		long("04 81 80", 128), long("04 81 ff", 255), long("30 82 01 00", 256), long("a1 82 ff ff", 65535),
		long("04 83 01 00 00", 65536), nested(3),
	}
	for _, v := range vectors {
		seeds = append(seeds, unhex(v.der))
	}
	for _, c := range badInputs {
		seeds = append(seeds, unhex(c.in))
	}
	return seeds
}

func TestFastPathsAgree(t *testing.T) {
	for _, s := range fastSeeds() {
		for _, in := range mutations(s, 8) {
			for _, depth := range []int{1, 2} {
				if err := checkFastPaths(in, depth); err != nil {
					t.Fatalf("% x: %v", in, err)
				}
			}
		}
	}
	if err := checkFastPaths(unhex("04 01 00"), 0); err != nil {
		t.Fatal(err)
	}
	big := NewDecoder(unhex("30 00"), Limits{MaxSize: 1})
	if _, ok := big.TryDescend(0x30); ok {
		t.Error("TryDescend reads an input over MaxSize")
	}
	if _, ok := big.TryOctetString(0x30); ok || big.PeekIdentifier() != 0 {
		t.Error("TryOctetString or PeekIdentifier read an input over MaxSize")
	}
}

// FuzzFastPaths checks on arbitrary input that every fast path of the
// Decoder agrees with the slow path it shortcuts.
func FuzzFastPaths(f *testing.F) {
	for _, s := range fastSeeds() {
		if len(s) < 1024 {
			f.Add(s, uint8(2))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte, depth uint8) {
		if err := checkFastPaths(in, int(depth%4)+1); err != nil {
			t.Fatalf("% x: %v", in, err)
		}
	})
}

func TestIdentifier(t *testing.T) {
	for _, c := range []struct {
		tag Tag
		id  byte
		ok  bool
	}{
		{TagOctetString, 0x04, true},
		{TagSequence, 0x30, true},
		{ClassContext | Constructed | 4, 0xa4, true},
		{ClassApplication | 30, 0x5e, true},
		{ClassPrivate | Constructed | 2, 0xe2, true},
		{ClassContext | 31, 0, false},
	} {
		if id, ok := Identifier(c.tag); id != c.id || ok != c.ok {
			t.Errorf("Identifier(%v) = %#x, %v; want %#x, %v", c.tag, id, ok, c.id, c.ok)
		}
		if c.ok {
			if got := AppendTag(nil, c.tag); len(got) != 1 || got[0] != c.id {
				t.Errorf("AppendTag(%v) = % x, Identifier %#x", c.tag, got, c.id)
			}
		}
	}
}

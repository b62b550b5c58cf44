package etf

import "testing"

func BenchmarkAppendAtom(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendAtom(buf[:0], "asn1_NOVALUE")
	}
}

func BenchmarkDecodeAtom(b *testing.B) {
	in := AppendAtom(AppendVersion(nil), "asn1_NOVALUE")
	b.ReportAllocs()
	for b.Loop() {
		d, _ := NewDecoder(in, Limits{})
		if !d.IsAtom("asn1_NOVALUE") {
			b.Fatal("IsAtom")
		}
	}
}

func BenchmarkDecodeLatin1Atom(b *testing.B) {
	in := []byte{Version, tagAtom, 0, 5, 'h', 0xe9, 'l', 'l', 'o'}
	b.ReportAllocs()
	for b.Loop() {
		d, _ := NewDecoder(in, Limits{})
		if !d.IsAtom("héllo") {
			b.Fatal("IsAtom")
		}
	}
}

func contactRecord() []byte {
	b := AppendVersion(nil)
	b = AppendTupleHeader(b, 4)
	b = AppendAtom(b, "Contact")
	b = AppendBinary(b, []byte("alice@example.org"))
	b = AppendInteger(b, 1<<40)
	return AppendAtom(b, "asn1_NOVALUE")
}

func BenchmarkAppendRecord(b *testing.B) {
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		out := AppendVersion(buf[:0])
		out = AppendTupleHeader(out, 4)
		out = AppendAtom(out, "Contact")
		out = AppendBinary(out, []byte("alice@example.org"))
		out = AppendInteger(out, 1<<40)
		buf = AppendAtom(out, "asn1_NOVALUE")
	}
}

func BenchmarkDecodeRecord(b *testing.B) {
	in := contactRecord()
	b.ReportAllocs()
	for b.Loop() {
		d, _ := NewDecoder(in, Limits{})
		if err := d.Record("Contact", 3); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Binary(); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Integer(); err != nil {
			b.Fatal(err)
		}
		if !d.IsAtom("asn1_NOVALUE") {
			b.Fatal("IsAtom")
		}
		if err := d.Finish(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeList(b *testing.B) {
	v := make([]int64, 100)
	for i := range v {
		v[i] = int64(i) * 1000
	}
	in := AppendIntList(AppendVersion(nil), v)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d, _ := NewDecoder(in, Limits{})
		n, _ := d.ListStart()
		for range n {
			if _, err := d.Integer(); err != nil {
				b.Fatal(err)
			}
		}
		if err := d.ListEnd(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendIntList(b *testing.B) {
	v := make([]int64, 100)
	for i := range v {
		v[i] = int64(i) * 1000
	}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendIntList(buf[:0], v)
	}
}

func BenchmarkDecodeUniversalString(b *testing.B) {
	in := AppendUniversalString(AppendVersion(nil), "Привіт, світ! Hello, world!")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d, _ := NewDecoder(in, Limits{})
		if _, err := d.UniversalString(); err != nil {
			b.Fatal(err)
		}
	}
}

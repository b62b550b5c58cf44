package der

import "testing"

func BenchmarkAppendInteger(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		buf = AppendInteger(buf[:0], TagInteger, int64(i)*1000003)
	}
}

func BenchmarkBeginEnd(b *testing.B) {
	buf := make([]byte, 0, 512)
	payload := make([]byte, 200)
	b.ReportAllocs()
	for b.Loop() {
		out, s := Begin(buf[:0], TagSequence)
		out = AppendInteger(out, TagInteger, 42)
		out = AppendOctetString(out, TagOctetString, payload)
		buf = End(out, s)
	}
}

func BenchmarkDecodeInteger(b *testing.B) {
	in := AppendInteger(nil, TagInteger, 1<<40+12345)
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(in, Limits{})
		if _, err := d.Integer(TagInteger); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeOctetString(b *testing.B) {
	in := AppendOctetString(nil, TagOctetString, make([]byte, 1024))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(in, Limits{})
		if _, err := d.OctetString(TagOctetString); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeUniversalString(b *testing.B) {
	in := AppendUniversalString(nil, TagUniversalString, "Привіт, світ! Hello, world! ö€")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(in, Limits{})
		if _, err := d.UniversalString(TagUniversalString); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendUniversalString(b *testing.B) {
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendUniversalString(buf[:0], TagUniversalString, "Привіт, світ! Hello, world! ö€")
	}
}

func BenchmarkAny(b *testing.B) {
	in := nested(20)
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(in, Limits{})
		if _, err := d.Any(); err != nil {
			b.Fatal(err)
		}
	}
}

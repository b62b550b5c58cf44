package baseline

import (
	"encoding/asn1"
	"testing"
)

func BenchmarkHandEncode(b *testing.B) {
	m := Sample()
	buf := m.AppendDER(nil)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = m.AppendDER(buf[:0])
	}
}

func BenchmarkHandDecode(b *testing.B) {
	m := Sample()
	buf := m.AppendDER(nil)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	var v TextMessage
	for b.Loop() {
		if err := v.UnmarshalDER(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStdlibEncode(b *testing.B) {
	m := Sample()
	s := m.Std()
	buf, _ := asn1.Marshal(s)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := asn1.Marshal(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStdlibDecode(b *testing.B) {
	m := Sample()
	buf, _ := asn1.Marshal(m.Std())
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		var s StdCHATMessage
		if _, err := asn1.Unmarshal(buf, &s); err != nil {
			b.Fatal(err)
		}
	}
}

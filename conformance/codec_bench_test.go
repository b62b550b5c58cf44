package conformance_test

import (
	"encoding/asn1"
	"testing"

	"github.com/chatim/chat/conformance"
	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/baseline"
)

// BenchmarkCodec measures the generated codecs on the shared samples. Run
// together with BenchmarkBaseline and BenchmarkErlang* so that every ratio
// in BENCHMARKS.md comes from one run.
func BenchmarkCodec(b *testing.B) {
	for _, s := range benchSamples {
		der := s.v.AppendDER(nil)
		etf := s.v.AppendETF(nil)
		b.Run(s.name+"/DER-Encode", func(b *testing.B) {
			buf := make([]byte, 0, len(der))
			b.SetBytes(int64(len(der)))
			b.ReportAllocs()
			for b.Loop() {
				buf = s.v.AppendDER(buf[:0])
			}
		})
		b.Run(s.name+"/DER-Decode", func(b *testing.B) {
			b.SetBytes(int64(len(der)))
			b.ReportAllocs()
			v := newValue(b, s.v.ASN1Type()) // reused, as the baseline's value lives on the stack
			for b.Loop() {
				if err := v.UnmarshalDER(der); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/DER-DecodeNoCopy", func(b *testing.B) {
			b.SetBytes(int64(len(der)))
			b.ReportAllocs()
			v := newValue(b, s.v.ASN1Type())
			for b.Loop() {
				if err := v.UnmarshalDERNoCopy(der); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/ETF-Encode", func(b *testing.B) {
			buf := make([]byte, 0, len(etf))
			b.SetBytes(int64(len(etf)))
			b.ReportAllocs()
			for b.Loop() {
				buf = s.v.AppendETF(buf[:0])
			}
		})
		b.Run(s.name+"/ETF-Decode", func(b *testing.B) {
			b.SetBytes(int64(len(etf)))
			b.ReportAllocs()
			v := newValue(b, s.v.ASN1Type()) // reused, as the baseline's value lives on the stack
			for b.Loop() {
				if err := v.UnmarshalETF(etf); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/ETF-DecodeNoCopy", func(b *testing.B) {
			b.SetBytes(int64(len(etf)))
			b.ReportAllocs()
			v := newValue(b, s.v.ASN1Type())
			for b.Loop() {
				if err := v.UnmarshalETFNoCopy(etf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// smallAsText is SmallMessage in the hand-written baseline's shape.
func smallAsText(tb testing.TB) (baseline.TextMessage, []byte) {
	der := conformance.SmallMessage().AppendDER(nil)
	var m baseline.TextMessage
	if err := m.UnmarshalDER(der); err != nil {
		tb.Fatalf("SmallMessage is not in the baseline's shape: %v", err)
	}
	return m, der
}

// BenchmarkBaseline measures, on SmallMessage's exact bytes, the floor (a
// hand-written append encoder and cursor decoder) and Go's reflection-based
// encoding/asn1.
func BenchmarkBaseline(b *testing.B) {
	m, der := smallAsText(b)
	b.Run("SmallMessage/Hand-Encode", func(b *testing.B) {
		buf := make([]byte, 0, len(der))
		b.SetBytes(int64(len(der)))
		b.ReportAllocs()
		for b.Loop() {
			buf = m.AppendDER(buf[:0])
		}
	})
	b.Run("SmallMessage/Hand-Decode", func(b *testing.B) {
		b.SetBytes(int64(len(der)))
		b.ReportAllocs()
		for b.Loop() {
			var v baseline.TextMessage
			if err := v.UnmarshalDER(der); err != nil {
				b.Fatal(err)
			}
		}
	})
	std := m.Std()
	b.Run("SmallMessage/Stdlib-Encode", func(b *testing.B) {
		b.SetBytes(int64(len(der)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := asn1.Marshal(std); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SmallMessage/Stdlib-Decode", func(b *testing.B) {
		b.SetBytes(int64(len(der)))
		b.ReportAllocs()
		for b.Loop() {
			var s baseline.StdCHATMessage
			if _, err := asn1.Unmarshal(der, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// newValue returns a fresh zero value of the named type.
func newValue(tb testing.TB, name string) chat.Value {
	v, ok := chat.New(name)
	if !ok {
		tb.Fatalf("unknown type %s", name)
	}
	return v
}

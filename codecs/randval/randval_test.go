package randval

import (
	"math"
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/chatim/chat/codecs/der"
)

// TestEdgeCoverage checks that a few thousand draws reach the edge cases
// the conformance tests rely on, and that every value is valid DER.
func TestEdgeCoverage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var minInt, maxInt, longLen, astral, emptyList bool
	for range 5000 {
		switch Int(r, 0) {
		case math.MinInt64:
			minInt = true
		case math.MaxInt64:
			maxInt = true
		}
		if len(Octets(r, 0)) >= 256 {
			longLen = true
		}
		s := Text(r, 0)
		if !utf8.ValidString(s) {
			t.Fatalf("Text gave invalid UTF-8 %q", s)
		}
		for _, c := range s {
			astral = astral || c > 0xFFFF
		}
		if len(List(r, 0, Int)) == 0 {
			emptyList = true
		}
		d := der.NewDecoder(der.AppendOID(nil, der.TagOID, OID(r, 0)), der.Limits{})
		if _, err := d.OID(der.TagOID); err != nil {
			t.Fatalf("OID: %v", err)
		}
		d = der.NewDecoder(der.AppendBitString(nil, der.TagBitString, BitString(r, 0)), der.Limits{})
		if _, err := d.BitString(der.TagBitString); err != nil {
			t.Fatalf("BitString: %v", err)
		}
		d = der.NewDecoder(Any(r, 0), der.Limits{})
		if _, err := d.Any(); err != nil || d.Finish() != nil {
			t.Fatalf("Any is not one valid TLV: %v", err)
		}
	}
	if !minInt || !maxInt || !longLen || !astral || !emptyList {
		t.Fatalf("edges reached: min int %v, max int %v, length >= 256 %v, astral %v, empty list at depth 0 %v",
			minInt, maxInt, longLen, astral, emptyList)
	}
}

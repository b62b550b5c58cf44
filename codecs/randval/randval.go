// Package randval generates random values of the ASN.1 built-in types,
// biased to the edge cases of DER and ETF (length boundaries, integer
// boundaries, non-ASCII and astral characters, empty lists). The random
// value packages the generator emits (generated/<module>/<module>rand)
// call it for every built-in occurrence; it does not depend on any module.
package randval

import (
	"math"
	"math/rand/v2"
	"strings"

	"github.com/chatim/chat/codecs/der"
)

// Budget is the recursion depth a generated New gives a value: lists are empty,
// OPTIONAL components absent and CHOICEs take a non-recursive alternative
// once it is spent.
const Budget = 4

// edgeInts are the integers that exercise every DER and ETF integer form.
var edgeInts = []int64{
	0, 1, -1, 127, -127, -128, 128, 255, 256, -256, 65535, 65536,
	1 << 31, -(1 << 31), 1<<31 - 1, -(1 << 31) - 1, 1 << 32,
	1 << 62, -(1 << 62), math.MaxInt64, math.MinInt64,
}

// edgeLens are byte lengths that take every DER length form.
var edgeLens = []int{0, 1, 2, 127, 128, 255, 256, 300}

// Int returns an integer, half the time one of the DER/ETF boundary values.
func Int(r *rand.Rand, _ int) int64 {
	switch r.IntN(4) {
	case 0, 1:
		return edgeInts[r.IntN(len(edgeInts))]
	case 2:
		return int64(r.IntN(1000))
	}
	return int64(r.Uint64())
}

// Bool returns true or false.
func Bool(r *rand.Rand, _ int) bool { return r.IntN(2) == 0 }

// Null returns the NULL value.
func Null(*rand.Rand, int) struct{} { return struct{}{} }

// randLen returns a string length: mostly short, sometimes an edge length,
// rarely 70000 (a three-byte DER length).
func randLen(r *rand.Rand) int {
	switch n := r.IntN(256); {
	case n == 0:
		return 70000
	case n < 64:
		return edgeLens[r.IntN(len(edgeLens))]
	default:
		return r.IntN(24)
	}
}

// Octets returns bytes of a random, often boundary, length.
func Octets(r *rand.Rand, _ int) []byte {
	n := randLen(r)
	if n == 0 {
		return nil
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// randRune returns an ASCII, Latin-1, BMP or astral code point (never a
// surrogate).
func randRune(r *rand.Rand) rune {
	switch r.IntN(4) {
	case 0:
		return rune(0x20 + r.IntN(0x5f))
	case 1:
		return rune(r.IntN(0x100))
	case 2:
		c := rune(0x100 + r.IntN(0xfeff))
		if c >= 0xd800 && c <= 0xdfff {
			c -= 0x800
		}
		return c
	}
	return rune(0x10000 + r.IntN(0x100000))
}

// Text returns a string of n code points.
func Text(r *rand.Rand, _ int) string {
	n := randLen(r)
	if n > 1000 {
		n = 1000
	}
	var b strings.Builder
	switch r.IntN(4) {
	case 0:
		for i := 0; i < n; i++ {
			b.WriteByte(byte(0x20 + r.IntN(0x5f)))
		}
	case 1:
		for i := 0; i < n; i++ {
			b.WriteRune(rune(r.IntN(0x100)))
		}
	default:
		for i := 0; i < n; i++ {
			b.WriteRune(randRune(r))
		}
	}
	return b.String()
}

func randChars(r *rand.Rand, alphabet string) string {
	n := randLen(r)
	if n > 1000 {
		n = 1000
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	printable = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?"
	visible   = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
)

// IA5 returns an IA5String (ASCII).
func IA5(r *rand.Rand, _ int) string {
	n := randLen(r)
	if n > 1000 {
		n = 1000
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(0x80))
	}
	return string(b)
}

// Printable returns a PrintableString.
func Printable(r *rand.Rand, _ int) string { return randChars(r, printable) }

// Visible returns a VisibleString.
func Visible(r *rand.Rand, _ int) string { return randChars(r, visible) }

// Numeric returns a NumericString.
func Numeric(r *rand.Rand, _ int) string { return randChars(r, "0123456789 ") }

func twoDigits(r *rand.Rand, n int) string {
	v := r.IntN(n)
	return string([]byte{byte('0' + v/10), byte('0' + v%10)})
}

// UTCTime returns a UTCTime in DER form.
func UTCTime(r *rand.Rand, _ int) string {
	return twoDigits(r, 100) + "0" + string(rune('1'+r.IntN(9))) + "1" + string(rune('0'+r.IntN(9))) +
		twoDigits(r, 24) + twoDigits(r, 60) + twoDigits(r, 60) + "Z"
}

// GeneralizedTime returns a GeneralizedTime in DER form.
func GeneralizedTime(r *rand.Rand, _ int) string {
	return "2" + string(rune('0'+r.IntN(10))) + twoDigits(r, 100) + UTCTime(r, 0)[2:]
}

// BitString returns a BIT STRING with zeroed unused bits.
func BitString(r *rand.Rand, _ int) der.BitString {
	b := Octets(r, 0)
	if len(b) == 0 {
		return der.BitString{}
	}
	unused := r.IntN(8)
	b[len(b)-1] &^= byte(1<<unused) - 1
	return der.BitString{Bytes: b, Length: 8*len(b) - unused}
}

// OID returns a valid OBJECT IDENTIFIER.
func OID(r *rand.Rand, _ int) der.OID {
	first := uint64(r.IntN(3))
	second := uint64(r.IntN(40))
	if first == 2 {
		second = uint64(r.IntN(1000))
	}
	oid := der.OID{first, second}
	for n := r.IntN(6); n > 0; n-- {
		if r.IntN(4) == 0 {
			oid = append(oid, r.Uint64()>>1)
		} else {
			oid = append(oid, uint64(r.IntN(200)))
		}
	}
	return oid
}

// Any returns one complete DER element.
func Any(r *rand.Rand, _ int) []byte {
	switch r.IntN(3) {
	case 0:
		return der.AppendInteger(nil, der.TagInteger, Int(r, 0))
	case 1:
		return der.AppendOctetString(nil, der.TagOctetString, Octets(r, 0))
	}
	b, start := der.Begin(nil, der.TagSequence)
	b = der.AppendNull(b, der.TagNull)
	b = der.AppendString(b, der.TagUTF8String, Text(r, 0))
	return der.End(b, start)
}

// List returns a list of random length built by elem; empty once the
// depth budget is spent.
func List[T any](r *rand.Rand, depth int, elem func(*rand.Rand, int) T) []T {
	if depth <= 0 {
		return nil
	}
	var n int
	switch x := r.IntN(20); {
	case x < 8:
		return nil
	case x < 13:
		n = 1
	case x < 16:
		n = 2
	default:
		n = 3 + r.IntN(4)
	}
	s := make([]T, n)
	for i := range s {
		s[i] = elem(r, depth-1)
	}
	return s
}

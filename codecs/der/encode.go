package der

import (
	"math/bits"
	"unicode/utf8"
)

// AppendTag appends the identifier octets of t (X.690 §8.1.2), using the
// high-tag-number form only for numbers of 31 and above.
func AppendTag(b []byte, t Tag) []byte {
	if t&lowTagMask < 31 {
		return append(b, lowTagByte(t))
	}
	return appendHighTag(b, t)
}

// lowTagMask selects the tag number bits.
const lowTagMask = Constructed - 1

// lowTagByte is the single identifier octet of a tag whose number is
// below 31: class and constructed bits from the top of t, the number below.
func lowTagByte(t Tag) byte { return byte(t>>24)&0xe0 | byte(t) }

// appendHighTag appends an identifier in the high-tag-number form.
func appendHighTag(b []byte, t Tag) []byte {
	first := byte(t>>24) & 0xc0
	if t.IsConstructed() {
		first |= 0x20
	}
	n := t.Number()
	b = append(b, first|0x1f)
	shift := (bits.Len32(n) - 1) / 7 * 7
	for ; shift > 0; shift -= 7 {
		b = append(b, 0x80|byte(n>>uint(shift)))
	}
	return append(b, byte(n)&0x7f)
}

// lengthSize returns the number of octets AppendLength writes for n.
func lengthSize(n int) int {
	if n < 0x80 {
		return 1
	}
	return 1 + (bits.Len64(uint64(n))+7)/8
}

// AppendLength appends the definite length n in its minimal form (§10.1).
// A negative n is written as zero.
func AppendLength(b []byte, n int) []byte {
	if n < 0 {
		n = 0
	}
	if n < 0x80 {
		return append(b, byte(n))
	}
	k := (bits.Len64(uint64(n)) + 7) / 8
	b = append(b, 0x80|byte(k))
	for i := k - 1; i >= 0; i-- {
		b = append(b, byte(uint64(n)>>(8*uint(i))))
	}
	return b
}

// Begin appends the identifier of t and a one-octet placeholder length, and
// returns the extended slice with the offset where the contents start.
// The caller appends the contents and calls End with that offset.
func Begin(b []byte, t Tag) ([]byte, int) {
	if t&lowTagMask < 31 {
		b = append(b, lowTagByte(t), 0)
		return b, len(b)
	}
	b = append(appendHighTag(b, t), 0)
	return b, len(b)
}

var zeros [8]byte

// End patches the length written by Begin for the contents b[start:],
// moving the contents up when the long form is needed.
func End(b []byte, start int) []byte {
	if n := len(b) - start; n < 0x80 {
		b[start-1] = byte(n)
		return b
	}
	return endLong(b, start)
}

// endLong is End for contents of 128 octets or more.
func endLong(b []byte, start int) []byte {
	n := len(b) - start
	if n < 0x100 {
		b = append(b, 0)
		copy(b[start+1:], b[start:start+n])
		b[start-1], b[start] = 0x81, byte(n)
		return b
	}
	if n < 0x10000 {
		b = append(b, 0, 0)
		copy(b[start+2:], b[start:start+n])
		b[start-1], b[start], b[start+1] = 0x82, byte(n>>8), byte(n)
		return b
	}
	k := (bits.Len64(uint64(n)) + 7) / 8
	b = append(b, zeros[:k]...)
	copy(b[start+k:], b[start:start+n])
	b[start-1] = 0x80 | byte(k)
	for i := 0; i < k; i++ {
		b[start+i] = byte(uint64(n) >> (8 * uint(k-1-i)))
	}
	return b
}

// integerSize returns the number of octets of the minimal two's complement
// encoding of v (§8.3.2).
func integerSize(v int64) int {
	if v < 0 {
		v = ^v
	}
	return bits.Len64(uint64(v))/8 + 1
}

// AppendInteger appends an INTEGER (or ENUMERATED, with t = TagEnumerated or
// an implicit tag) in minimal two's complement form.
func AppendInteger(b []byte, t Tag, v int64) []byte {
	if t&lowTagMask < 31 && -128 <= v && v <= 127 {
		return append(b, lowTagByte(t), 1, byte(v))
	}
	return appendIntegerSlow(b, t, v)
}

func appendIntegerSlow(b []byte, t Tag, v int64) []byte {
	n := integerSize(v)
	b = AppendTag(b, t)
	b = append(b, byte(n))
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*uint(i))))
	}
	return b
}

// AppendBoolean appends a BOOLEAN: FF for true, 00 for false (§11.1).
func AppendBoolean(b []byte, t Tag, v bool) []byte {
	b = AppendTag(b, t)
	if v {
		return append(b, 1, 0xff)
	}
	return append(b, 1, 0)
}

// AppendNull appends a NULL.
func AppendNull(b []byte, t Tag) []byte {
	return append(AppendTag(b, t), 0)
}

// AppendOctetString appends an OCTET STRING in primitive form.
func AppendOctetString(b []byte, t Tag, v []byte) []byte {
	if t&lowTagMask < 31 && len(v) < 0x80 {
		return append(append(b, lowTagByte(t), byte(len(v))), v...)
	}
	return append(AppendLength(AppendTag(b, t), len(v)), v...)
}

// AppendString appends a character string whose DER contents are the bytes
// of s as they are: UTF8String, IA5String, PrintableString, UTCTime,
// GeneralizedTime.
func AppendString(b []byte, t Tag, s string) []byte {
	b = AppendLength(AppendTag(b, t), len(s))
	return append(b, s...)
}

// AppendUniversalString appends s as a UniversalString: four octets per
// character, big-endian UCS-4. Invalid UTF-8 becomes U+FFFD.
func AppendUniversalString(b []byte, t Tag, s string) []byte {
	b = AppendLength(AppendTag(b, t), 4*utf8.RuneCountInString(s))
	for _, r := range s {
		b = append(b, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
	}
	return b
}

// AppendBitString appends a BIT STRING of v.Length bits. Missing bytes are
// written as zero and the unused bits of the last byte are cleared, as DER
// requires (§11.2.1).
func AppendBitString(b []byte, t Tag, v BitString) []byte {
	length := max(v.Length, 0)
	nbytes := (length + 7) / 8
	unused := nbytes*8 - length
	b = AppendLength(AppendTag(b, t), nbytes+1)
	b = append(b, byte(unused))
	if len(v.Bytes) >= nbytes {
		b = append(b, v.Bytes[:nbytes]...)
	} else {
		b = append(b, v.Bytes...)
		for i := len(v.Bytes); i < nbytes; i++ {
			b = append(b, 0)
		}
	}
	if unused > 0 {
		b[len(b)-1] &= 0xff << uint(unused)
	}
	return b
}

// base128Size returns the number of octets of v in base 128.
func base128Size(v uint64) int {
	if v == 0 {
		return 1
	}
	return (bits.Len64(v) + 6) / 7
}

func appendBase128(b []byte, v uint64) []byte {
	for i := base128Size(v) - 1; i > 0; i-- {
		b = append(b, 0x80|byte(v>>(7*uint(i))))
	}
	return append(b, byte(v)&0x7f)
}

// AppendOID appends an OBJECT IDENTIFIER (§8.19). The first two arcs are
// combined as 40*v[0]+v[1]; an OID with fewer than two arcs is written with
// the missing arcs taken as zero.
func AppendOID(b []byte, t Tag, v OID) []byte {
	var first uint64
	switch len(v) {
	case 0:
	case 1:
		first = v[0] * 40
	default:
		first = v[0]*40 + v[1]
	}
	n := base128Size(first)
	for i := 2; i < len(v); i++ {
		n += base128Size(v[i])
	}
	b = AppendLength(AppendTag(b, t), n)
	b = appendBase128(b, first)
	for i := 2; i < len(v); i++ {
		b = appendBase128(b, v[i])
	}
	return b
}

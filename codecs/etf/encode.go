package etf

import (
	"math"
	"math/bits"

	"github.com/chatim/chat/codecs/der"
)

func appendUint16(b []byte, v int) []byte { return append(b, byte(v>>8), byte(v)) }

func appendUint32(b []byte, v int) []byte {
	return append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// AppendVersion appends the version byte that starts an external term.
func AppendVersion(b []byte) []byte { return append(b, Version) }

// AppendTupleHeader appends a tuple header: SMALL_TUPLE_EXT for arities up
// to 255, else LARGE_TUPLE_EXT. The caller appends the arity elements.
func AppendTupleHeader(b []byte, arity int) []byte {
	if arity <= 255 {
		return append(b, tagSmallTuple, byte(arity))
	}
	return appendUint32(append(b, tagLargeTuple), arity)
}

// AppendAtom appends the atom name (UTF-8): SMALL_ATOM_UTF8_EXT when it is
// at most 255 bytes long, else ATOM_UTF8_EXT. Erlang rejects atoms of more
// than 255 characters; AppendAtom writes them anyway.
func AppendAtom(b []byte, name string) []byte {
	if len(name) <= 255 {
		b = append(b, tagSmallAtomUTF8, byte(len(name)))
	} else {
		b = appendUint16(append(b, tagAtomUTF8), len(name))
	}
	return append(b, name...)
}

// AppendBool appends the atom true or false.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, tagSmallAtomUTF8, 4, 't', 'r', 'u', 'e')
	}
	return append(b, tagSmallAtomUTF8, 5, 'f', 'a', 'l', 's', 'e')
}

// AppendNull appends the atom 'NULL', Erlang's value of an ASN.1 NULL.
func AppendNull(b []byte) []byte {
	return append(b, tagSmallAtomUTF8, 4, 'N', 'U', 'L', 'L')
}

// AppendInteger appends v as SMALL_INTEGER_EXT (0..255), INTEGER_EXT
// (32-bit) or SMALL_BIG_EXT (sign byte and little-endian magnitude).
func AppendInteger(b []byte, v int64) []byte {
	switch {
	case v >= 0 && v <= 255:
		return append(b, tagSmallInteger, byte(v))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return appendUint32(append(b, tagInteger), int(int32(v)))
	case v < 0:
		return appendBig(b, 1, uint64(-v))
	default:
		return appendBig(b, 0, uint64(v))
	}
}

// appendUint appends a non-negative integer that may exceed int64.
func appendUint(b []byte, v uint64) []byte {
	if v <= math.MaxInt32 {
		return AppendInteger(b, int64(v))
	}
	return appendBig(b, 0, v)
}

// appendBig appends SMALL_BIG_EXT of a magnitude that needs it.
func appendBig(b []byte, sign byte, mag uint64) []byte {
	n := (bits.Len64(mag) + 7) / 8
	b = append(b, tagSmallBig, byte(n), sign)
	for i := 0; i < n; i++ {
		b = append(b, byte(mag>>(8*uint(i))))
	}
	return b
}

// AppendBinary appends v as BINARY_EXT.
func AppendBinary(b []byte, v []byte) []byte {
	b = appendUint32(append(b, tagBinary), len(v))
	return append(b, v...)
}

// AppendBitString appends v as BIT_BINARY_EXT, or as BINARY_EXT when its
// length is a whole number of bytes, as Erlang does. Missing bytes are
// written as zero and unused trailing bits are cleared.
func AppendBitString(b []byte, v der.BitString) []byte {
	length := max(v.Length, 0)
	nbytes := (length + 7) / 8
	rem := length % 8
	if rem == 0 {
		b = appendUint32(append(b, tagBinary), nbytes)
	} else {
		b = appendUint32(append(b, tagBitBinary), nbytes)
		b = append(b, byte(rem))
	}
	if len(v.Bytes) >= nbytes {
		b = append(b, v.Bytes[:nbytes]...)
	} else {
		b = append(b, v.Bytes...)
		for i := len(v.Bytes); i < nbytes; i++ {
			b = append(b, 0)
		}
	}
	if rem > 0 {
		b[len(b)-1] &= 0xff << uint(8-rem)
	}
	return b
}

// AppendNil appends the empty list.
func AppendNil(b []byte) []byte { return append(b, tagNil) }

// AppendListHeader appends LIST_EXT with n elements. The caller appends the
// n elements and then the tail with AppendNil.
func AppendListHeader(b []byte, n int) []byte {
	return appendUint32(append(b, tagList), n)
}

// AppendCharList appends the bytes of s as an Erlang string (IA5String,
// PrintableString, times): NIL when empty, STRING_EXT up to 65535 bytes,
// else a LIST_EXT of small integers.
func AppendCharList(b []byte, s string) []byte {
	switch {
	case len(s) == 0:
		return append(b, tagNil)
	case len(s) <= 65535:
		b = appendUint16(append(b, tagString), len(s))
		return append(b, s...)
	}
	b = AppendListHeader(b, len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, tagSmallInteger, s[i])
	}
	return append(b, tagNil)
}

// AppendUniversalString appends s (UTF-8; invalid bytes become U+FFFD) as
// the Erlang value of a UniversalString: NIL when empty, STRING_EXT when
// every character is at most 255 and there are at most 65535, else a
// LIST_EXT whose elements are the integer of characters up to 255 and the
// tuple {B0,B1,B2,B3} of the UCS-4 bytes of characters above.
func AppendUniversalString(b []byte, s string) []byte {
	n := 0
	narrow := true
	for _, r := range s {
		n++
		if r > 255 {
			narrow = false
		}
	}
	switch {
	case n == 0:
		return append(b, tagNil)
	case narrow && n <= 65535:
		b = appendUint16(append(b, tagString), n)
		for _, r := range s {
			b = append(b, byte(r))
		}
		return b
	}
	b = AppendListHeader(b, n)
	for _, r := range s {
		if r <= 255 {
			b = append(b, tagSmallInteger, byte(r))
			continue
		}
		b = append(b, tagSmallTuple, 4,
			tagSmallInteger, byte(r>>24), tagSmallInteger, byte(r>>16),
			tagSmallInteger, byte(r>>8), tagSmallInteger, byte(r))
	}
	return append(b, tagNil)
}

// AppendIntList appends a list of integers exactly as term_to_binary does:
// NIL when empty, STRING_EXT when every element is in 0..255 and there are
// at most 65535, else LIST_EXT of the integers and a NIL tail.
func AppendIntList(b []byte, v []int64) []byte {
	if len(v) == 0 {
		return append(b, tagNil)
	}
	if len(v) <= 65535 {
		bytesOnly := true
		for _, x := range v {
			if x < 0 || x > 255 {
				bytesOnly = false
				break
			}
		}
		if bytesOnly {
			b = appendUint16(append(b, tagString), len(v))
			for _, x := range v {
				b = append(b, byte(x))
			}
			return b
		}
	}
	b = AppendListHeader(b, len(v))
	for _, x := range v {
		b = AppendInteger(b, x)
	}
	return append(b, tagNil)
}

// AppendOID appends v as the tuple of its arcs, as Erlang's asn1 represents
// an OBJECT IDENTIFIER.
func AppendOID(b []byte, v der.OID) []byte {
	b = AppendTupleHeader(b, len(v))
	for _, a := range v {
		b = appendUint(b, a)
	}
	return b
}

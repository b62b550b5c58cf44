package jer

import (
	"strconv"
	"unicode/utf8"

	"github.com/chatim/chat/codecs/der"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendKey appends an object member name and the colon.
func AppendKey(b []byte, key string) []byte {
	return append(AppendString(b, key), ':')
}

// AppendHex appends v as a string of lowercase hex digits.
func AppendHex(b []byte, v []byte) []byte {
	b = append(b, '"')
	for _, c := range v {
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(b, '"')
}

// AppendInt appends v as a JSON number.
func AppendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

// AppendBool appends true or false.
func AppendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// AppendNull appends null.
func AppendNull(b []byte) []byte { return append(b, "null"...) }

// AppendBitString appends {"value": hex, "length": n}.
func AppendBitString(b []byte, v der.BitString) []byte {
	b = append(b, `{"value":`...)
	b = AppendHex(b, v.Bytes)
	b = append(b, `,"length":`...)
	b = strconv.AppendInt(b, int64(v.Length), 10)
	return append(b, '}')
}

// AppendOID appends v as a dotted string.
func AppendOID(b []byte, v der.OID) []byte {
	b = append(b, '"')
	for i, c := range v {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, c, 10)
	}
	return append(b, '"')
}

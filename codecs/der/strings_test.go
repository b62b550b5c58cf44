package der

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// TestValidUTF8 checks validUTF8 against utf8.Valid: every sequence of up
// to three octets, and ASCII text of several lengths with each octet in
// turn replaced by the start of a valid and of an invalid sequence.
func TestValidUTF8(t *testing.T) {
	var b [3]byte
	for n := 0; n <= 3; n++ {
		for x := 0; x < 1<<(8*n); x++ {
			for i := 0; i < n; i++ {
				b[i] = byte(x >> (8 * i))
			}
			if validUTF8(b[:n]) != utf8.Valid(b[:n]) {
				t.Fatalf("% x: validUTF8 %v", b[:n], validUTF8(b[:n]))
			}
		}
	}
	for _, n := range []int{31, 32, 33, 64, 100, 137} {
		text := bytes.Repeat([]byte("a"), n)
		for i := 0; i < n; i++ {
			for _, seq := range []string{"é", "\xe2\x82\xac", "\xc3", "\xff", "\x80"} {
				in := append(append(append([]byte(nil), text[:i]...), seq...), text[i:]...)
				if validUTF8(in) != utf8.Valid(in) {
					t.Fatalf("%q: validUTF8 %v", in, validUTF8(in))
				}
			}
		}
	}
}

package conformance_test

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// hexContext is how many bytes around the first difference hexDiff shows.
const hexContext = 24

// hexDiff describes how got differs from want: the first differing offset,
// both lengths, and the bytes around the difference in hex.
func hexDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	if i == len(got) && i == len(want) {
		return "identical"
	}
	from := max(0, i-hexContext)
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at offset %d (got %d bytes, want %d bytes)\n", i, len(got), len(want))
	fmt.Fprintf(&b, "  got  [%d:]: %s\n", from, window(got, from, i))
	fmt.Fprintf(&b, "  want [%d:]: %s", from, window(want, from, i))
	return b.String()
}

// window prints b[from:i+hexContext] with the byte at i bracketed.
func window(b []byte, from, i int) string {
	to := min(len(b), i+hexContext)
	var s strings.Builder
	s.WriteString(hex.EncodeToString(b[from:min(i, len(b))]))
	if i < len(b) {
		fmt.Fprintf(&s, "[%02x]%s", b[i], hex.EncodeToString(b[i+1:to]))
		if to < len(b) {
			s.WriteString("...")
		}
	} else {
		s.WriteString("<end>")
	}
	return s.String()
}

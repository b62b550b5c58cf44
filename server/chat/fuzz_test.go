package chat

import (
	"testing"

	wire "github.com/chatim/chat/generated/chat"
)

func FuzzParseTable(f *testing.F) {
	for _, s := range []string{"p2p/alice/bob", "muc/room-1", "p2p/bob/alice", "p2p/a", "muc/", "muc/a/b", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fd, ok := parseTable(s)
		if !ok {
			return
		}
		if fd.table != s {
			t.Fatalf("parseTable(%q).table = %q", s, fd.table)
		}
		again, ok := parseTable(fd.table)
		if !ok || again != fd {
			t.Fatalf("table %q does not parse back", fd.table)
		}
	})
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"1", "42", "0", "01", "18446744073709551615", "18446744073709551616", "-1", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, ok := parseID(b)
		if !ok {
			return
		}
		if string(formatID(n)) != string(b) {
			t.Fatalf("parseID(%q) = %d, formats as %q", b, n, formatID(n))
		}
	})
}

func FuzzTLVContent(f *testing.F) {
	for _, p := range [][]byte{{0x0c, 0x02, 'h', 'i'}, {0x04, 0x81, 0x01, 'x'}, {0x04, 0x82, 0x00}, {0x0c}, {0x30, 0x00}} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		s, ok := tlvContent(p)
		if ok && len(s) >= len(p) {
			t.Fatalf("content %d bytes of a %d byte TLV", len(s), len(p))
		}
	})
}

// FuzzDecode: the dispatcher's decoder never panics, and what it accepts
// re-encodes in the same format into something it accepts again.
func FuzzDecode(f *testing.F) {
	m := &wire.CHATMessage{No: 7, Body: &wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte("p2p/a/b"), Id: []byte("1")}}}
	f.Add(Encode(DER, m))
	f.Add(Encode(ETF, m))
	f.Add([]byte("hello"))
	f.Add([]byte{0x83, 0x68, 0x04})
	f.Fuzz(func(t *testing.T, p []byte) {
		m, fm, err := Decode(p)
		if err != nil {
			return
		}
		if FormatOf(p) != fm {
			t.Fatalf("format %v, first byte says %v", fm, FormatOf(p))
		}
		if _, _, err := Decode(Encode(fm, m)); err != nil {
			t.Fatalf("re-encoded message does not decode: %v", err)
		}
	})
}

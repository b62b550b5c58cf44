package chat

import (
	"bytes"
	"testing"

	wire "github.com/chatim/chat/generated/chat"
)

// TestEncodeOwnsItsResult checks that Encode returns a slice of the exact
// size that no later encoding overwrites, though the scratch buffer behind
// it is reused.
func TestEncodeOwnsItsResult(t *testing.T) {
	for _, f := range []Format{DER, ETF} {
		msg := func(no int64, text string) *wire.CHATMessage {
			return &wire.CHATMessage{No: no, Body: &wire.CHATProtocol_Ok{Value: wire.OK{Data: text}}}
		}
		a := Encode(f, msg(1, "first"))
		want := bytes.Clone(a)
		b := Encode(f, msg(2, "second, longer than the first"))
		if !bytes.Equal(a, want) {
			t.Fatalf("format %d: a later Encode changed an earlier result", f)
		}
		if cap(a) != len(a) || cap(b) != len(b) {
			t.Fatalf("format %d: results of %d/%d and %d/%d bytes (len/cap), want exact", f, len(a), cap(a), len(b), cap(b))
		}
		if m, _, err := Decode(b); err != nil || m.No != 2 {
			t.Fatalf("format %d: decoding the second result: %v", f, err)
		}
	}
}

package conformance_test

import (
	"bytes"
	"testing"

	"github.com/chatim/chat/generated/chat"
)

// TestErlangDefaultAtom checks the DEFAULT component Message.status given
// as the atom asn1_DEFAULT, as Erlang records default to it: Erlang encodes
// it as the default (omitted from DER) and our ETF decoder reads it as the
// default, in both atom encodings.
func TestErlangDefaultAtom(t *testing.T) {
	p := erlangPeer(t)
	m := minimalMessage()
	etf := m.AppendETF(nil)
	der := m.AppendDER(nil)
	clear := []byte{119, 5, 'c', 'l', 'e', 'a', 'r'}
	if !bytes.HasSuffix(etf, clear) {
		t.Fatalf("ETF of a Message does not end with the atom clear: %x", etf)
	}
	base := etf[:len(etf)-len(clear)]
	for _, atom := range [][]byte{
		append([]byte{119, 12}, "asn1_DEFAULT"...),    // SMALL_ATOM_UTF8_EXT
		append([]byte{100, 0, 12}, "asn1_DEFAULT"...), // ATOM_EXT (OTP 25)
		append([]byte{115, 12}, "asn1_DEFAULT"...),    // SMALL_ATOM_EXT
	} {
		in := append(append([]byte(nil), base...), atom...)
		erlDER, err := p.EncodeDER("Message", in)
		if err != nil {
			t.Fatalf("Erlang encode of %x: %v", in, err)
		}
		if !bytes.Equal(erlDER, der) {
			t.Errorf("atom %x: Erlang's DER differs from ours: %s", atom[:1], hexDiff(der, erlDER))
		}
		var got chat.Message
		if err := got.UnmarshalETF(in); err != nil {
			t.Fatalf("our decoder refuses asn1_DEFAULT (%x): %v", atom[:1], err)
		}
		if got.Status != chat.MessageStatusClear {
			t.Errorf("asn1_DEFAULT decoded as %v, want clear", got.Status)
		}
		if re := got.AppendETF(nil); !bytes.Equal(re, etf) {
			t.Errorf("re-encoded ETF: %s", hexDiff(re, etf))
		}
	}
}

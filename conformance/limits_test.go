package conformance_test

import (
	"bytes"
	"errors"
	"testing"

	derpkg "github.com/chatim/chat/codecs/der"
	etfpkg "github.com/chatim/chat/codecs/etf"
	"github.com/chatim/chat/generated/chat"
)

// TestErlangDeepLinkLimit nests Message.link far beyond the decoders'
// depth limit: Erlang encodes it to the same DER as we do, and both of our
// decoders refuse it with a depth error rather than recursing without
// bound (Erlang's decoders accept it: ours are deliberately bounded).
func TestErlangDeepLinkLimit(t *testing.T) {
	p := erlangPeer(t)
	deep := minimalMessage()
	for range 200 {
		outer := minimalMessage()
		outer.Link = &chat.MessageLink_Message{Value: deep}
		deep = outer
	}
	der := deep.AppendDER(nil)
	erlDER, err := p.EncodeDER("Message", deep.AppendETF(nil))
	if err != nil {
		t.Fatalf("Erlang encode: %v", err)
	}
	if !bytes.Equal(erlDER, der) {
		t.Fatalf("DER differs (ours vs Erlang): %s", hexDiff(der, erlDER))
	}
	erlETF, err := p.DecodeDER("Message", der)
	if err != nil {
		t.Fatalf("Erlang decode: %v", err)
	}
	var m chat.Message
	if err := m.UnmarshalDER(der); !errors.Is(err, derpkg.ErrDepth) {
		t.Errorf("UnmarshalDER of 200 nested links: %v, want der.ErrDepth", err)
	}
	if err := m.UnmarshalETF(erlETF); !errors.Is(err, etfpkg.ErrDepth) {
		t.Errorf("UnmarshalETF of 200 nested links: %v, want etf.ErrDepth", err)
	}
}

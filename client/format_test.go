package client_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
)

// TestDecodeCopies checks, in both formats, that Decode's message keeps
// its bytes when the payload is overwritten, that DecodeNoCopy's message
// aliases the payload, and that a payload of neither format is ErrPayload.
func TestDecodeCopies(t *testing.T) {
	for _, f := range []client.Format{client.DER, client.ETF} {
		t.Run(f.String(), func(t *testing.T) {
			in := &chat.CHATMessage{No: 7, Body: &chat.CHATProtocol_Typing{Value: chat.Typing{Nickname: []byte("alice")}}}
			nick := func(m *chat.CHATMessage) []byte {
				return m.Body.(*chat.CHATProtocol_Typing).Value.Nickname
			}
			p := client.Encode(f, in)
			copied, err := client.Decode(p)
			if err != nil {
				t.Fatal(err)
			}
			aliased, err := client.DecodeNoCopy(p)
			if err != nil {
				t.Fatal(err)
			}
			at := bytes.Index(p, []byte("alice"))
			if at < 0 {
				t.Fatalf("payload % x does not hold the nickname", p)
			}
			copy(p[at:], "bobby")
			if got := nick(copied); string(got) != "alice" {
				t.Errorf("Decode: nickname %q after the payload changed, want alice", got)
			}
			if got := nick(aliased); string(got) != "bobby" {
				t.Errorf("DecodeNoCopy: nickname %q, want the payload's bytes (bobby)", got)
			}
		})
	}
	if _, err := client.DecodeNoCopy([]byte{0x01, 0x02}); !errors.Is(err, client.ErrPayload) {
		t.Errorf("DecodeNoCopy of 01 02: %v, want ErrPayload", err)
	}
}

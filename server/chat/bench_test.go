package chat_test

import (
	"testing"

	"github.com/chatim/chat/server/chat"
)

// BenchmarkMessageRoundTrip measures one private message from request to
// the sender's Ack through the real broker and store: decode, checks, one
// synced batch (feed entry, inbox entry and reference), publish on the
// feed topic, reply.
func BenchmarkMessageRoundTrip(b *testing.B) {
	for _, f := range formats {
		b.Run(f.String(), func(b *testing.B) {
			e := newEnv(b, chat.Options{AckTimeout: -1})
			e.user("alice")
			e.user("bob")
			a, bob := e.connect(b, "alice", "d1", f), e.connect(b, "bob", "d1", f)
			befriend(b, a, bob)
			msg := p2pMessage("alice", "bob", "hello, this is a benchmark message")
			b.ResetTimer()
			for range b.N {
				wantAck(b, a.call(msg), "p2p/alice/bob")
			}
		})
	}
}

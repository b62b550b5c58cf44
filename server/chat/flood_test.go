package chat_test

import (
	"crypto/rand"
	"strconv"
	"testing"

	"github.com/eclipse/paho.golang/paho"

	"github.com/chatim/chat/server/chat"
)

// TestMalformedFlood: one client publishing garbage as fast as it can
// does not disturb a conversation between two others, and changes nothing
// in the store.
func TestMalformedFlood(t *testing.T) {
	e := newEnv(t, chat.Options{})
	for _, n := range []string{"mallory", "alice", "bob"} {
		e.user(n)
	}
	m := e.connect(t, "mallory", "d1", chat.DER)
	a, b := e.connect(t, "alice", "d1", chat.ETF), e.connect(t, "bob", "d1", chat.DER)
	befriend(t, a, b)
	b.sub("private/alice/bob")
	before := e.protocolKeys()

	const garbage = 2000
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx := testContext(t)
		for i := range garbage {
			buf := make([]byte, 64)
			_, _ = rand.Read(buf)
			buf[0] = []byte{0x30, 0x83, 0x00}[i%3]
			if _, err := m.c.Publish(ctx, &paho.Publish{Topic: "events/" + m.id, QoS: 0, Payload: buf}); err != nil {
				t.Errorf("flood: %v", err)
				return
			}
		}
	}()
	for i := 1; i <= 50; i++ {
		wantAck(t, a.call(p2pMessage("alice", "bob", "m"+strconv.Itoa(i))), "p2p/alice/bob")
	}
	for i := 1; i <= 50; i++ {
		if got := textOf(b.awaitMessage("private/alice/bob")); got != "m"+strconv.Itoa(i) {
			t.Fatalf("bob got %q, want m%d", got, i)
		}
	}
	<-done
	// Every garbage payload is answered with invalid_data, in order.
	for range garbage {
		r := m.await(func(r received) bool { return r.topic == "actions/"+m.id })
		wantError(t, r.msg.Body, chat.CodeInvalidData)
	}
	// Per message a feed entry, an inbox entry and its reference; and
	// the two sequences (the feed's and bob's inbox's).
	if got, want := e.protocolKeys(), before+50*3+2; got != want {
		t.Fatalf("store holds %d protocol keys, want %d", got, want)
	}
}

package chat_test

import (
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

// TestPresence: friends see online at the first device and offline at the
// last; strangers may not read contacts/<nickname>.
func TestPresence(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn, cn := "alice-"+f.String(), "bob-"+f.String(), "carol-"+f.String()
		for _, n := range []string{an, bn, cn} {
			e.user(n)
		}
		a, b := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f)
		befriend(t, a, b)
		a.sub("contacts/" + bn)
		c := e.connect(t, cn, "d1", f)
		ack, err := c.c.Subscribe(testContext(t), subscribeTo("contacts/"+bn))
		if err == nil && ack.Reasons[0] < 0x80 {
			t.Fatal("a stranger subscribed to contacts/")
		}
		b.drop()
		presence := func(want wire.PresenceType) {
			t.Helper()
			a.await(func(r received) bool {
				p, ok := r.msg.Body.(*wire.CHATProtocol_Presence)
				return ok && r.topic == "contacts/"+bn && string(p.Value.Nickname) == bn && p.Value.Status == want
			})
		}
		presence(wire.PresenceTypeOffline)
		b1 := e.connect(t, bn, "d1", f)
		presence(wire.PresenceTypeOnline)
		b2 := e.connect(t, bn, "d2", f)
		b1.drop() // one device left: still online
		b2.drop()
		presence(wire.PresenceTypeOffline)
		for _, r := range a.stash {
			if p, ok := r.msg.Body.(*wire.CHATProtocol_Presence); ok && p.Value.Status == wire.PresenceTypeOnline {
				t.Fatalf("a second online or an early offline: %+v", a.stash)
			}
		}
	})
}

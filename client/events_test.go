package client_test

import (
	"context"
	"testing"

	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/server"
)

// next waits for the first event of ch that match accepts.
func next[E client.Event](t *testing.T, ch <-chan client.Event, match func(E) bool) E {
	t.Helper()
	ctx := testContext(t)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatal("event stream ended")
			}
			if x, ok := e.(E); ok && (match == nil || match(x)) {
				return x
			}
		case <-ctx.Done():
			var zero E
			t.Fatalf("no %T arrived", zero)
		}
	}
}

func TestTypingReceiptPresence(t *testing.T) {
	s := newServer(t)
	alice := login(t, s, server.TLS, client.DER, register(t, s, server.TLS, client.DER, "alice"))
	bob := login(t, s, server.QUIC, client.ETF, register(t, s, server.QUIC, client.ETF, "bob"))
	befriend(t, alice, bob)
	ctx := testContext(t)
	if err := alice.FollowFriend(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if err := bob.FollowFriend(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	f := client.Private("alice", "bob")

	if err := alice.Typing(ctx, f); err != nil {
		t.Fatal(err)
	}
	ty := next(t, bob.Events(), func(e client.TypingEvent) bool { return e.Nick == "alice" })
	if ty.Feed != f {
		t.Fatalf("typing in %v, want %v", ty.Feed, f)
	}

	id, err := alice.Send(ctx, f, "receipt please")
	if err != nil {
		t.Fatal(err)
	}
	m := bob.nextMessage(t)
	if err := bob.Ack(ctx, m.Feed, string(m.Message.Id)); err != nil {
		t.Fatal(err)
	}
	if err := bob.Delivered(ctx, m.Feed, string(m.Message.Id)); err != nil {
		t.Fatal(err)
	}
	rc := next(t, alice.Events(), func(e client.ReceiptEvent) bool { return e.Nick == "bob" })
	if rc.ID != id || rc.Feed != f {
		t.Fatalf("receipt %+v, want id %s of %v", rc, id, f)
	}

	bob.Close()
	pr := next(t, alice.Events(), func(e client.PresenceEvent) bool { return e.Nick == "bob" })
	if pr.Online {
		t.Fatal("bob left but is reported online")
	}
}

// TestSessionReconnects cuts a session's connection on the server side
// and waits for the session to come back and receive again.
func TestSessionReconnects(t *testing.T) {
	s := newServer(t)
	ac := register(t, s, server.TLS, client.DER, "alice")
	bc := register(t, s, server.TLS, client.DER, "bob")
	alice := login(t, s, server.TLS, client.DER, ac)
	bob := login(t, s, server.TLS, client.DER, bc)
	befriend(t, alice, bob)
	bob.Close()
	if err := alice.FollowFriend(testContext(t), "bob"); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	sess := client.NewSession(client.Config{URL: s.url(server.TLS), Nick: "bob", Device: "tui",
		RootCAs: s.roots, Certificate: bc.TLSCertificate()})
	done := make(chan error, 1)
	go func() { done <- sess.Run(ctx) }()
	next(t, sess.Events(), func(e client.StateEvent) bool { return e.State == client.Connected })

	cl, ok := s.Broker().Clients.Get("bob.tui")
	if !ok {
		t.Fatal("bob.tui is not connected")
	}
	// mochi returns the reason code it sent as the error.
	_ = s.Broker().DisconnectClient(cl, packets.ErrAdministrativeAction)
	next(t, sess.Events(), func(e client.StateEvent) bool { return e.State == client.Disconnected })
	next(t, sess.Events(), func(e client.StateEvent) bool { return e.State == client.Connected })

	c := sess.Conn()
	if c == nil {
		t.Fatal("connected session without a connection")
	}
	if _, err := c.Send(testContext(t), client.Private("alice", "bob"), "after the cut"); err != nil {
		t.Fatal(err)
	}
	if m := alice.nextMessage(t); client.Text(&m.Message) != "after the cut" || string(m.Message.From) != "bob" {
		t.Fatalf("alice got %q from %s", client.Text(&m.Message), m.Message.From)
	}
	cancel()
	<-done
}

package client_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server"
)

// user is a registered user connected to a test server.
type user struct {
	*client.Conn
	creds *client.Credentials
}

func register(t *testing.T, s *testServer, transport string, f client.Format, nick string) *client.Credentials {
	t.Helper()
	creds, err := client.Register(testContext(t), client.Config{URL: s.url(transport), Format: f, RootCAs: s.roots},
		nick, []byte("secret of "+nick))
	requireProtocol(t, err)
	if err != nil {
		t.Fatalf("register %s: %v", nick, err)
	}
	return creds
}

func login(t *testing.T, s *testServer, transport string, f client.Format, creds *client.Credentials) *user {
	t.Helper()
	cfg := client.Config{URL: s.url(transport), Nick: creds.Nick, Format: f, RootCAs: s.roots}
	if client.NeedsPassword(cfg.URL) {
		cfg.Password = []byte("secret of " + creds.Nick)
	} else {
		cfg.Certificate = creds.TLSCertificate()
	}
	c, err := client.Dial(testContext(t), cfg)
	if err != nil {
		t.Fatalf("connect %s over %s: %v", creds.Nick, transport, err)
	}
	t.Cleanup(func() { c.Close() })
	return &user{Conn: c, creds: creds}
}

// nextMessage waits for the next MessageEvent of u.
func (u *user) nextMessage(t *testing.T) client.MessageEvent {
	t.Helper()
	ctx := testContext(t)
	for {
		select {
		case <-u.Done():
			t.Fatalf("%s: connection ended: %v", u.Nick(), u.Err())
		case e := <-u.Events():
			if m, ok := e.(client.MessageEvent); ok {
				return m
			}
		case <-ctx.Done():
			t.Fatalf("%s: no message arrived", u.Nick())
		}
	}
}

// befriend makes a and b friends and subscribes both to their feed.
func befriend(t *testing.T, a, b *user) {
	t.Helper()
	ctx := testContext(t)
	c, err := a.Friend(ctx, b.Nick(), chat.FriendshipRequest)
	requireProtocol(t, err)
	if err != nil {
		t.Fatalf("friend request: %v", err)
	}
	if c.Status != chat.ContactStatusRequest {
		t.Fatalf("after request %s sees %s as %v", a.Nick(), b.Nick(), c.Status)
	}
	if _, err := a.Friend(ctx, b.Nick(), chat.FriendshipConfirm); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("confirming one's own request: %v, want not_found", err)
	}
	c, err = b.Friend(ctx, a.Nick(), chat.FriendshipConfirm)
	if err != nil {
		t.Fatalf("friend confirm: %v", err)
	}
	if c.Status != chat.ContactStatusFriend {
		t.Fatalf("after confirm %s sees %s as %v", b.Nick(), a.Nick(), c.Status)
	}
	f := client.Private(a.Nick(), b.Nick())
	for _, u := range []*user{a, b} {
		if err := u.Subscribe(ctx, f.Topic()); err != nil {
			t.Fatalf("%s: %v", u.Nick(), err)
		}
	}
}

func TestTwoUsersTalk(t *testing.T) {
	s := newServer(t)
	for i, tc := range []struct {
		transport string
		format    client.Format
	}{
		{server.TLS, client.DER},
		{server.QUIC, client.ETF},
		{server.TCP, client.ETF},
		{server.WS, client.DER},
	} {
		t.Run(fmt.Sprintf("%s/%s", tc.transport, tc.format), func(t *testing.T) {
			ctx := testContext(t)
			an, bn := fmt.Sprintf("alice%d", i), fmt.Sprintf("bob%d", i)
			alice := login(t, s, tc.transport, tc.format, register(t, s, tc.transport, tc.format, an))
			bob := login(t, s, tc.transport, tc.format, register(t, s, tc.transport, tc.format, bn))
			f := client.Private(an, bn)

			// Strangers may not talk.
			if _, err := alice.Send(ctx, f, "hello?"); !errors.Is(err, client.ErrNotAuthorized) {
				t.Fatalf("message to a stranger: %v, want not_authorized", err)
			}
			befriend(t, alice, bob)

			id, err := alice.Send(ctx, f, "Hello, Bob! ✓")
			if err != nil {
				t.Fatal(err)
			}
			got := bob.nextMessage(t)
			if got.Feed != f || string(got.Message.Id) != id || client.Text(&got.Message) != "Hello, Bob! ✓" ||
				string(got.Message.From) != an {
				t.Fatalf("bob got %+v (text %q), want message %s from %s", got, client.Text(&got.Message), id, an)
			}
			if err := bob.Ack(ctx, f, id); err != nil {
				t.Fatalf("ack: %v", err)
			}
			// Served in order: the first Ack deleted the entry.
			if err := bob.AckConfirmed(ctx, f, id); !errors.Is(err, client.ErrNotFound) {
				t.Fatalf("confirmed ack after ack: %v, want not_found", err)
			}
			id2, err := bob.Send(ctx, f, "Hi Alice")
			if err != nil {
				t.Fatal(err)
			}
			if id2 <= id && len(id2) <= len(id) {
				t.Fatalf("second id %s not after %s", id2, id)
			}
			msgs, last, err := alice.History(ctx, f, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 2 || !last || client.Text(&msgs[0]) != "Hi Alice" || client.Text(&msgs[1]) != "Hello, Bob! ✓" {
				t.Fatalf("history: %d messages, last %v: %+v", len(msgs), last, msgs)
			}
		})
	}
}

func TestErrorCarriesCode(t *testing.T) {
	s := newServer(t)
	creds := register(t, s, server.TLS, client.DER, "carol")
	_, err := client.Register(testContext(t), client.Config{URL: s.url(server.TLS), RootCAs: s.roots}, "carol", []byte("x"))
	var e *client.Error
	if !errors.As(err, &e) || e.Code != client.CodeConflict || e.Op != "register" || !errors.Is(err, client.ErrConflict) {
		t.Fatalf("second registration of carol: %v, want a conflict *Error", err)
	}
	u := login(t, s, server.TLS, client.DER, creds)
	if _, _, err := u.History(testContext(t), client.RoomFeed("nowhere"), 5, 0); !errors.Is(err, client.ErrNotAuthorized) {
		t.Fatalf("history of a foreign room: %v, want not_authorized", err)
	}
}

func TestUnknownServerCertificate(t *testing.T) {
	s := newServer(t)
	other := newServer(t)
	for _, tr := range []string{server.TLS, server.QUIC} {
		_, err := client.Dial(testContext(t), client.Config{URL: s.url(tr), RootCAs: other.roots})
		if !errors.Is(err, client.ErrUnknownServer) {
			t.Fatalf("%s: dial with the wrong CA: %v, want ErrUnknownServer", tr, err)
		}
	}
	var err error
	_, err = client.Dial(testContext(t), client.Config{URL: "tcp://127.0.0.1:1", RootCAs: s.roots})
	if !errors.Is(err, client.ErrUnreachable) {
		t.Fatalf("dial of a closed port: %v, want ErrUnreachable", err)
	}
	erin := register(t, s, server.TLS, client.DER, "erin")
	_, err = client.Dial(testContext(t), client.Config{URL: s.url(server.TCP), Nick: "erin", Password: []byte("wrong")})
	if !errors.Is(err, client.ErrRejected) {
		t.Fatalf("dial with a wrong password: %v, want ErrRejected", err)
	}
	u := login(t, s, server.TLS, client.DER, erin)
	sessions, err := u.Sessions(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	var reg string
	for _, x := range sessions {
		if x.Type == chat.AuthTypeReg {
			reg = string(x.Session)
		}
	}
	if reg == "" {
		t.Fatalf("no registration among the sessions %v", sessions)
	}
	if err := u.Forget(testContext(t), reg); err != nil {
		t.Fatal(err)
	}
	for _, tr := range []string{server.TLS, server.QUIC} {
		_, err = client.Dial(testContext(t), client.Config{URL: s.url(tr), Nick: "erin", RootCAs: s.roots,
			Certificate: erin.TLSCertificate()})
		if !errors.Is(err, client.ErrRejected) {
			t.Fatalf("%s: dial with a revoked certificate: %v, want ErrRejected", tr, err)
		}
	}
}

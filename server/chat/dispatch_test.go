package chat_test

import (
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

func TestDispatchInvalidData(t *testing.T) {
	e := newEnv(t, chat.Options{})
	e.user("alice")
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		a := e.connect(t, "alice", "d"+f.String(), f)
		before := e.protocolKeys()
		for _, bad := range []struct {
			p    []byte
			want chat.Format
		}{
			{[]byte("hello"), chat.DER},
			{nil, chat.DER},
			{[]byte{0x30, 0x05, 0x02, 0x01}, chat.DER},
			{[]byte{0x30, 0x03, 0x02, 0x01, 0x07}, chat.DER},
			{[]byte{0x83, 0x68, 0x04, 0x64}, chat.ETF},
			{[]byte{0x83}, chat.ETF},
		} {
			a.raw(bad.p)
			r := a.await(func(r received) bool { return r.topic == "actions/"+a.id })
			if r.msg.No != 0 || r.f != bad.want {
				t.Fatalf("reply to % x: no %d format %v", bad.p, r.msg.No, r.f)
			}
			wantError(t, r.msg.Body, chat.CodeInvalidData)
		}
		// Requests the server does not serve, and a valid one after the
		// garbage: the connection still works and answers in order.
		wantError(t, a.call(&wire.CHATProtocol_Error{Value: wire.ERROR{Code: "ping"}}), chat.CodeNotImplemented)
		wantError(t, a.call(&wire.CHATProtocol_Register{Value: wire.Register{Nickname: []byte("x")}}), chat.CodeNotAuthorized)
		if after := e.protocolKeys(); after != before {
			t.Fatalf("store has %d keys after refused requests, %d before", after, before)
		}
	})
}

func TestDispatchAnonymous(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		a := e.connect(t, "anon", "d"+f.String(), f)
		wantError(t, a.call(p2pMessage("anon", "bob", "hi")), chat.CodeNotAuthorized)
		wantError(t, a.call(&wire.CHATProtocol_History{Value: wire.History{Feed: &wire.HistoryFeed_Muc{}, Status: wire.HistoryStatusGet}}), chat.CodeNotAuthorized)
	})
}

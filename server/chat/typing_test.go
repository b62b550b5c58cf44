package chat_test

import (
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

// TestTyping: typing notices reach the feed topic and are never stored.
func TestTyping(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn, cn := "alice-"+f.String(), "bob-"+f.String(), "carol-"+f.String()
		for _, n := range []string{an, bn, cn} {
			e.user(n)
		}
		a, b, c := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f), e.connect(t, cn, "d1", f)
		befriend(t, a, b)
		table := "p2p/" + an + "/" + bn
		b.sub("private/" + an + "/" + bn)
		before := e.protocolKeys()
		wantOK(t, a.call(&wire.CHATProtocol_Typing{Value: wire.Typing{Session: []byte(table), Nickname: []byte("forged"), Comments: [][]byte{[]byte("...")}}}))
		r := b.await(func(r received) bool { _, ok := r.msg.Body.(*wire.CHATProtocol_Typing); return ok })
		if ty := r.msg.Body.(*wire.CHATProtocol_Typing).Value; string(ty.Nickname) != an || string(ty.Session) != table || r.topic != "private/"+an+"/"+bn {
			t.Fatalf("typing notice %+v on %s", ty, r.topic)
		}
		wantError(t, c.call(&wire.CHATProtocol_Typing{Value: wire.Typing{Session: []byte(table)}}), chat.CodeNotAuthorized)
		wantError(t, c.call(&wire.CHATProtocol_Typing{Value: wire.Typing{Session: []byte("p2p/" + an + "/" + cn)}}), chat.CodeNotAuthorized)
		wantError(t, c.call(&wire.CHATProtocol_Typing{Value: wire.Typing{Session: []byte("nonsense")}}), chat.CodeInvalidData)
		if got := e.protocolKeys(); got != before {
			t.Fatalf("typing changed the store: %d keys, %d before", got, before)
		}
	})
}

package chat_test

import (
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

func TestSearch(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn := "alice-"+f.String(), "bob-"+f.String()
		e.user(an)
		e.user(bn)
		a, b := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f)
		befriend(t, a, b)
		wantAck(t, a.call(p2pMessage(an, bn, "The quick brown fox")), "p2p/"+an+"/"+bn)
		wantAck(t, b.call(p2pMessage(bn, an, "a lazy dog")), "p2p/"+an+"/"+bn)
		create := roomReq("", wire.RoomStatusCreate)
		create.Value.Name = []byte("Fox Hunters " + f.String())
		r := roomOf(t, a.call(create))
		wantAck(t, a.call(mucMessage(an, string(r.Id), "fox sighted")), "muc/"+string(r.Id))

		search := func(d *dev, s wire.Search) wire.CHATProtocol {
			return d.call(&wire.CHATProtocol_Search{Value: s})
		}
		h := search(b, wire.Search{Value: []byte("FOX"), Criteria: wire.CriteriaLike, Type: wire.ScopeMessage})
		if got := ids(t, h); got != "1," { // bob is not in the room
			t.Fatalf("bob's message search: %s", got)
		}
		h = search(a, wire.Search{Value: []byte("fox"), Criteria: wire.CriteriaLike, Type: wire.ScopeMessage})
		if hist := h.(*wire.CHATProtocol_History).Value; len(hist.Data) != 2 {
			t.Fatalf("alice's message search found %d", len(hist.Data))
		}
		ro := search(b, wire.Search{Value: []byte("fox hunters " + f.String() + "%"), Criteria: wire.CriteriaLike, Type: wire.ScopeRoom})
		if tp := ro.(*wire.CHATProtocol_Roster).Value.Topics; len(tp) != 1 || string(tp[0].Id) != string(r.Id) {
			t.Fatalf("room search %+v", tp)
		}
		ct := contactIn(t, search(b, wire.Search{Field: []byte("nickname"), Value: []byte(an), Criteria: wire.CriteriaEqual, Type: wire.ScopeContact}))
		if ct.Status != wire.ContactStatusFriend || ct.Presence != wire.PresenceTypeOnline {
			t.Fatalf("nickname search %+v", ct)
		}
		ro = search(b, wire.Search{Field: []byte("nickname"), Value: []byte("ALICE-" + f.String()[:1]), Criteria: wire.CriteriaLike, Type: wire.ScopeContact})
		if got := contactIn(t, ro); string(got.Nickname) != an {
			t.Fatalf("nickname like: %+v", got)
		}
		wantError(t, search(b, wire.Search{Field: []byte("shoe size"), Type: wire.ScopeContact}), chat.CodeInvalidData)
		wantError(t, search(b, wire.Search{Type: wire.ScopeMessage}), chat.CodeInvalidData)
		wantError(t, search(b, wire.Search{Type: wire.ScopeFolder}), chat.CodeNotImplemented)
	})
}

package chat_test

import (
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

func friendReq(me, other string, t wire.Friendship) *wire.CHATProtocol_Friend {
	return &wire.CHATProtocol_Friend{Value: wire.Friend{Nickname: []byte(me), Friend: []byte(other), Type: t}}
}

// contactIn returns the single contact of a Roster body.
func contactIn(t *testing.T, body wire.CHATProtocol) wire.Contact {
	t.Helper()
	r, ok := body.(*wire.CHATProtocol_Roster)
	if !ok || len(r.Value.Contacts) != 1 {
		t.Fatalf("want a Roster with one contact, got %#v", body)
	}
	return r.Value.Contacts[0]
}

func TestFriend(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn, cn := "alice-"+f.String(), "bob-"+f.String(), "carol-"+f.String()
		for _, n := range []string{an, bn, cn} {
			e.user(n)
		}
		a, b, c := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f), e.connect(t, cn, "d1", f)

		wantError(t, a.call(friendReq(bn, an, wire.FriendshipRequest)), chat.CodeNotAuthorized)
		wantError(t, a.call(friendReq(an, "nobody", wire.FriendshipRequest)), chat.CodeNotFound)
		wantError(t, a.call(friendReq(an, an, wire.FriendshipRequest)), chat.CodeInvalidData)
		wantError(t, b.call(friendReq(bn, an, wire.FriendshipConfirm)), chat.CodeNotFound)

		// request: alice sees bob as request, bob sees alice as authorization.
		if got := contactIn(t, a.call(friendReq(an, bn, wire.FriendshipRequest))); string(got.Nickname) != bn || got.Status != wire.ContactStatusRequest {
			t.Fatalf("alice's view: %+v", got)
		}
		n := b.await(func(r received) bool { return r.topic == "devices/"+bn })
		if got := contactIn(t, n.msg.Body); string(got.Nickname) != an || got.Status != wire.ContactStatusAuthorization {
			t.Fatalf("bob's view: %+v", got)
		}
		if e.hook.Facts().IsFriend(an, bn) {
			t.Fatal("friends before confirmation")
		}
		wantError(t, a.call(p2pMessage(an, bn, "too early")), chat.CodeNotAuthorized)

		// confirm: both friends.
		if got := contactIn(t, b.call(friendReq(bn, an, wire.FriendshipConfirm))); got.Status != wire.ContactStatusFriend {
			t.Fatalf("bob's view after confirm: %+v", got)
		}
		n = a.await(func(r received) bool {
			return r.topic == "devices/"+an && contactIn(t, r.msg.Body).Status == wire.ContactStatusFriend
		})
		if !e.hook.Facts().IsFriend(an, bn) || !e.hook.Facts().IsFriend(bn, an) {
			t.Fatal("not friends after confirmation")
		}
		wantError(t, a.call(friendReq(an, bn, wire.FriendshipRequest)), chat.CodeConflict)
		wantAck(t, a.call(p2pMessage(an, bn, "hello")), "p2p/"+an+"/"+bn)

		// ban: bob's messages to alice... alice bans bob; bob is refused.
		wantOK := func(body wire.CHATProtocol) {
			t.Helper()
			if _, ok := body.(*wire.CHATProtocol_Roster); !ok {
				t.Fatalf("reply %#v", body)
			}
		}
		wantOK(a.call(friendReq(an, bn, wire.FriendshipBan)))
		wantError(t, b.call(p2pMessage(bn, an, "let me in")), chat.CodeNotAuthorized)
		wantError(t, b.call(friendReq(bn, an, wire.FriendshipRequest)), chat.CodeNotAuthorized)
		wantError(t, c.call(friendReq(cn, an, wire.FriendshipUnban)), chat.CodeNotFound)
		wantOK(a.call(friendReq(an, bn, wire.FriendshipUnban)))
		if !e.hook.Facts().IsFriend(an, bn) {
			t.Fatal("unban did not restore the friendship")
		}
		wantAck(t, b.call(p2pMessage(bn, an, "thanks")), "p2p/"+an+"/"+bn)

		// ignore: carol asks alice, alice ignores; no friendship.
		wantOK(c.call(friendReq(cn, an, wire.FriendshipRequest)))
		wantOK(a.call(friendReq(an, cn, wire.FriendshipIgnore)))
		wantError(t, a.call(friendReq(an, cn, wire.FriendshipIgnore)), chat.CodeNotFound)
		if e.hook.Facts().IsFriend(an, cn) {
			t.Fatal("ignored request made friends")
		}
		wantError(t, c.call(p2pMessage(cn, an, "hello?")), chat.CodeNotAuthorized)
	})
}

package chat_test

import (
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

func TestRoster(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn, cn := "alice-"+f.String(), "bob-"+f.String(), "carol-"+f.String()
		for _, n := range []string{an, bn, cn} {
			e.user(n)
		}
		a, b := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f)
		befriend(t, a, b)
		rosterReq := func(st wire.RosterStatus, nicks ...string) *wire.CHATProtocol_Roster {
			r := wire.Roster{Status: st}
			for _, n := range nicks {
				r.Contacts = append(r.Contacts, wire.Contact{Nickname: []byte(n), Names: [][]byte{[]byte("Bobby")},
					Lastmsg:  wire.Message{Feed: &wire.MessageFeed_P2p{}, Link: &wire.MessageLink_Empty{}, Type: wire.MessageTypeSys, Status: wire.MessageStatusClear},
					Presence: wire.PresenceTypeOffline, Status: wire.ContactStatusFriend})
			}
			return &wire.CHATProtocol_Roster{Value: r}
		}
		// add = a friend request.
		add := a.call(rosterReq(wire.RosterStatusAdd, cn))
		if got := contactIn(t, add); got.Status != wire.ContactStatusRequest {
			t.Fatalf("roster add: %+v", got)
		}
		ro := a.call(rosterReq(wire.RosterStatusList)).(*wire.CHATProtocol_Roster).Value
		if len(ro.Contacts) != 2 || string(ro.Contacts[0].Nickname) != bn || ro.Contacts[0].Presence != wire.PresenceTypeOnline ||
			ro.Contacts[1].Status != wire.ContactStatusRequest || ro.Contacts[1].Presence != wire.PresenceTypeOffline {
			t.Fatalf("roster %+v", ro.Contacts)
		}
		if got := contactIn(t, a.call(rosterReq(wire.RosterStatusPatch, bn))); len(got.Names) != 1 || got.Status != wire.ContactStatusFriend {
			t.Fatalf("patched contact %+v", got)
		}
		wantError(t, a.call(rosterReq(wire.RosterStatusPatch, "nobody")), chat.CodeNotFound)
		// del ends the friendship; bob is told.
		contactIn(t, a.call(rosterReq(wire.RosterStatusDel, bn)))
		b.await(func(r received) bool {
			ro, ok := r.msg.Body.(*wire.CHATProtocol_Roster)
			return ok && r.topic == "devices/"+bn && len(ro.Value.Contacts) == 1 && ro.Value.Contacts[0].Status == wire.ContactStatusDeleted
		})
		if e.hook.Facts().IsFriend(an, bn) {
			t.Fatal("still friends after del")
		}
		wantError(t, b.call(p2pMessage(bn, an, "hey")), chat.CodeNotAuthorized)
		wantError(t, a.call(rosterReq(wire.RosterStatusDel, bn)), chat.CodeNotFound)
	})
}

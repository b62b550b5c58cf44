package chat_test

import (
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

// TestFactsSurviveRestart: friendships, bans and memberships are loaded
// from the store at start, and the ACL decides with them.
func TestFactsSurviveRestart(t *testing.T) {
	e := newEnv(t, chat.Options{})
	for _, n := range []string{"alice", "bob", "carol"} {
		e.user(n)
	}
	a, b, c := e.connect(t, "alice", "d1", chat.DER), e.connect(t, "bob", "d1", chat.DER), e.connect(t, "carol", "d1", chat.DER)
	befriend(t, a, b)
	c.call(friendReq("carol", "alice", wire.FriendshipBan))
	create := roomReq("club", wire.RoomStatusCreate, "bob")
	roomOf(t, a.call(create))
	e.restart()

	f := e.hook.Facts()
	if !f.IsFriend("alice", "bob") || f.IsFriend("alice", "carol") || !f.Banned("carol", "alice") {
		t.Fatal("friendships or bans lost across the restart")
	}
	if r, ok := f.Role("club", "alice"); !ok || r != wire.MemberStatusOwner || !f.IsMember("club", "bob") || f.IsMember("club", "carol") {
		t.Fatal("memberships lost across the restart")
	}
	b = e.connect(t, "bob", "d1", chat.DER)
	b.sub("room/club")
	b.sub("contacts/alice")
	c = e.connect(t, "carol", "d1", chat.DER)
	for _, topic := range []string{"room/club", "contacts/alice", "private/alice/bob"} {
		ack, err := c.c.Subscribe(testContext(t), subscribeTo(topic))
		if err == nil && ack.Reasons[0] < 0x80 {
			t.Fatalf("carol subscribed to %s", topic)
		}
	}
	a = e.connect(t, "alice", "d1", chat.DER)
	wantAck(t, a.call(mucMessage("alice", "club", "after the restart")), "muc/club")
	if got := textOf(b.awaitMessage("room/club")); got != "after the restart" {
		t.Fatalf("bob got %q", got)
	}
}

package chat_test

import (
	"fmt"
	"sync"
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

func members(nicks ...string) []wire.Member {
	var out []wire.Member
	for _, n := range nicks {
		out = append(out, wire.Member{Alias: []byte(n), Feed: &wire.MemberFeed_Muc{}, Presence: wire.PresenceTypeOffline, Status: wire.MemberStatusMember})
	}
	return out
}

func roomReq(id string, st wire.RoomStatus, ms ...string) *wire.CHATProtocol_Room {
	return &wire.CHATProtocol_Room{Value: wire.Room{Id: []byte(id), Members: members(ms...), Type: wire.RoomTypeGroup,
		Lastmsg: wire.Message{Feed: &wire.MessageFeed_Muc{}, Link: &wire.MessageLink_Empty{}, Type: wire.MessageTypeSys, Status: wire.MessageStatusClear}, Status: st}}
}

func roomOf(t *testing.T, body wire.CHATProtocol) wire.Room {
	t.Helper()
	r, ok := body.(*wire.CHATProtocol_Room)
	if !ok {
		t.Fatalf("reply %#v, want Room", body)
	}
	return r.Value
}

// event returns the event a system message reports.
func event(m wire.Message) string {
	if m.Type != wire.MessageTypeSys || len(m.Files) != 1 || len(m.Files[0].Data) != 1 {
		return ""
	}
	return string(m.Files[0].Data[0].Value)
}

// TestRoomFifty: a room of 50 members, each connected, each receiving a
// message and the membership changes.
func TestRoomFifty(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		const n = 50
		nicks := make([]string, n)
		for i := range nicks {
			nicks[i] = fmt.Sprintf("m%02d-%s", i, f)
			e.user(nicks[i])
		}
		devs := make([]*dev, n)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var errs []error
		for i := range nicks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, err := e.dial(t, nicks[i], "d1", f)
				mu.Lock()
				defer mu.Unlock()
				devs[i], errs = d, append(errs, err)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		owner := devs[0]
		owner.sub("actions/" + owner.id)
		id := "big-" + f.String()
		r := roomOf(t, owner.call(roomReq(id, wire.RoomStatusCreate, nicks[1:]...)))
		if string(r.Id) != id || len(r.Members) != n || len(r.Admins) != 1 || string(r.Admins[0].Alias) != nicks[0] {
			t.Fatalf("created room: id %s, %d members, admins %v", r.Id, len(r.Members), r.Admins)
		}
		topic := "room/" + id
		for _, d := range devs {
			d.sub(topic)
		}
		ack := wantAck(t, owner.call(mucMessage(nicks[0], id, "hello fifty")), "muc/"+id)
		for _, d := range devs {
			m := d.awaitMessage(topic)
			if string(m.Id) != ack || textOf(m) != "hello fifty" || string(m.From) != nicks[0] {
				t.Fatalf("%s got %+v", d.id, m)
			}
		}
		// Inboxes: the create event and the message, for all but the sender.
		for _, nick := range nicks[1:] {
			if got := e.count("inbox/" + nick + "/q/"); got != 2 {
				t.Fatalf("%s's inbox holds %d, want 2", nick, got)
			}
		}
		if got := e.count("inbox/" + nicks[0] + "/q/"); got != 0 {
			t.Fatalf("the sender's inbox holds %d", got)
		}
		// A member removed by the owner: everyone sees the event, the
		// removed member can no longer write or read.
		gone := devs[n-1]
		gone.sub("actions/" + gone.id)
		roomOf(t, owner.call(roomReq(id, wire.RoomStatusRemove, gone.nick)))
		for _, d := range devs[1 : n-1] {
			if m := d.awaitMessage(topic); event(m) != "remove" || string(m.Mentioned[0]) != gone.nick {
				t.Fatalf("%s: event %q", d.id, event(m))
			}
		}
		// Subscribing to actions/ delivered the inbox (the create event and
		// the message); the removal follows.
		gone.await(func(r received) bool {
			m, ok := r.msg.Body.(*wire.CHATProtocol_Message)
			return ok && r.topic == "actions/"+gone.id && event(m.Value) == "remove"
		})
		wantError(t, gone.call(mucMessage(gone.nick, id, "still here?")), chat.CodeNotAuthorized)
		if e.hook.Facts().IsMember(id, gone.nick) {
			t.Fatal("removed member still in the facts")
		}
	})
}

func TestRoomLifecycle(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		on, an, mn, xn := "owner-"+f.String(), "admin-"+f.String(), "member-"+f.String(), "outsider-"+f.String()
		for _, n := range []string{on, an, mn, xn} {
			e.user(n)
		}
		o, a, m, x := e.connect(t, on, "d1", f), e.connect(t, an, "d1", f), e.connect(t, mn, "d1", f), e.connect(t, xn, "d1", f)
		create := roomReq("", wire.RoomStatusCreate, mn)
		create.Value.Name = []byte("Team " + f.String())
		create.Value.Admins = members(an)
		r := roomOf(t, o.call(create))
		id := string(r.Id)
		if len(id) != 16 || len(r.Members) != 3 || len(r.Admins) != 2 {
			t.Fatalf("created %+v", r)
		}
		wantError(t, o.call(roomReq("bad/id", wire.RoomStatusGet)), chat.CodeInvalidData)
		wantError(t, o.call(roomReq("nope", wire.RoomStatusGet)), chat.CodeNotFound)
		wantError(t, x.call(roomReq(id, wire.RoomStatusGet)), chat.CodeNotAuthorized)
		wantError(t, x.call(mucMessage(xn, id, "hi")), chat.CodeNotAuthorized)
		wantError(t, m.call(roomReq(id, wire.RoomStatusAdd, xn)), chat.CodeNotAuthorized)
		wantError(t, m.call(roomReq(id, wire.RoomStatusPatch)), chat.CodeNotAuthorized)
		wantError(t, a.call(roomReq(id, wire.RoomStatusDelete)), chat.CodeNotAuthorized)
		wantError(t, a.call(roomReq(id, wire.RoomStatusRemove, on)), chat.CodeNotAuthorized)
		wantError(t, o.call(roomReq(id, wire.RoomStatusLeave)), chat.CodeNotAuthorized)
		wantError(t, o.call(roomReq(id, wire.RoomStatusAdd, "ghost")), chat.CodeNotFound)
		before := e.protocolKeys()
		wantError(t, o.call(roomReq(id, wire.RoomStatusCreate)), chat.CodeConflict)
		create.Value.Id = []byte(id)
		wantError(t, o.call(create), chat.CodeConflict)
		if got := e.protocolKeys(); got != before {
			t.Fatalf("refused requests changed the store: %d keys, %d before", got, before)
		}

		m.sub("room/" + id)
		// The admin adds the outsider through MEMBER; the member sees it.
		r = roomOf(t, a.call(&wire.CHATProtocol_Member{Value: wire.Member{
			Feed: &wire.MemberFeed_Muc{Value: wire.MUC{Room: []byte(id)}}, Alias: []byte(xn), Presence: wire.PresenceTypeOffline, Status: wire.MemberStatusMember,
		}}))
		if len(r.Members) != 4 {
			t.Fatalf("after add: %d members", len(r.Members))
		}
		if ev := m.awaitMessage("room/" + id); event(ev) != "add" || string(ev.From) != an {
			t.Fatalf("member saw %q from %s", event(ev), ev.From)
		}
		x.sub("room/" + id)
		wantAck(t, x.call(mucMessage(xn, id, "thanks")), "muc/"+id)
		if got := textOf(m.awaitMessage("room/" + id)); got != "thanks" {
			t.Fatalf("member got %q", got)
		}
		wantOK(t, x.call(roomReq(id, wire.RoomStatusLeave)))
		if ev := m.awaitMessage("room/" + id); event(ev) != "leave" {
			t.Fatalf("member saw %q", event(ev))
		}
		r = roomOf(t, x.call(roomReq(id, wire.RoomStatusJoin)))
		if len(r.Members) != 4 {
			t.Fatalf("after join: %d members", len(r.Members))
		}
		wantError(t, x.call(roomReq(id, wire.RoomStatusJoin)), chat.CodeConflict)

		// mute, patch, history of the room, delete.
		if mr, ok := m.call(roomReq(id, wire.RoomStatusMute)).(*wire.CHATProtocol_Member); !ok || len(mr.Value.Settings) != 1 {
			t.Fatalf("mute reply %#v", mr)
		}
		patch := roomReq(id, wire.RoomStatusPatch)
		patch.Value.Name = []byte("Renamed")
		if r := roomOf(t, a.call(patch)); string(r.Name) != "Renamed" {
			t.Fatalf("patched name %q", r.Name)
		}
		h := m.call(&wire.CHATProtocol_History{Value: wire.History{Feed: &wire.HistoryFeed_Muc{Value: wire.MUC{Room: []byte(id)}}, Size: 100, Status: wire.HistoryStatusGet}})
		if got := ids(t, h); got != "5,4,3,2,1," {
			t.Fatalf("room history %s", got)
		}
		roomOf(t, o.call(roomReq(id, wire.RoomStatusDelete)))
		wantError(t, m.call(mucMessage(mn, id, "anyone?")), chat.CodeNotFound)
		wantError(t, o.call(roomReq(id, wire.RoomStatusGet)), chat.CodeNotFound)
		if got := e.count("room/"+id+"/") + e.count("feed/muc/"+id+"/") + e.count("user/"+mn+"/room/"); got != 0 {
			t.Fatalf("deleted room left %d keys", got)
		}
	})
}

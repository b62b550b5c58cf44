package chat_test

import (
	"testing"

	"github.com/eclipse/paho.golang/paho"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

// trySub subscribes d to topic and returns the SUBACK reason code.
func (d *dev) trySub(topic string) byte {
	d.t.Helper()
	ack, err := d.c.Subscribe(testContext(d.t), &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}})
	if err != nil {
		return 0xff // a refusal may also end in an error of the client
	}
	return ack.Reasons[0]
}

// tryPublish publishes payload on topic and returns the PUBACK reason code.
func (d *dev) tryPublish(topic string, payload []byte) byte {
	d.t.Helper()
	r, err := d.c.Publish(testContext(d.t), &paho.Publish{Topic: topic, QoS: 1, Payload: payload})
	if r != nil {
		return r.ReasonCode
	}
	if err != nil {
		return 0xff
	}
	return 0
}

// quiet awaits marker, published after everything under test by the
// same server-side sequence, so that anything delivered before it is in
// the stash, and checks that the stash holds nothing but what ok allows.
func (d *dev) quiet(what string, marker, ok func(received) bool) {
	d.t.Helper()
	d.await(marker)
	for _, r := range d.stash {
		if !ok(r) {
			d.t.Errorf("%s: %s received %s on %s", what, d.id, typeName(r.msg.Body), r.topic)
		}
	}
	d.stash = nil
}

// forgedTexts are the texts of the messages alice must never get through.
var forgedTexts = map[string]bool{"forged": true, "intrusion": true, "rewritten": true, "as bob": true, "hello stranger": true}

// TestACLMatrix: a user cannot read or write another user's feeds,
// history or inbox by any request or subscription. alice is bob's friend
// and nobody else's; bob and carol are friends and share a room alice is
// not in. Every attempt of alice's is refused, changes nothing in the
// store, and delivers nothing: neither to alice (her devices receive only
// their own replies) nor to bob and carol (who receive only what they are
// sent).
func TestACLMatrix(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn, cn := "alice-"+f.String(), "bob-"+f.String(), "carol-"+f.String()
		for _, n := range []string{an, bn, cn} {
			e.user(n)
		}
		a, spy := e.connect(t, an, "d1", f), e.connect(t, an, "d2", f)
		b, c := e.connect(t, bn, "d1", f), e.connect(t, cn, "d1", f)
		befriend(t, a, b)
		befriend(t, b, c)
		room := "acl-" + f.String()
		roomOf(t, b.call(roomReq(room, wire.RoomStatusCreate, cn)))
		bc, ab := "private/"+bn+"/"+cn, "private/"+an+"/"+bn
		tBC, tAB := "p2p/"+bn+"/"+cn, "p2p/"+an+"/"+bn
		b.sub(bc)
		b.sub(ab)
		b.sub("room/" + room)
		c.sub(bc)
		c.sub("room/" + room)
		a.sub(ab) // allowed: the control that alice does hear her own feed

		// Messages alice may later try to touch: bob's in their feed, and
		// carol's to bob (bob's inbox entry).
		bobsID := wantAck(t, b.call(p2pMessage(bn, an, "bob's words")), tAB)
		a.awaitMessage(ab)
		b.awaitMessage(ab)
		carolsID := wantAck(t, c.call(p2pMessage(cn, bn, "for bob only")), tBC)
		b.awaitMessage(bc)
		inboxB := e.count("inbox/" + bn + "/")
		if inboxB == 0 {
			t.Fatal("bob's inbox is empty")
		}

		// Subscriptions: refused, with and without wildcards, by both of
		// alice's devices.
		for _, d := range []*dev{a, spy} {
			otherDevice := "actions/" + an + ".d2"
			if d == spy {
				otherDevice = "actions/" + an + ".d1"
			}
			for _, topic := range []string{
				otherDevice, bc, "private/" + cn + "/" + bn, "private/" + bn + "/+", "private/+/" + cn, "private/#",
				"room/" + room, "room/+", "room/#",
				"actions/" + bn + ".d1", "actions/+", "actions/#",
				"devices/" + bn, "devices/+",
				"contacts/" + cn, "contacts/+", "contacts/#",
				"events/" + bn + ".d1", "events/" + an + ".d1",
				"#", "+/+/+",
			} {
				if code := d.trySub(topic); code < 0x80 {
					t.Errorf("%s subscribed to %s (reason %#x)", d.id, topic, code)
				}
			}
		}

		before := e.protocolKeys()
		// Requests: each refused with the documented code.
		for _, tc := range []struct {
			what string
			body wire.CHATProtocol
			code string
		}{
			{"history of bob and carol", historyReq(bn, cn, 10, 0), chat.CodeNotAuthorized},
			{"history of bob and carol, newest first", historyReq(cn, bn, 0, 0), chat.CodeNotAuthorized},
			{"history of the room", &wire.CHATProtocol_History{Value: wire.History{
				Feed: &wire.HistoryFeed_Muc{Value: wire.MUC{Room: []byte(room)}}, Size: 10, Status: wire.HistoryStatusGet}}, chat.CodeNotAuthorized},
			{"message from bob", p2pMessage(bn, cn, "forged"), chat.CodeNotAuthorized},
			{"message from bob to alice", p2pMessage(bn, an, "forged"), chat.CodeNotAuthorized},
			{"message to a non-friend", p2pMessage(an, cn, "hello stranger"), chat.CodeNotAuthorized},
			{"message into bob and carol's feed", func() wire.CHATProtocol {
				m := p2pMessage(an, bn, "intrusion")
				m.Value.Feed = &wire.MessageFeed_P2p{Value: wire.P2P{From: []byte(bn), To: []byte(cn)}}
				return m
			}(), chat.CodeNotAuthorized},
			{"message into the room", mucMessage(an, room, "intrusion"), chat.CodeNotAuthorized},
			{"message into the room as carol", mucMessage(cn, room, "intrusion"), chat.CodeNotAuthorized},
			{"edit of bob's message", func() wire.CHATProtocol {
				m := p2pMessage(an, bn, "rewritten")
				m.Value.Id, m.Value.Status = []byte(bobsID), wire.MessageStatusEdit
				return m
			}(), chat.CodeNotAuthorized},
			{"update of bob's message", func() wire.CHATProtocol {
				m := p2pMessage(an, bn, "rewritten")
				m.Value.Id, m.Value.Status = []byte(bobsID), wire.MessageStatusUpdate
				return m
			}(), chat.CodeNotAuthorized},
			{"deletion of bob's message", func() wire.CHATProtocol {
				m := p2pMessage(an, bn, "")
				m.Value.Files, m.Value.Id, m.Value.Status = nil, []byte(bobsID), wire.MessageStatusDelete
				return m
			}(), chat.CodeNotAuthorized},
			{"edit of carol's message", func() wire.CHATProtocol {
				m := p2pMessage(an, bn, "rewritten")
				m.Value.Feed = &wire.MessageFeed_P2p{Value: wire.P2P{From: []byte(cn), To: []byte(bn)}}
				m.Value.Id, m.Value.Status = []byte(carolsID), wire.MessageStatusEdit
				return m
			}(), chat.CodeNotAuthorized},
			{"ack of bob's inbox entry from carol", &wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(tBC), Id: []byte(carolsID)}}, chat.CodeNotFound},
			{"ack of carol's inbox entry of the room", &wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte("muc/" + room), Id: []byte("1")}}, chat.CodeNotFound},
			{"typing in bob and carol's feed", &wire.CHATProtocol_Typing{Value: wire.Typing{Session: []byte(tBC), Comments: [][]byte{[]byte("...")}}}, chat.CodeNotAuthorized},
			{"typing in the room", &wire.CHATProtocol_Typing{Value: wire.Typing{Session: []byte("muc/" + room)}}, chat.CodeNotAuthorized},
			{"room info", roomReq(room, wire.RoomStatusGet), chat.CodeNotAuthorized},
			{"adding herself to the room", roomReq(room, wire.RoomStatusAdd, an), chat.CodeNotAuthorized},
			{"removing carol from the room", roomReq(room, wire.RoomStatusRemove, cn), chat.CodeNotAuthorized},
			{"deleting the room", roomReq(room, wire.RoomStatusDelete), chat.CodeNotAuthorized},
			{"a friend request in carol's name", &wire.CHATProtocol_Friend{Value: wire.Friend{Nickname: []byte(cn), Friend: []byte(an), Type: wire.FriendshipConfirm}}, chat.CodeNotAuthorized},
		} {
			if body := a.call(tc.body); !isError(body, tc.code) {
				t.Errorf("%s: reply %s, want ERROR %s", tc.what, typeName(body), tc.code)
			}
		}
		// Raw publishes outside alice's own events/ topic: refused by the
		// broker (PUBACK reason >= 0x80), so never served as bob's.
		forged := chat.Encode(f, &wire.CHATMessage{No: 77, Body: p2pMessage(bn, cn, "as bob")})
		for _, topic := range []string{"events/" + bn + ".d1", bc, ab, "room/" + room, "actions/" + bn + ".d1", "devices/" + bn, "contacts/" + an} {
			if code := a.tryPublish(topic, forged); code < 0x80 {
				t.Errorf("publish to %s accepted (reason %#x)", topic, code)
			}
		}
		if got := e.protocolKeys(); got != before {
			t.Errorf("refused requests changed the store: %d keys, %d before", got, before)
		}
		if got := e.count("inbox/" + bn + "/"); got != inboxB {
			t.Errorf("bob's inbox holds %d keys, %d before alice's attempts", got, inboxB)
		}
		h := b.call(historyReq(bn, an, 10, 0)).(*wire.CHATProtocol_History).Value
		if len(h.Data) != 1 || textOf(h.Data[0]) != "bob's words" || h.Data[0].Status == wire.MessageStatusDelete {
			t.Errorf("bob's message after alice's attempts: %+v", h.Data)
		}

		// Traffic alice must not see: bob and carol's feed, the room,
		// bob's replies and device notices, carol's presence.
		wantAck(t, b.call(p2pMessage(bn, cn, "secret")), tBC)
		wantAck(t, c.call(mucMessage(cn, room, "members only")), "muc/"+room)
		wantOK(t, c.call(&wire.CHATProtocol_Typing{Value: wire.Typing{Session: []byte(tBC)}}))
		c2 := e.connect(t, cn, "d2", f) // carol's presence changes
		c2.drop()

		// Markers: alice's last request is a message to bob; bob's last is
		// a message to alice. Whatever alice's attempts or bob and carol's
		// traffic delivered to a device was queued before the marker.
		marker := func(d *dev, text string) func(received) bool {
			return func(r received) bool {
				m, ok := r.msg.Body.(*wire.CHATProtocol_Message)
				return ok && r.topic == ab && textOf(m.Value) == text
			}
		}
		wantAck(t, a.call(p2pMessage(an, bn, "marker from alice")), tAB)
		b.await(marker(b, "marker from alice"))
		wantAck(t, b.call(p2pMessage(bn, an, "marker from bob")), tAB)
		// alice's own topics carry her replies, her roster notices and her
		// feed with bob: nothing else, and nothing forged.
		own := func(d *dev) func(received) bool {
			return func(r received) bool {
				if m, ok := r.msg.Body.(*wire.CHATProtocol_Message); ok && forgedTexts[textOf(m.Value)] {
					return false
				}
				return r.topic == "actions/"+d.id || r.topic == "devices/"+an || r.topic == ab
			}
		}
		a.quiet("alice", marker(a, "marker from bob"), own(a))
		spy.sub(ab)
		wantAck(t, b.call(p2pMessage(bn, an, "marker for the spy")), tAB)
		spy.quiet("alice's second device", marker(spy, "marker for the spy"), own(spy))

		// bob and carol received exactly their own traffic.
		for _, want := range []struct {
			d     *dev
			topic string
			texts []string
		}{
			{b, bc, []string{"secret"}},
			{b, "room/" + room, []string{"members only"}},
			{c, bc, []string{"for bob only", "secret"}},
			{c, "room/" + room, []string{"members only"}},
		} {
			for _, text := range want.texts {
				if m := want.d.awaitMessage(want.topic); textOf(m) != text {
					t.Errorf("%s on %s: %q, want %q", want.d.id, want.topic, textOf(m), text)
				}
			}
		}
		for _, d := range []*dev{b, c} {
			for _, r := range d.stash {
				if m, ok := r.msg.Body.(*wire.CHATProtocol_Message); ok && forgedTexts[textOf(m.Value)] {
					t.Errorf("%s received alice's %q on %s", d.id, textOf(m.Value), r.topic)
				}
			}
		}
	})
}

// isError reports whether body is ERROR{code}.
func isError(body wire.CHATProtocol, code string) bool {
	e, ok := body.(*wire.CHATProtocol_Error)
	return ok && e.Value.Code == code
}

package chat_test

import (
	"strconv"
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

// TestMessageTwoUsersTwoDevices: every device of both users sees every
// private message with the server's id, in order.
func TestMessageTwoUsersTwoDevices(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn := "alice-"+f.String(), "bob-"+f.String()
		e.user(an)
		e.user(bn)
		a1, a2 := e.connect(t, an, "d1", f), e.connect(t, an, "d2", f)
		b1, b2 := e.connect(t, bn, "d1", f), e.connect(t, bn, "d2", f)
		befriend(t, a1, b1)
		table, topic := "p2p/"+an+"/"+bn, "private/"+an+"/"+bn
		devs := []*dev{a1, a2, b1, b2}
		for _, d := range devs {
			d.sub(topic)
		}
		const n = 6
		for i := 1; i <= n; i++ {
			from, to, sender := an, bn, a1
			if i%2 == 0 {
				from, to, sender = bn, an, b2
			}
			id := wantAck(t, sender.call(p2pMessage(from, to, "m"+strconv.Itoa(i))), table)
			if id != strconv.Itoa(i) {
				t.Fatalf("message %d got id %s", i, id)
			}
		}
		for _, d := range devs {
			var last int64
			for i := 1; i <= n; i++ {
				m := d.awaitMessage(topic)
				if string(m.Id) != strconv.Itoa(i) || textOf(m) != "m"+strconv.Itoa(i) || m.Created < last || m.Created == 0 {
					t.Fatalf("%s: message %d = id %s text %q created %d", d.id, i, m.Id, textOf(m), m.Created)
				}
				last = m.Created
				wantFrom := an
				if i%2 == 0 {
					wantFrom = bn
				}
				if string(m.From) != wantFrom {
					t.Fatalf("%s: message %d from %s", d.id, i, m.From)
				}
			}
		}
		// The recipients' inboxes hold the messages until acknowledged.
		if got := e.count("inbox/" + bn + "/q/"); got != n/2 {
			t.Fatalf("bob's inbox holds %d, want %d", got, n/2)
		}
		for i := 1; i <= n; i += 2 {
			wantOK(t, b1.call(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: []byte(strconv.Itoa(i))}}))
		}
		if got := e.count("inbox/" + bn + "/"); got != 0 {
			t.Fatalf("bob's inbox holds %d keys after acks", got)
		}
		wantError(t, b2.call(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: []byte("1")}}), chat.CodeNotFound)
		wantError(t, b2.call(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte("p2p/x"), Id: []byte("1")}}), chat.CodeInvalidData)
	})
}

func TestMessageRefusals(t *testing.T) {
	e := newEnv(t, chat.Options{MaxInline: 1000})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn, cn := "alice-"+f.String(), "bob-"+f.String(), "carol-"+f.String()
		for _, n := range []string{an, bn, cn} {
			e.user(n)
		}
		a, b, c := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f), e.connect(t, cn, "d1", f)
		befriend(t, a, b)
		before := e.protocolKeys()
		wantError(t, a.call(p2pMessage(bn, an, "forged")), chat.CodeNotAuthorized)
		wantError(t, a.call(p2pMessage(an, cn, "stranger")), chat.CodeNotAuthorized)
		wantError(t, a.call(p2pMessage(an, an, "myself")), chat.CodeInvalidData)
		m := p2pMessage(an, bn, "x")
		m.Value.Feed = &wire.MessageFeed_P2p{Value: wire.P2P{From: []byte(bn), To: []byte(cn)}}
		wantError(t, a.call(m), chat.CodeNotAuthorized)
		sys := p2pMessage(an, bn, "x")
		sys.Value.Type = wire.MessageTypeSys
		wantError(t, a.call(sys), chat.CodeNotAuthorized)
		big := p2pMessage(an, bn, string(make([]byte, 1200)))
		wantError(t, a.call(big), chat.CodeTooLarge)
		wantError(t, a.call(mucMessage(an, "no-such-room", "x")), chat.CodeNotFound)
		if got := e.protocolKeys(); got != before {
			t.Fatalf("refused messages changed the store: %d keys, %d before", got, before)
		}
		// Inline up to the limit is fine.
		wantAck(t, a.call(p2pMessage(an, bn, string(make([]byte, 990)))), "p2p/"+an+"/"+bn)
		_ = c
	})
}

func TestMessageEditDelete(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn := "alice-"+f.String(), "bob-"+f.String()
		e.user(an)
		e.user(bn)
		a, b := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f)
		befriend(t, a, b)
		table, topic := "p2p/"+an+"/"+bn, "private/"+an+"/"+bn
		b.sub(topic)
		id := wantAck(t, a.call(p2pMessage(an, bn, "helo")), table)
		b.awaitMessage(topic)
		wantOK(t, b.call(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: []byte(id)}}))

		edit := p2pMessage(an, bn, "hello")
		edit.Value.Id, edit.Value.Status = []byte(id), wire.MessageStatusEdit
		forged := p2pMessage(bn, an, "hijack")
		forged.Value.Id, forged.Value.Status = []byte(id), wire.MessageStatusEdit
		wantError(t, b.call(forged), chat.CodeNotAuthorized)
		missing := p2pMessage(an, bn, "x")
		missing.Value.Id, missing.Value.Status = []byte("99"), wire.MessageStatusEdit
		wantError(t, a.call(missing), chat.CodeNotFound)

		if got := wantAck(t, a.call(edit), table); got != id {
			t.Fatalf("edit acked id %s, want %s", got, id)
		}
		m := b.awaitMessage(topic)
		if string(m.Id) != id || textOf(m) != "hello" || m.Status != wire.MessageStatusEdit {
			t.Fatalf("edited message %+v", m)
		}
		// bob acknowledged the original: the edit is in his inbox again.
		if got := e.count("inbox/" + bn + "/q/"); got != 1 {
			t.Fatalf("bob's inbox holds %d entries after the edit", got)
		}

		del := p2pMessage(an, bn, "")
		del.Value.Files = nil
		del.Value.Id, del.Value.Status = []byte(id), wire.MessageStatusDelete
		wantAck(t, a.call(del), table)
		m = b.awaitMessage(topic)
		if m.Status != wire.MessageStatusDelete || len(m.Files) != 0 {
			t.Fatalf("deleted message %+v", m)
		}
		// Still one inbox entry: the edit was not acknowledged yet.
		if got := e.count("inbox/" + bn + "/q/"); got != 1 {
			t.Fatalf("bob's inbox holds %d entries after the deletion", got)
		}
		wantError(t, a.call(del), chat.CodeNotFound)
	})
}

package chat_test

import (
	"strconv"
	"testing"
	"time"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

// TestDeliveryOfflineRecipient: messages to an offline user survive a
// restart of the server, arrive in order on every reconnect until
// acknowledged, and leave the inbox only on the recipient's Ack.
func TestDeliveryOfflineRecipient(t *testing.T) {
	e := newEnv(t, chat.Options{AckTimeout: -1})
	for i, f := range formats {
		an, bn := "alice-"+f.String(), "bob-"+f.String()
		e.user(an)
		e.user(bn)
		a, b := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f)
		befriend(t, a, b)
		b.drop()
		table := "p2p/" + an + "/" + bn
		const n = 8
		for j := 1; j <= n; j++ {
			wantAck(t, a.call(p2pMessage(an, bn, "m"+strconv.Itoa(j))), table)
		}
		if got := e.count("inbox/" + bn + "/q/"); got != n {
			t.Fatalf("%v: inbox holds %d, want %d", f, got, n)
		}
		if i == len(formats)-1 {
			e.restart() // acknowledged messages survive the server process
		}

		// First reconnect: everything, in order, on actions/; ack half.
		// The device's format is remembered in its device record, across
		// the restart.
		b = e.connect(t, bn, "d1", f)
		for j := 1; j <= n; j++ {
			r := b.await(func(r received) bool {
				_, ok := r.msg.Body.(*wire.CHATProtocol_Message)
				return ok && r.topic == "actions/"+b.id
			})
			if r.f != f || r.msg.No != 0 {
				t.Fatalf("%v: redelivery in %v with no %d", f, r.f, r.msg.No)
			}
			m := r.msg.Body.(*wire.CHATProtocol_Message).Value
			if string(m.Id) != strconv.Itoa(j) || textOf(m) != "m"+strconv.Itoa(j) {
				t.Fatalf("%v: redelivery %d: id %s text %q", f, j, m.Id, textOf(m))
			}
			if j <= n/2 {
				wantOK(t, b.call(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: m.Id}}))
			}
		}
		if got := e.count("inbox/" + bn + "/q/"); got != n/2 {
			t.Fatalf("%v: inbox holds %d after %d acks, want %d", f, got, n/2, n/2)
		}
		b.drop()

		// Second reconnect: only the unacknowledged ones, in order.
		b = e.connect(t, bn, "d2", f)
		for j := n/2 + 1; j <= n; j++ {
			m := b.awaitMessage("actions/" + b.id)
			if string(m.Id) != strconv.Itoa(j) {
				t.Fatalf("%v: second redelivery: id %s, want %d", f, m.Id, j)
			}
			wantOK(t, b.call(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: m.Id}}))
		}
		if got := e.count("inbox/" + bn + "/"); got != 0 {
			t.Fatalf("%v: inbox holds %d keys after every ack", f, got)
		}
		b.drop()
		a.drop()
	}
}

// TestDeliveryAckTimeout: a connected recipient that does not acknowledge
// gets the message again on actions/<client>, until it does.
func TestDeliveryAckTimeout(t *testing.T) {
	e := newEnv(t, chat.Options{AckTimeout: 100 * time.Millisecond})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn := "alice-"+f.String(), "bob-"+f.String()
		e.user(an)
		e.user(bn)
		a, b := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f)
		befriend(t, a, b)
		table := "p2p/" + an + "/" + bn
		// bob does not read the private topic: the message reaches him
		// only by redelivery, twice since he does not acknowledge at first.
		id := wantAck(t, a.call(p2pMessage(an, bn, "are you there?")), table)
		for range 2 {
			if m := b.awaitMessage("actions/" + b.id); string(m.Id) != id {
				t.Fatalf("redelivered id %s, want %s", m.Id, id)
			}
		}
		wantOK(t, b.call(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: []byte(id)}}))
		if got := e.count("inbox/" + bn + "/"); got != 0 {
			t.Fatalf("inbox holds %d keys after the ack", got)
		}
	})
}

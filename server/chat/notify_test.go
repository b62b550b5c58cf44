package chat_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/eclipse/paho.golang/paho"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

// TestAckNotification: an Ack with request number 0 (NoReply), as the
// client library sends them, deletes the inbox entry and is not answered;
// nor is a refused request with number 0. Requests are served in order, so
// the reply to a later request proves the earlier ones were served.
func TestAckNotification(t *testing.T) {
	e := newEnv(t, chat.Options{AckTimeout: -1})
	for _, f := range formats {
		an, bn := "alice-n"+f.String(), "bob-n"+f.String()
		e.user(an)
		e.user(bn)
		a, b := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f)
		befriend(t, a, b)
		table, topic := "p2p/"+an+"/"+bn, "private/"+an+"/"+bn
		b.sub(topic)
		const n = 6
		for j := 1; j <= n; j++ {
			wantAck(t, a.call(p2pMessage(an, bn, "m"+strconv.Itoa(j))), table)
		}
		ids := make([][]byte, 0, n)
		for range n {
			ids = append(ids, b.awaitMessage(topic).Id)
		}
		for _, id := range ids {
			b.notify(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: id}})
		}
		// Refused (not the sender), and not answered either.
		b.notify(p2pMessage(an, bn, "forged"))
		// The confirmed Ack of the last entry finds it gone.
		wantError(t, b.call(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: ids[n-1]}}), chat.CodeNotFound)
		if got := e.count("inbox/" + bn + "/"); got != 0 {
			t.Fatalf("%v: inbox holds %d keys after every Ack", f, got)
		}
		for _, r := range b.stash {
			switch r.msg.Body.(type) {
			case *wire.CHATProtocol_Ok, *wire.CHATProtocol_Error:
				t.Fatalf("%v: answer %s with no %d to a request that wanted none", f, typeName(r.msg.Body), r.msg.No)
			}
		}
		if got := e.count("feed/" + table + "/"); got != n {
			t.Fatalf("%v: feed holds %d messages, want %d (the forged one refused)", f, got, n)
		}
		b.drop()
		a.drop()
	}
}

// TestReplyPaths: a device subscribed to its actions/ topic at QoS 0, as
// the client library is, gets its replies written directly; one
// subscribed at QoS 1 gets them through the broker at ReplyQoS. Both get
// every reply, in the request's format and with its number.
func TestReplyPaths(t *testing.T) {
	e := newEnv(t, chat.Options{AckTimeout: -1})
	for _, f := range formats {
		for _, qos := range []byte{0, 1} {
			nick := "rp-" + f.String() + strconv.Itoa(int(qos))
			e.user(nick)
			d, err := e.dial(t, nick, "d1", f)
			if err != nil {
				t.Fatal(err)
			}
			ack, err := d.c.Subscribe(testContext(t), &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: "actions/" + d.id, QoS: qos}}})
			if err != nil || ack.Reasons[0] != qos {
				t.Fatalf("subscribe at QoS %d: %v %v", qos, err, ack)
			}
			for range 3 {
				no := d.send(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte("p2p/" + nick + "/zz"), Id: []byte("1")}})
				r := d.await(func(r received) bool { return r.topic == "actions/"+d.id && r.msg.No == no })
				wantError(t, r.msg.Body, chat.CodeNotFound)
				if r.f != f || r.qos != qos {
					t.Fatalf("%v, subscribed at QoS %d: reply in %v at QoS %d", f, qos, r.f, r.qos)
				}
			}
			d.drop()
		}
	}
}

// TestConcurrentAcks: two devices of one user acknowledge the same inbox
// entries at once. Each entry is deleted once: one Ack gets OK, the other
// not_found. An entry is deleted with single deletions, which must meet
// exactly one Set each, so two deletions of one entry must never both
// apply.
func TestConcurrentAcks(t *testing.T) {
	e := newEnv(t, chat.Options{AckTimeout: -1})
	for _, f := range formats {
		an, bn := "alice-c"+f.String(), "bob-c"+f.String()
		e.user(an)
		e.user(bn)
		a := e.connect(t, an, "d1", f)
		b1, b2 := e.connect(t, bn, "d1", f), e.connect(t, bn, "d2", f)
		befriend(t, a, b1)
		table := "p2p/" + an + "/" + bn
		const n = 40
		ids := make([]string, n)
		for j := range ids {
			ids[j] = wantAck(t, a.call(p2pMessage(an, bn, "m"+strconv.Itoa(j))), table)
		}
		results := make([][n]wire.CHATProtocol, 2)
		for j, id := range ids { // both devices Ack entry j at once, then entry j+1
			var wg sync.WaitGroup
			for d, dev := range []*dev{b1, b2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[d][j] = dev.call(&wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: []byte(id)}})
				}()
			}
			wg.Wait()
		}
		for j := range ids {
			oks := 0
			for d := range results {
				switch r := results[d][j].(type) {
				case *wire.CHATProtocol_Ok:
					oks++
				case *wire.CHATProtocol_Error:
					if string(r.Value.Code) != chat.CodeNotFound {
						t.Fatalf("%v: entry %d: device %d got %s", f, j, d+1, r.Value.Code)
					}
				default:
					t.Fatalf("%v: entry %d: device %d got %s", f, j, d+1, typeName(r))
				}
			}
			if oks != 1 {
				t.Fatalf("%v: entry %d acknowledged %d times, want once", f, j, oks)
			}
		}
		if got := e.count("inbox/" + bn + "/"); got != 0 {
			t.Fatalf("%v: inbox holds %d keys after every Ack", f, got)
		}
		a.drop()
		b1.drop()
		b2.drop()
	}
}

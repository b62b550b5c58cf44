package mqttstore

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/chatim/chat/server/store"
)

// testAuth allows every connection and every topic except "deny/...".
type testAuth struct{ mqtt.HookBase }

func (testAuth) ID() string { return "test-auth" }
func (testAuth) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}
func (testAuth) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }
func (testAuth) OnACLCheck(_ *mqtt.Client, topic string, _ bool) bool {
	return !strings.HasPrefix(topic, "deny/")
}

// startBroker runs a mochi server with the hook on st, listening on a
// loopback port; extra hooks are added after it.
func startBroker(t testing.TB, st *store.Store, extra ...mqtt.Hook) (*mqtt.Server, string) {
	t.Helper()
	srv := mqtt.New(&mqtt.Options{
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err := srv.AddHook(new(testAuth), nil); err != nil {
		t.Fatal(err)
	}
	unsub := func(topic string) bool { return strings.HasPrefix(topic, "req/") }
	if err := srv.AddHook(new(Hook), &Options{DB: st.DB(), Server: srv, Unsubscribable: unsub}); err != nil {
		t.Fatal(err)
	}
	for _, h := range extra {
		if err := srv.AddHook(h, nil); err != nil {
			t.Fatal(err)
		}
	}
	tcp := listeners.NewTCP(listeners.Config{ID: "tcp", Address: "127.0.0.1:0"})
	if err := srv.AddListener(tcp); err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(); err != nil {
		t.Fatal(err)
	}
	return srv, tcp.Address()
}

// inbox collects the payloads a client receives.
type inbox struct {
	mu   sync.Mutex
	got  map[string]int
	more chan struct{}
}

func newInbox() *inbox { return &inbox{got: map[string]int{}, more: make(chan struct{}, 1)} }

func (in *inbox) add(p *paho.Publish) {
	in.mu.Lock()
	in.got[string(p.Payload)]++
	in.mu.Unlock()
	select {
	case in.more <- struct{}{}:
	default:
	}
}

// waitAll waits until every payload in want has arrived at least once and
// returns the delivery counts.
func (in *inbox) waitAll(ctx context.Context, t testing.TB, want []string) map[string]int {
	t.Helper()
	for {
		in.mu.Lock()
		missing := 0
		for _, w := range want {
			if in.got[w] == 0 {
				missing++
			}
		}
		counts := make(map[string]int, len(in.got))
		for k, v := range in.got {
			counts[k] = v
		}
		in.mu.Unlock()
		if missing == 0 {
			return counts
		}
		select {
		case <-in.more:
		case <-ctx.Done():
			t.Fatalf("%d of %d messages never arrived (got %d distinct)", missing, len(want), len(counts))
		}
	}
}

// connect opens an MQTT 5 session. A nil inbox means the client does not
// expect messages.
func connect(ctx context.Context, t testing.TB, addr, id string, cleanStart bool, expiry uint32, in *inbox) (*paho.Client, *paho.Connack) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg := paho.ClientConfig{ClientID: id, Conn: conn}
	if in != nil {
		cfg.OnPublishReceived = []func(paho.PublishReceived) (bool, error){
			func(pr paho.PublishReceived) (bool, error) { in.add(pr.Packet); return true, nil },
		}
	}
	c := paho.NewClient(cfg)
	ack, err := c.Connect(ctx, &paho.Connect{
		ClientID:   id,
		CleanStart: cleanStart,
		KeepAlive:  30,
		Properties: &paho.ConnectProperties{SessionExpiryInterval: &expiry},
	})
	if err != nil {
		t.Fatalf("connect %s: %v", id, err)
	}
	if ack.ReasonCode != 0 {
		t.Fatalf("connect %s: reason %#x", id, ack.ReasonCode)
	}
	t.Cleanup(func() { _ = c.Disconnect(&paho.Disconnect{}) })
	return c, ack
}

func subscribe(ctx context.Context, t testing.TB, c *paho.Client, filter string, qos byte) byte {
	t.Helper()
	ack, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter, QoS: qos}}})
	if err != nil && ack != nil && len(ack.Reasons) == 1 && ack.Reasons[0] >= 0x80 {
		return ack.Reasons[0] // paho reports a refusal as an error too
	}
	if err != nil {
		t.Fatalf("subscribe %s: %v", filter, err)
	}
	return ack.Reasons[0]
}

// publishAll publishes QoS 1 messages, each acknowledged by PUBACK, and
// returns their payloads.
func publishAll(ctx context.Context, t testing.TB, c *paho.Client, topic string, n int, tag string) []string {
	t.Helper()
	var out []string
	for i := range n {
		payload := fmt.Sprintf("%s-%03d", tag, i)
		resp, err := c.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte(payload)})
		if err != nil {
			t.Fatalf("publish %s: %v", payload, err)
		}
		if resp.ReasonCode != 0 {
			t.Fatalf("publish %s: reason %#x", payload, resp.ReasonCode)
		}
		out = append(out, payload)
	}
	return out
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func openStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// keysUnder lists the keys of st under prefix.
func keysUnder(t testing.TB, st *store.Store, prefix string) []string {
	t.Helper()
	var keys []string
	if err := st.Scan([]byte(prefix), func(k, _ []byte) error {
		keys = append(keys, string(k))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestQueuedMessagesSurviveRestart queues QoS 1 messages for an offline
// persistent session, restarts the broker on the reopened store, and
// checks that the subscriber receives every one and the retained message
// is still there.
func TestQueuedMessagesSurviveRestart(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	st := openStore(t, dir)
	srv, addr := startBroker(t, st)

	sub, _ := connect(ctx, t, addr, "alice-phone", false, 3600, newInbox())
	if code := subscribe(ctx, t, sub, "chat/room1", 1); code != 1 {
		t.Fatalf("granted QoS %d, want 1", code)
	}
	if code := subscribe(ctx, t, sub, "deny/secret", 1); code < 0x80 {
		t.Fatalf("subscription to a denied topic granted: %#x", code)
	}
	if err := sub.Disconnect(&paho.Disconnect{}); err != nil {
		t.Fatal(err)
	}

	pub, _ := connect(ctx, t, addr, "bob", true, 0, nil)
	want := publishAll(ctx, t, pub, "chat/room1", 25, "m")
	if _, err := pub.Publish(ctx, &paho.Publish{Topic: "chat/topic", QoS: 1, Retain: true, Payload: []byte("retained-topic")}); err != nil {
		t.Fatal(err)
	}
	_ = pub.Disconnect(&paho.Disconnect{})

	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if subs := keysUnder(t, st, subPrefix); len(subs) != 1 {
		t.Fatalf("stored subscriptions = %q, want only the granted one", subs)
	}
	if pend := keysUnder(t, st, pendingPrefix); len(pend) != 0 {
		t.Fatalf("pending publishes left after a clean shutdown: %d", len(pend))
	}
	for _, k := range keysUnder(t, st, "") {
		if !strings.HasPrefix(k, prefix) {
			t.Fatalf("key %q outside %q", k, prefix)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st = openStore(t, dir)
	srv, addr = startBroker(t, st)
	defer srv.Close()
	in := newInbox()
	_, ack := connect(ctx, t, addr, "alice-phone", false, 3600, in)
	if !ack.SessionPresent {
		t.Fatal("session not present after restart")
	}
	counts := in.waitAll(ctx, t, want)
	for k := range counts {
		if !strings.HasPrefix(k, "m-") {
			t.Fatalf("unexpected message %q", k)
		}
	}

	fresh := newInbox()
	c, _ := connect(ctx, t, addr, "carol", true, 0, fresh)
	subscribe(ctx, t, c, "chat/topic", 1)
	fresh.waitAll(ctx, t, []string{"retained-topic"})
}

// TestCleanStartAndExpiryDeleteSession checks that Clean Start discards a
// stored session and that a session with expiry 0 leaves nothing behind.
func TestCleanStartAndExpiryDeleteSession(t *testing.T) {
	ctx := testContext(t)
	st := openStore(t, t.TempDir())
	srv, addr := startBroker(t, st)

	c, _ := connect(ctx, t, addr, "dave", false, 3600, newInbox())
	subscribe(ctx, t, c, "a/b", 1)
	subscribe(ctx, t, c, "c/#", 1)
	_ = c.Disconnect(&paho.Disconnect{})
	if n := len(keysUnder(t, st, string(clientSubPrefix("dave")))); n != 2 {
		t.Fatalf("stored subscriptions = %d, want 2", n)
	}

	c, ack := connect(ctx, t, addr, "dave", true, 0, newInbox())
	if ack.SessionPresent {
		t.Fatal("session present despite Clean Start")
	}
	if n := len(keysUnder(t, st, string(clientSubPrefix("dave")))); n != 0 {
		t.Fatalf("stored subscriptions after Clean Start = %d, want 0", n)
	}
	subscribe(ctx, t, c, "x/y", 1)
	srv.Close() // waits for the client's disconnect handling
	if keys := keysUnder(t, st, string(clientSubPrefix("dave"))); len(keys) != 0 {
		t.Fatalf("session with expiry 0 left subscriptions: %q", keys)
	}
	if _, err := st.Get(clientKey("dave")); err == nil {
		t.Fatal("session with expiry 0 left its client record")
	}
}

// pendingProbe checks, at the moment mochi is about to send PUBACK, that
// the publish is already durable as a pending record.
type pendingProbe struct {
	mqtt.HookBase
	st    *store.Store
	mu    sync.Mutex
	seen  int
	fails []string
}

func (p *pendingProbe) ID() string           { return "pending-probe" }
func (p *pendingProbe) Provides(b byte) bool { return b == mqtt.OnQosPublish }
func (p *pendingProbe) OnQosPublish(cl *mqtt.Client, pk packets.Packet, _ int64, _ int) {
	if pk.FixedHeader.Type != packets.Puback {
		return
	}
	found := false
	_ = p.st.Scan([]byte(pendingPrefix), func(_, v []byte) error {
		if bytes.Contains(v, []byte(`"origin":"`+cl.ID+`"`)) && bytes.Contains(v, fmt.Appendf(nil, `"packet_id":%d`, pk.PacketID)) {
			found = true
			return store.ErrStop
		}
		return nil
	})
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen++
	if !found {
		p.fails = append(p.fails, fmt.Sprintf("PUBACK %d for %s before its pending record", pk.PacketID, cl.ID))
	}
}

func TestPendingRecordPrecedesPuback(t *testing.T) {
	ctx := testContext(t)
	st := openStore(t, t.TempDir())
	probe := &pendingProbe{st: st}
	srv, addr := startBroker(t, st, probe)
	sub, _ := connect(ctx, t, addr, "erin-sub", true, 3600, newInbox())
	subscribe(ctx, t, sub, "chat/x", 1) // a durable subscriber needs the pending record
	pub, _ := connect(ctx, t, addr, "erin", true, 0, nil)
	publishAll(ctx, t, pub, "chat/x", 10, "p")
	_ = pub.Disconnect(&paho.Disconnect{})
	_ = sub.Disconnect(&paho.Disconnect{})
	srv.Close()
	if probe.seen != 10 || len(probe.fails) > 0 {
		t.Fatalf("probe saw %d PUBACKs; failures: %q", probe.seen, probe.fails)
	}
	if pend := keysUnder(t, st, pendingPrefix); len(pend) != 0 {
		t.Fatalf("%d pending records left after fan-out", len(pend))
	}
}

// TestPendingPublishRedelivered stores a pending record as a crash between
// PUBACK and fan-out leaves it, and checks that the next start delivers it
// durably to the offline subscriber.
func TestPendingPublishRedelivered(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	st := openStore(t, dir)
	srv, addr := startBroker(t, st)
	sub, _ := connect(ctx, t, addr, "frank", false, 3600, newInbox())
	subscribe(ctx, t, sub, "chat/lost", 1)
	_ = sub.Disconnect(&paho.Disconnect{})
	srv.Close()

	rec := messageRecord("IFM", "grace", packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 1},
		TopicName:   "chat/lost",
		Payload:     []byte("acked-before-crash"),
		PacketID:    9,
		Origin:      "grace",
		Created:     time.Now().Unix(),
	}, 0)
	data, _ := rec.MarshalBinary()
	if err := st.Set(pendingKey(41), data); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// The start that redelivers, then another restart before the
	// subscriber returns: the redelivered copy must itself be durable.
	st = openStore(t, dir)
	srv, _ = startBroker(t, st)
	srv.Close()
	if pend := keysUnder(t, st, pendingPrefix); len(pend) != 0 {
		t.Fatalf("pending record not removed after redelivery: %q", pend)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st = openStore(t, dir)
	srv, addr = startBroker(t, st)
	defer srv.Close()
	in := newInbox()
	connect(ctx, t, addr, "frank", false, 3600, in)
	counts := in.waitAll(ctx, t, []string{"acked-before-crash"})
	if counts["acked-before-crash"] != 1 {
		t.Fatalf("delivered %d times, want 1", counts["acked-before-crash"])
	}
}

// publishProbe records, in OnPublish after the store hook's, how many
// pending records exist for each topic published.
type publishProbe struct {
	mqtt.HookBase
	t    testing.TB
	st   *store.Store
	mu   sync.Mutex
	pend map[string]int
}

func (p *publishProbe) ID() string           { return "publish-probe" }
func (p *publishProbe) Provides(b byte) bool { return b == mqtt.OnPublish }
func (p *publishProbe) OnPublish(_ *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	n := len(keysUnder(p.t, p.st, pendingPrefix))
	p.mu.Lock()
	p.pend[pk.TopicName] = n
	p.mu.Unlock()
	return pk, nil
}

// inflightProbe records, in OnQosPublish after the store hook's, whether
// each outgoing PUBLISH has a stored inflight copy, per client.
type inflightProbe struct {
	mqtt.HookBase
	st     *store.Store
	mu     sync.Mutex
	stored map[string][2]int // client id -> {with a copy, without}
}

func (p *inflightProbe) ID() string           { return "inflight-probe" }
func (p *inflightProbe) Provides(b byte) bool { return b == mqtt.OnQosPublish }
func (p *inflightProbe) OnQosPublish(cl *mqtt.Client, pk packets.Packet, _ int64, _ int) {
	if pk.FixedHeader.Type != packets.Publish {
		return
	}
	_, err := p.st.Get(inflightKey(cl.ID, pk.PacketID))
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.stored[cl.ID]
	if err == nil {
		n[0]++
	} else {
		n[1]++
	}
	p.stored[cl.ID] = n
}

// TestInflightOnlyForLastingSessions checks that QoS 1 copies in flight
// are stored for a subscriber whose session outlives its connection, and
// not for one whose session ends with it.
func TestInflightOnlyForLastingSessions(t *testing.T) {
	ctx := testContext(t)
	st := openStore(t, t.TempDir())
	probe := &inflightProbe{st: st, stored: map[string][2]int{}}
	srv, addr := startBroker(t, st, probe)
	defer srv.Close()
	cleanIn, lastingIn := newInbox(), newInbox()
	clean, _ := connect(ctx, t, addr, "ines-clean", true, 0, cleanIn)
	lasting, _ := connect(ctx, t, addr, "ines-lasting", true, 3600, lastingIn)
	subscribe(ctx, t, clean, "chat/ines", 1)
	subscribe(ctx, t, lasting, "chat/ines", 1)
	c, _ := connect(ctx, t, addr, "ines", true, 0, nil)
	sent := publishAll(ctx, t, c, "chat/ines", 5, "i")
	cleanIn.waitAll(ctx, t, sent)
	lastingIn.waitAll(ctx, t, sent)
	for _, cl := range []*paho.Client{c, clean, lasting} {
		_ = cl.Disconnect(&paho.Disconnect{})
	}
	probe.mu.Lock()
	defer probe.mu.Unlock()
	if got := probe.stored["ines-clean"]; got != [2]int{0, 5} {
		t.Errorf("clean session: %d copies stored, %d not; want 0 and 5", got[0], got[1])
	}
	if got := probe.stored["ines-lasting"]; got != [2]int{5, 0} {
		t.Errorf("lasting session: %d copies stored, %d not; want 5 and 0", got[0], got[1])
	}
}

// TestPendingOnlyForDurableSubscribers checks that a QoS 1 publish gets a
// pending record (and so a sync) only when a subscriber could receive it
// after a restart: not on a topic declared unsubscribable, nor without
// subscribers, nor when every subscriber's session ends with its
// connection or subscribed with QoS 0.
func TestPendingOnlyForDurableSubscribers(t *testing.T) {
	ctx := testContext(t)
	st := openStore(t, t.TempDir())
	probe := &publishProbe{t: t, st: st, pend: map[string]int{}}
	srv, addr := startBroker(t, st, probe)
	defer srv.Close()
	clean, _ := connect(ctx, t, addr, "hana-clean", true, 0, newInbox())
	subscribe(ctx, t, clean, "chat/clean", 1)
	subscribe(ctx, t, clean, "chat/durable", 1)
	lasting, _ := connect(ctx, t, addr, "hana-lasting", true, 3600, newInbox())
	subscribe(ctx, t, lasting, "chat/qos0", 0)
	subscribe(ctx, t, lasting, "chat/durable", 1)
	subscribe(ctx, t, lasting, "$share/g/chat/shared", 1)
	away, _ := connect(ctx, t, addr, "hana-away", true, 3600, newInbox())
	subscribe(ctx, t, away, "chat/offline", 1)
	_ = away.Disconnect(&paho.Disconnect{}) // its session stays

	c, _ := connect(ctx, t, addr, "hana", true, 0, nil)
	want := map[string]int{
		"req/hana": 0, "chat/none": 0, "chat/clean": 0, "chat/qos0": 0,
		"chat/durable": 1, "chat/shared": 1, "chat/offline": 1,
	}
	for topic := range want {
		publishAll(ctx, t, c, topic, 1, topic)
	}
	_ = c.Disconnect(&paho.Disconnect{})
	probe.mu.Lock()
	defer probe.mu.Unlock()
	for topic, n := range want {
		if probe.pend[topic] != n {
			t.Errorf("%s: %d pending records seen in OnPublish, want %d", topic, probe.pend[topic], n)
		}
	}
}

package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	mpackets "github.com/mochi-mqtt/server/v2/packets"

	"github.com/chatim/chat/server/ca"
	"github.com/chatim/chat/server/store"
)

// testListener is a minimal mochi listener over a bound net.Listener.
type testListener struct {
	id string
	ln net.Listener
	wg sync.WaitGroup
}

func (l *testListener) Init(*slog.Logger) error { return nil }
func (l *testListener) ID() string              { return l.id }
func (l *testListener) Address() string         { return l.ln.Addr().String() }
func (l *testListener) Protocol() string        { return "tcp" }
func (l *testListener) Serve(establish listeners.EstablishFn) {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			_ = establish(l.id, c)
		}()
	}
}
func (l *testListener) Close(closeClients listeners.CloseFn) {
	_ = l.ln.Close()
	closeClients(l.id)
}

type harness struct {
	srv     *mqtt.Server
	hook    *Hook
	ca      *ca.CA
	tcpAddr string
	tlsAddr string
}

func newHarness(t *testing.T, facts Facts) *harness {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	authority, err := ca.LoadOrCreate(dir, ca.Options{Records: st})
	if err != nil {
		t.Fatal(err)
	}
	if err := SetPassword(st, "alice", []byte("alice-pw")); err != nil {
		t.Fatal(err)
	}
	if err := SetPassword(st, "bob", []byte("bob-pw")); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := mqtt.New(&mqtt.Options{InlineClient: true, Logger: log})
	h := New(Options{
		Store: st, Facts: facts,
		Connack: func(cl *mqtt.Client, code mpackets.Code) error { return srv.SendConnack(cl, code, false, nil) },
	})
	if err := srv.AddHook(h, nil); err != nil {
		t.Fatal(err)
	}
	tcpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tlsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tl := &testListener{id: "tcp", ln: tcpLn}
	sl := &testListener{id: "tls", ln: tls.NewListener(tlsLn, authority.TLSConfig())}
	for _, l := range []*testListener{tl, sl} {
		if err := srv.AddListener(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Serve(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Close()
		tl.wg.Wait()
		sl.wg.Wait()
		_ = st.Close()
	})
	return &harness{srv: srv, hook: h, ca: authority, tcpAddr: tcpLn.Addr().String(), tlsAddr: tlsLn.Addr().String()}
}

// clientCert issues a client certificate for cn from the harness CA.
func (h *harness) clientCert(t *testing.T, cn string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := h.ca.Issue(csr, ca.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
}

type client struct {
	*paho.Client
	msgs chan *paho.Publish
}

type dialOpts struct {
	tls      bool
	cert     *tls.Certificate
	user     string
	password string
	will     string
}

// connect dials the harness and sends CONNECT; it returns the CONNACK even
// when the server refuses.
func (h *harness) connect(t *testing.T, id string, o dialOpts) (*client, *paho.Connack, error) {
	t.Helper()
	var conn net.Conn
	var err error
	if o.tls {
		conf := &tls.Config{RootCAs: h.ca.Pool(), ServerName: "localhost"}
		if o.cert != nil {
			conf.Certificates = []tls.Certificate{*o.cert}
		}
		conn, err = tls.Dial("tcp", h.tlsAddr, conf)
	} else {
		conn, err = net.Dial("tcp", h.tcpAddr)
	}
	if err != nil {
		t.Fatal(err)
	}
	c := &client{msgs: make(chan *paho.Publish, 64)}
	c.Client = paho.NewClient(paho.ClientConfig{
		Conn: packets.NewThreadSafeConn(conn),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			c.msgs <- pr.Packet
			return true, nil
		}},
	})
	cp := &paho.Connect{ClientID: id, KeepAlive: 30, CleanStart: true}
	if o.user != "" {
		cp.Username, cp.UsernameFlag = o.user, true
	}
	if o.password != "" {
		cp.Password, cp.PasswordFlag = []byte(o.password), true
	}
	if o.will != "" {
		cp.WillMessage = &paho.WillMessage{Topic: o.will, Payload: []byte("bye")}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ack, err := c.Connect(ctx, cp)
	if err == nil {
		t.Cleanup(func() { _ = c.Disconnect(&paho.Disconnect{}) })
	} else {
		conn.Close()
	}
	return c, ack, err
}

func (h *harness) mustConnect(t *testing.T, id string, o dialOpts) *client {
	t.Helper()
	c, _, err := h.connect(t, id, o)
	if err != nil {
		t.Fatalf("connect %s: %v", id, err)
	}
	return c
}

func TestConnectReasonCodes(t *testing.T) {
	h := newHarness(t, nil)
	alice := h.clientCert(t, "alice")
	for _, tc := range []struct {
		name string
		id   string
		o    dialOpts
		want byte
	}{
		{"anonymous", "anon.dev1", dialOpts{}, 0},
		{"anonymous over tls", "anon.dev2", dialOpts{tls: true}, 0},
		{"password", "alice.phone", dialOpts{user: "alice", password: "alice-pw"}, 0},
		{"certificate", "alice.laptop", dialOpts{tls: true, cert: &alice}, 0},
		{"certificate and its own username", "alice.tablet", dialOpts{tls: true, cert: &alice, user: "alice"}, 0},
		{"will on own events", "anon.will1", dialOpts{will: "events/anon.will1"}, 0},

		{"no dot", "alicephone", dialOpts{}, 0x85},
		{"empty device", "anon.", dialOpts{}, 0x85},
		{"bad device", "anon.a/b", dialOpts{}, 0x85},
		{"upper-case nickname", "Alice.phone", dialOpts{user: "alice", password: "alice-pw"}, 0x85},
		{"wrong password", "alice.phone", dialOpts{user: "alice", password: "nope"}, 0x86},
		{"unknown user", "carol.phone", dialOpts{user: "carol", password: "x"}, 0x86},
		{"username without password", "alice.phone", dialOpts{user: "alice"}, 0x86},
		{"certificate with another username", "alice.tv", dialOpts{tls: true, cert: &alice, user: "bob"}, 0x86},
		{"anonymous with a user's id", "alice.phone", dialOpts{}, 0x87},
		{"password user with another user's id", "bob.phone", dialOpts{user: "alice", password: "alice-pw"}, 0x87},
		{"password user with an anon id", "anon.phone", dialOpts{user: "alice", password: "alice-pw"}, 0x87},
		{"certificate with another user's id", "bob.laptop", dialOpts{tls: true, cert: &alice}, 0x87},
		{"certificate with an anon id", "anon.laptop", dialOpts{tls: true, cert: &alice}, 0x87},
		{"will elsewhere", "anon.will2", dialOpts{will: "actions/anon.will2"}, 0x87},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ack, err := h.connect(t, tc.id, tc.o)
			if tc.want == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || ack == nil {
				t.Fatalf("connect = %v, %v; want CONNACK 0x%02x", ack, err, tc.want)
			}
			if ack.ReasonCode != tc.want {
				t.Fatalf("CONNACK reason 0x%02x, want 0x%02x", ack.ReasonCode, tc.want)
			}
		})
	}
}

// TestConnectMQTT311 checks the refusal codes of MQTT 3.1.1, which has
// only return codes 1 to 5 [MQTT-3.2.2-6].
func TestConnectMQTT311(t *testing.T) {
	h := newHarness(t, nil)
	for _, tc := range []struct {
		id, user, pw string
		want         byte
	}{
		{"anon.v3", "", "", 0},
		{"bad", "", "", 0x02},                   // identifier rejected
		{"alice.v3", "alice", "nope", 0x05},     // not authorized
		{"bob.v3", "alice", "alice-pw", 0x05},   // not authorized
		{"alice.v3", "alice", "alice-pw", 0x00}, // accepted
	} {
		conn, err := net.Dial("tcp", h.tcpAddr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Write(connect311(tc.id, tc.user, tc.pw)); err != nil {
			t.Fatal(err)
		}
		// CONNACK v3.1.1: 20 02 <session present> <return code>
		var b [4]byte
		if _, err := io.ReadFull(conn, b[:]); err != nil {
			t.Fatalf("%s: reading CONNACK: %v", tc.id, err)
		}
		if b[0] != 0x20 || b[1] != 2 || b[3] != tc.want {
			t.Errorf("%s: CONNACK % x, want return code 0x%02x", tc.id, b, tc.want)
		}
		conn.Close()
	}
}

// connect311 encodes an MQTT 3.1.1 CONNECT with clean session, keepalive
// 30 s, and username and password when user is not empty.
func connect311(id, user, pw string) []byte {
	str := func(b []byte, s string) []byte { return append(append(b, byte(len(s)>>8), byte(len(s))), s...) }
	flags := byte(0x02)
	if user != "" {
		flags |= 0xC0
	}
	body := str(nil, "MQTT")
	body = append(body, 4, flags, 0, 30)
	body = str(body, id)
	if user != "" {
		body = str(str(body, user), pw)
	}
	return append([]byte{0x10, byte(len(body))}, body...) // len < 128: one length byte
}

func TestSubscribeDenied(t *testing.T) {
	h := newHarness(t, fakeFacts{})
	c := h.mustConnect(t, "alice.phone", dialOpts{user: "alice", password: "alice-pw"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, f := range []string{"actions/alice.phone", "devices/alice", "contacts/alice", "contacts/bob",
		"private/alice/bob", "room/r1"} {
		ack, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: f, QoS: 1}}})
		if err != nil || ack.Reasons[0] != 1 {
			t.Errorf("subscribe %s: %v %v; want granted QoS 1", f, ack, err)
		}
	}
	for _, f := range []string{"actions/bob.phone", "events/alice.phone", "devices/bob", "contacts/carol",
		"private/bob/carol", "private/bob/alice", "room/r2", "#", "+/x", "actions/+", "$SYS/#", "$SYS/broker/uptime"} {
		ack, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: f, QoS: 1}}})
		if ack == nil || len(ack.Reasons) != 1 || ack.Reasons[0] != 0x87 {
			t.Errorf("subscribe %s: %v %v; want SUBACK 0x87", f, ack, err)
		}
	}
	// Nothing from the refused filters arrives: the server publishes on
	// each, then on actions/alice.phone; the first message alice gets
	// must be the last one.
	for _, topic := range []string{"actions/bob.phone", "devices/bob", "private/bob/carol", "room/r2", "x/x"} {
		if err := h.srv.Publish(topic, []byte("leak"), false, 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.srv.Publish("actions/alice.phone", []byte("sentinel"), false, 1); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-c.msgs:
		if m.Topic != "actions/alice.phone" || string(m.Payload) != "sentinel" {
			t.Fatalf("received %s %q before the sentinel", m.Topic, m.Payload)
		}
	case <-ctx.Done():
		t.Fatal("sentinel not received")
	}
}

func TestPublishDenied(t *testing.T) {
	h := newHarness(t, nil)
	seen := make(chan *mpackets.Packet, 64)
	err := h.srv.Subscribe("#", 1, func(_ *mqtt.Client, _ mpackets.Subscription, pk mpackets.Packet) {
		if strings.HasPrefix(pk.TopicName, "$SYS/") {
			return
		}
		seen <- &pk
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bob := h.mustConnect(t, "bob.phone", dialOpts{user: "bob", password: "bob-pw"})
	if _, err := bob.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: "actions/bob.phone", QoS: 1}}}); err != nil {
		t.Fatal(err)
	}
	alice := h.mustConnect(t, "alice.phone", dialOpts{user: "alice", password: "alice-pw"})
	anon := h.mustConnect(t, "anon.x", dialOpts{})
	for _, tc := range []struct {
		c     *client
		topic string
	}{
		{alice, "events/bob.phone"},
		{alice, "actions/bob.phone"},
		{alice, "actions/alice.phone"},
		{alice, "private/alice/bob"},
		{alice, "devices/alice"},
		{anon, "events/alice.phone"},
		{anon, "actions/anon.x"},
		{anon, "events/anon.y"},
	} {
		resp, err := tc.c.Publish(ctx, &paho.Publish{Topic: tc.topic, QoS: 1, Payload: []byte("denied")})
		if resp == nil || resp.ReasonCode != 0x87 {
			t.Errorf("publish to %s: %v %v; want PUBACK 0x87", tc.topic, resp, err)
		}
	}
	// QoS 0: silently dropped [MQTT-3.3.5-2 of 3.1.1; 4.13 of 5]; proved below.
	if _, err := alice.Publish(ctx, &paho.Publish{Topic: "events/bob.phone", QoS: 0, Payload: []byte("denied")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c     *client
		topic string
	}{{alice, "events/alice.phone"}, {anon, "events/anon.x"}} {
		resp, err := tc.c.Publish(ctx, &paho.Publish{Topic: tc.topic, QoS: 1, Payload: []byte("allowed")})
		if err != nil || resp.ReasonCode != 0 {
			t.Fatalf("publish to %s: %v %v", tc.topic, resp, err)
		}
	}
	// The two allowed publishes come from two connections, so the broker
	// may deliver them in either order; anything else is a denied publish
	// that got through.
	want := map[string]bool{"events/alice.phone": true, "events/anon.x": true}
	for len(want) > 0 {
		select {
		case pk := <-seen:
			if !want[pk.TopicName] || string(pk.Payload) != "allowed" {
				t.Fatalf("broker saw %s %q: a denied publish got through", pk.TopicName, pk.Payload)
			}
			delete(want, pk.TopicName)
		case <-ctx.Done():
			t.Fatalf("allowed publishes not seen: %v", want)
		}
	}
	// bob never received alice's publish to actions/bob.phone.
	if err := h.srv.Publish("actions/bob.phone", []byte("sentinel"), false, 1); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-bob.msgs:
		if string(m.Payload) != "sentinel" {
			t.Fatalf("bob received %s %q", m.Topic, m.Payload)
		}
	case <-ctx.Done():
		t.Fatal("sentinel not received")
	}
}

func TestTakeoverKeepsIdentity(t *testing.T) {
	h := newHarness(t, nil)
	first := h.mustConnect(t, "alice.phone", dialOpts{user: "alice", password: "alice-pw"})
	second := h.mustConnect(t, "alice.phone", dialOpts{user: "alice", password: "alice-pw"})
	select {
	case <-first.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("first connection not taken over")
	}
	id, ok := h.hook.Identity("alice.phone")
	if !ok || id.Nickname != "alice" || id.Kind != Password || id.Device != "phone" {
		t.Fatalf("Identity after takeover = %+v, %v", id, ok)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := second.Publish(ctx, &paho.Publish{Topic: "events/alice.phone", QoS: 1, Payload: []byte("x")}); err != nil {
		t.Fatalf("publish after takeover: %v", err)
	}
	_ = second.Disconnect(&paho.Disconnect{})
	select {
	case <-second.Done():
	case <-ctx.Done():
		t.Fatal("no disconnect")
	}
}

func TestACLCheckDoesNotAllocate(t *testing.T) {
	h := newHarness(t, fakeFacts{})
	online := h.srv.NewClient(nil, "tcp", "alice.phone", false)
	h.hook.sessions["alice.phone"] = &session{cl: online, id: Identity{Kind: Password, Nickname: "alice", Device: "phone", ClientID: "alice.phone"}}
	offline := h.srv.NewClient(nil, "tcp", "bob.phone", false)
	for _, tc := range []struct {
		cl    *mqtt.Client
		topic string
		write bool
		want  bool
	}{
		{online, "events/alice.phone", true, true},
		{online, "actions/alice.phone", false, true},
		{online, "contacts/bob", false, true},
		{online, "private/alice/bob", false, true},
		{offline, "actions/bob.phone", false, true},
		{offline, "events/bob.phone", true, false}, // no live connection publishes
		{online, "#", false, false},
	} {
		if got := h.hook.OnACLCheck(tc.cl, tc.topic, tc.write); got != tc.want {
			t.Errorf("OnACLCheck(%s, %s, %v) = %v", tc.cl.ID, tc.topic, tc.write, got)
		}
		if n := testing.AllocsPerRun(100, func() { h.hook.OnACLCheck(tc.cl, tc.topic, tc.write) }); n != 0 {
			t.Errorf("OnACLCheck(%s, %s) allocates %v times", tc.cl.ID, tc.topic, n)
		}
	}
}

package listeners_test

import (
	"github.com/chatim/chat/internal/testpki"

	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	pahopackets "github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
	"github.com/quic-go/quic-go"

	"github.com/chatim/chat/server/listeners"
)

// observer allows every client and reports what the broker sees.
type observer struct {
	mqtt.HookBase
	mu         sync.Mutex
	identities map[string]tls.ConnectionState // client id -> TLS state seen at CONNECT
	disconnect chan disconnectEvent
}

type disconnectEvent struct {
	id     string
	err    error
	expire bool
}

func newObserver() *observer {
	return &observer{identities: map[string]tls.ConnectionState{}, disconnect: make(chan disconnectEvent, 64)}
}

func (h *observer) ID() string { return "observer" }

func (h *observer) Provides(b byte) bool {
	return bytes.Contains([]byte{mqtt.OnConnectAuthenticate, mqtt.OnACLCheck, mqtt.OnDisconnect}, []byte{b})
}

func (h *observer) OnConnectAuthenticate(cl *mqtt.Client, _ packets.Packet) bool {
	if c, ok := cl.Net.Conn.(interface{ ConnectionState() tls.ConnectionState }); ok {
		h.mu.Lock()
		h.identities[cl.ID] = c.ConnectionState()
		h.mu.Unlock()
	}
	return true
}

func (h *observer) OnACLCheck(*mqtt.Client, string, bool) bool { return true }

func (h *observer) OnDisconnect(cl *mqtt.Client, err error, expire bool) {
	h.disconnect <- disconnectEvent{id: cl.ID, err: err, expire: expire}
}

func (h *observer) identity(id string) (tls.ConnectionState, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.identities[id]
	return s, ok
}

type broker struct {
	srv  *mqtt.Server
	ln   *listeners.QUIC
	obs  *observer
	pki  *testpki.PKI
	once sync.Once
}

func (b *broker) close() { b.once.Do(func() { _ = b.srv.Close() }) }

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func startBroker(t *testing.T, cfg listeners.QUICConfig) *broker {
	t.Helper()
	b := &broker{obs: newObserver(), pki: testpki.New(t)}
	b.srv = mqtt.New(&mqtt.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := b.srv.AddHook(b.obs, nil); err != nil {
		t.Fatal(err)
	}
	cfg.Address = "127.0.0.1:0"
	cfg.TLSConfig = b.pki.ServerTLS()
	b.ln = listeners.NewQUIC(cfg)
	if err := b.srv.AddListener(b.ln); err != nil {
		t.Fatal(err)
	}
	if err := b.srv.Serve(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.close)
	return b
}

func dialQUIC(t *testing.T, ctx context.Context, addr string, conf *tls.Config) *listeners.StreamConn {
	t.Helper()
	qc, err := quic.DialAddr(ctx, addr, conf, &quic.Config{})
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	str, err := qc.OpenStreamSync(ctx)
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	c := listeners.NewStreamConn(qc, str, 0)
	t.Cleanup(func() { _ = c.Close(); <-c.Done() })
	return c
}

type pahoClient struct {
	*paho.Client
	received   chan *paho.Publish
	disconnect chan *paho.Disconnect
}

func connectPaho(t *testing.T, ctx context.Context, conn net.Conn, id string) *pahoClient {
	t.Helper()
	pc := &pahoClient{received: make(chan *paho.Publish, 64), disconnect: make(chan *paho.Disconnect, 1)}
	pc.Client = paho.NewClient(paho.ClientConfig{
		Conn: pahopackets.NewThreadSafeConn(conn),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(r paho.PublishReceived) (bool, error) {
			pc.received <- r.Packet
			return true, nil
		}},
		OnServerDisconnect: func(d *paho.Disconnect) { pc.disconnect <- d },
	})
	ack, err := pc.Connect(ctx, &paho.Connect{ClientID: id, CleanStart: true, KeepAlive: 30})
	if err != nil {
		t.Fatalf("connect %s: %v", id, err)
	}
	if ack.ReasonCode != 0 {
		t.Fatalf("connect %s: reason %#x", id, ack.ReasonCode)
	}
	t.Cleanup(func() {
		_ = pc.Disconnect(&paho.Disconnect{})
		<-pc.Done()
	})
	return pc
}

func receive(t *testing.T, ctx context.Context, ch <-chan *paho.Publish) *paho.Publish {
	t.Helper()
	select {
	case p := <-ch:
		return p
	case <-ctx.Done():
		t.Fatalf("no message: %v", ctx.Err())
		return nil
	}
}

func awaitDisconnect(t *testing.T, ctx context.Context, obs *observer, id string) disconnectEvent {
	t.Helper()
	for {
		select {
		case ev := <-obs.disconnect:
			if ev.id == id {
				return ev
			}
		case <-ctx.Done():
			t.Fatalf("server did not see %s disconnect: %v", id, ctx.Err())
		}
	}
}

func TestQUICPublishSubscribeMQTT5(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(t, listeners.QUICConfig{})
	conn := dialQUIC(t, ctx, b.ln.Address(), b.pki.ClientTLS(t, "alice.d1"))
	c := connectPaho(t, ctx, conn, "alice.d1")

	if _, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: "t/quic", QoS: 1}}}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	for qos := byte(0); qos <= 1; qos++ {
		payload := []byte(fmt.Sprintf("hello qos %d", qos))
		if _, err := c.Publish(ctx, &paho.Publish{Topic: "t/quic", QoS: qos, Payload: payload}); err != nil {
			t.Fatalf("publish qos %d: %v", qos, err)
		}
		p := receive(t, ctx, c.received)
		if !bytes.Equal(p.Payload, payload) || p.Topic != "t/quic" || p.QoS != qos {
			t.Fatalf("received %q on %q qos %d, want %q qos %d", p.Payload, p.Topic, p.QoS, payload, qos)
		}
	}

	st, ok := b.obs.identity("alice.d1")
	if !ok {
		t.Fatal("broker's net.Conn has no ConnectionState method")
	}
	if st.NegotiatedProtocol != listeners.ALPN || st.Version != tls.VersionTLS13 {
		t.Errorf("ALPN %q version %#x, want %q TLS 1.3", st.NegotiatedProtocol, st.Version, listeners.ALPN)
	}
	if len(st.PeerCertificates) == 0 || st.PeerCertificates[0].Subject.CommonName != "alice.d1" {
		t.Errorf("peer certificates %v, want CN alice.d1", st.PeerCertificates)
	}
	if got := conn.LocalAddr().String(); got == "" || conn.RemoteAddr().String() != b.ln.Address() {
		t.Errorf("addresses local %q remote %q, want remote %q", got, conn.RemoteAddr(), b.ln.Address())
	}
}

// mqtt311 speaks MQTT 3.1.1 with hand-written packets.
type mqtt311 struct {
	t *testing.T
	w io.Writer
	r *bufio.Reader
}

func str(s string) []byte { return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...) }

func (m *mqtt311) send(header byte, body ...[]byte) {
	m.t.Helper()
	b := bytes.Join(body, nil)
	pkt := []byte{header}
	for n := len(b); ; {
		d := byte(n % 128)
		n /= 128
		if n > 0 {
			d |= 0x80
		}
		pkt = append(pkt, d)
		if n == 0 {
			break
		}
	}
	if _, err := m.w.Write(append(pkt, b...)); err != nil {
		m.t.Fatalf("write %#x: %v", header, err)
	}
}

func (m *mqtt311) recv() (byte, []byte) {
	m.t.Helper()
	header, err := m.r.ReadByte()
	if err != nil {
		m.t.Fatalf("read header: %v", err)
	}
	n, shift := 0, 0
	for {
		d, err := m.r.ReadByte()
		if err != nil || shift > 21 {
			m.t.Fatalf("read length: %v", err)
		}
		n |= int(d&0x7f) << shift
		shift += 7
		if d&0x80 == 0 {
			break
		}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(m.r, body); err != nil {
		m.t.Fatalf("read body: %v", err)
	}
	return header, body
}

func TestQUICMQTT311RawPackets(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(t, listeners.QUICConfig{})
	conn := dialQUIC(t, ctx, b.ln.Address(), b.pki.ClientTLS(t, ""))
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	m := &mqtt311{t: t, w: conn, r: bufio.NewReader(conn)}

	m.send(0x10, str("MQTT"), []byte{4, 0x02, 0, 30}, str("raw311")) // CONNECT, clean session
	if h, body := m.recv(); h != 0x20 || !bytes.Equal(body, []byte{0, 0}) {
		t.Fatalf("CONNACK %#x % x, want 0x20 00 00", h, body)
	}
	m.send(0x82, []byte{0, 1}, str("t/311"), []byte{1}) // SUBSCRIBE id 1 QoS 1
	if h, body := m.recv(); h != 0x90 || !bytes.Equal(body, []byte{0, 1, 1}) {
		t.Fatalf("SUBACK %#x % x, want 0x90 00 01 01", h, body)
	}

	m.send(0x30, str("t/311"), []byte("qos0")) // PUBLISH QoS 0
	h, body := m.recv()
	if h != 0x30 || !bytes.Equal(body, append(str("t/311"), "qos0"...)) {
		t.Fatalf("PUBLISH %#x % x, want the QoS 0 message", h, body)
	}

	m.send(0x32, str("t/311"), []byte{0, 2}, []byte("qos1")) // PUBLISH QoS 1 id 2
	var gotAck, gotPub bool
	for !gotAck || !gotPub {
		h, body := m.recv()
		switch {
		case h == 0x40 && bytes.Equal(body, []byte{0, 2}):
			gotAck = true
		case h == 0x32 && len(body) == len(str("t/311"))+2+4 &&
			bytes.HasPrefix(body, str("t/311")) && bytes.HasSuffix(body, []byte("qos1")):
			gotPub = true
			m.send(0x40, body[len(str("t/311")):len(str("t/311"))+2]) // PUBACK its id
		default:
			t.Fatalf("unexpected packet %#x % x", h, body)
		}
	}

	m.send(0xe0) // DISCONNECT
	if ev := awaitDisconnect(t, ctx, b.obs, "raw311"); !ev.expire {
		t.Errorf("clean 3.1.1 session not expired on disconnect")
	}
	// The server ends the stream after a DISCONNECT.
	if _, err := m.r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("read after DISCONNECT: %v, want EOF", err)
	}
}

func TestQUICClientDisconnectFreesSession(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(t, listeners.QUICConfig{})

	// Polite: DISCONNECT, then close.
	c := connectPaho(t, ctx, dialQUIC(t, ctx, b.ln.Address(), b.pki.ClientTLS(t, "")), "polite")
	if _, ok := b.srv.Clients.Get("polite"); !ok {
		t.Fatal("client not registered")
	}
	if err := c.Disconnect(&paho.Disconnect{}); err != nil {
		t.Fatal(err)
	}
	if ev := awaitDisconnect(t, ctx, b.obs, "polite"); !ev.expire {
		t.Error("session not expired")
	}

	// Abrupt: the connection goes away without DISCONNECT.
	conn := dialQUIC(t, ctx, b.ln.Address(), b.pki.ClientTLS(t, ""))
	connectPaho(t, ctx, conn, "abrupt")
	_ = conn.Close()
	if ev := awaitDisconnect(t, ctx, b.obs, "abrupt"); ev.err == nil {
		t.Error("abrupt close reported no error")
	}
	<-conn.Done()

	for _, id := range []string{"polite", "abrupt"} {
		for {
			if _, ok := b.srv.Clients.Get(id); !ok {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("%s still registered", id)
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
}

func TestQUICListenerCloseClosesClients(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(t, listeners.QUICConfig{})
	conn := dialQUIC(t, ctx, b.ln.Address(), b.pki.ClientTLS(t, ""))
	c := connectPaho(t, ctx, conn, "victim")

	b.close()
	select {
	case d := <-c.disconnect:
		if d.ReasonCode != 0x8b {
			t.Errorf("DISCONNECT reason %#x, want 0x8b server shutting down", d.ReasonCode)
		}
	case <-ctx.Done():
		t.Fatal("client got no DISCONNECT before the connection closed")
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("client still running after listener close")
	}
	select {
	case <-conn.Conn().Context().Done():
	case <-ctx.Done():
		t.Fatal("QUIC connection still open after listener close")
	}
	if _, err := quic.DialAddr(ctx, b.ln.Address(), b.pki.ClientTLS(t, ""), &quic.Config{HandshakeIdleTimeout: 200 * time.Millisecond}); err == nil {
		t.Error("dial succeeded after listener close")
	}
}

func TestQUICOneStreamPerConnection(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(t, listeners.QUICConfig{})
	conn := dialQUIC(t, ctx, b.ln.Address(), b.pki.ClientTLS(t, ""))
	connectPaho(t, ctx, conn, "single")
	if _, err := conn.Conn().OpenStream(); err == nil {
		t.Error("second bidirectional stream opened")
	}
	if _, err := conn.Conn().OpenUniStream(); err == nil {
		t.Error("unidirectional stream opened")
	}
}

func TestQUICConnectionWithoutStreamIsClosed(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(t, listeners.QUICConfig{StreamTimeout: 100 * time.Millisecond})
	qc, err := quic.DialAddr(ctx, b.ln.Address(), b.pki.ClientTLS(t, ""), &quic.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer qc.CloseWithError(0, "")
	select {
	case <-qc.Context().Done():
	case <-ctx.Done():
		t.Fatal("idle connection without a stream was not closed")
	}
	var appErr *quic.ApplicationError
	if err := context.Cause(qc.Context()); !errors.As(err, &appErr) || !appErr.Remote {
		t.Errorf("close cause %v, want a remote application close", err)
	}
}

func TestQUICRequiresALPN(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(t, listeners.QUICConfig{})
	conf := b.pki.ClientTLS(t, "")
	conf.NextProtos = []string{"h3"}
	if qc, err := quic.DialAddr(ctx, b.ln.Address(), conf, &quic.Config{}); err == nil {
		_ = qc.CloseWithError(0, "")
		t.Fatal("handshake with ALPN h3 succeeded")
	}
}

func TestQUICInitErrors(t *testing.T) {
	if err := listeners.NewQUIC(listeners.QUICConfig{Address: "127.0.0.1:0"}).Init(slog.Default()); err == nil {
		t.Error("Init without TLS config succeeded")
	}
	pki := testpki.New(t)
	l := listeners.NewQUIC(listeners.QUICConfig{Address: "256.0.0.1:0", TLSConfig: pki.ServerTLS()})
	if err := l.Init(slog.Default()); err == nil || !strings.HasPrefix(err.Error(), "quic listener: ") {
		t.Errorf("Init on a bad address: %v", err)
	}
	if l.ID() != listeners.TypeQUIC || l.Protocol() != listeners.TypeQUIC {
		t.Errorf("ID %q Protocol %q", l.ID(), l.Protocol())
	}
	l.Close(func(string) {}) // Close without Init must not panic
}

func TestQUICNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pki := testpki.New(t)
		srv := mqtt.New(&mqtt.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err := srv.AddHook(newObserver(), nil); err != nil {
			t.Fatal(err)
		}
		ln := listeners.NewQUIC(listeners.QUICConfig{Address: "127.0.0.1:0", TLSConfig: pki.ServerTLS()})
		if err := srv.AddListener(ln); err != nil {
			t.Fatal(err)
		}
		if err := srv.Serve(); err != nil {
			t.Fatal(err)
		}
		var clients []*paho.Client
		var conns []*listeners.StreamConn
		for i := range 3 {
			qc, err := quic.DialAddr(ctx, ln.Address(), pki.ClientTLS(t, ""), &quic.Config{})
			if err != nil {
				t.Fatal(err)
			}
			s, err := qc.OpenStreamSync(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conn := listeners.NewStreamConn(qc, s, 0)
			conns = append(conns, conn)
			c := paho.NewClient(paho.ClientConfig{Conn: pahopackets.NewThreadSafeConn(conn)})
			if _, err := c.Connect(ctx, &paho.Connect{ClientID: fmt.Sprint("leak", i), CleanStart: true, KeepAlive: 30}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Publish(ctx, &paho.Publish{Topic: "t", QoS: 1, Payload: []byte("x")}); err != nil {
				t.Fatal(err)
			}
			clients = append(clients, c)
		}
		_ = clients[0].Disconnect(&paho.Disconnect{}) // one leaves by itself
		<-clients[0].Done()
		_ = srv.Close() // the others are closed by the server
		for _, c := range clients {
			<-c.Done()
		}
		for _, c := range conns {
			<-c.Done()
		}
	}()

	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			var buf strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&buf, 1)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

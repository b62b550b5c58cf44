package client_test

import (
	"fmt"
	"github.com/chatim/chat/internal/testpki"

	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
	"github.com/gorilla/websocket"
	mqtt "github.com/mochi-mqtt/server/v2"
	mochilisteners "github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/chatim/chat/server/client"
	"github.com/chatim/chat/server/listeners"
)

// recorder allows bob/secret and anyone with a client certificate, and
// records the identity the broker saw for each client id.
type recorder struct {
	mqtt.HookBase
	mu      sync.Mutex
	who     map[string]string
	recvMax map[string]uint16 // Receive Maximum announced in CONNECT
}

func (h *recorder) ID() string { return "recorder" }

func (h *recorder) Provides(b byte) bool {
	return bytes.Contains([]byte{mqtt.OnConnectAuthenticate, mqtt.OnACLCheck}, []byte{b})
}

func (h *recorder) OnConnectAuthenticate(cl *mqtt.Client, pk packets.Packet) bool {
	who := ""
	if c, ok := cl.Net.Conn.(interface{ ConnectionState() tls.ConnectionState }); ok {
		if st := c.ConnectionState(); len(st.PeerCertificates) > 0 {
			who = "cert:" + st.PeerCertificates[0].Subject.CommonName
		}
	}
	if who == "" {
		if string(pk.Connect.Username) != "bob" || string(pk.Connect.Password) != "secret" {
			return false
		}
		who = "user:bob"
	}
	h.mu.Lock()
	h.who[cl.ID] = who
	h.recvMax[cl.ID] = pk.Properties.ReceiveMaximum
	h.mu.Unlock()
	return true
}

func (h *recorder) OnACLCheck(*mqtt.Client, string, bool) bool { return true }

func (h *recorder) identity(id string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.who[id]
}

func (h *recorder) receiveMaximum(id string) uint16 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.recvMax[id]
}

type broker struct {
	srv *mqtt.Server
	rec *recorder
	pki *testpki.PKI
	url map[string]string // scheme -> URL
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// freePort reserves a loopback TCP port for mochi's WebSocket listener,
// which cannot report the port it bound.
func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startBroker(t *testing.T) *broker {
	t.Helper()
	b := newBroker(t)
	t.Cleanup(func() { _ = b.srv.Close() })
	return b
}

// newBroker starts a mochi broker with TCP, TLS, WebSocket and QUIC
// listeners on loopback; the caller closes it.
func newBroker(t *testing.T) *broker {
	t.Helper()
	b := &broker{rec: &recorder{who: map[string]string{}, recvMax: map[string]uint16{}}, pki: testpki.New(t), url: map[string]string{}}
	b.srv = mqtt.New(&mqtt.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := b.srv.AddHook(b.rec, nil); err != nil {
		t.Fatal(err)
	}
	tcp := mochilisteners.NewTCP(mochilisteners.Config{ID: "tcp", Address: "127.0.0.1:0"})
	tlsl := mochilisteners.NewTCP(mochilisteners.Config{ID: "tls", Address: "127.0.0.1:0", TLSConfig: b.pki.ServerTLS()})
	wsAddr := freePort(t)
	ws := mochilisteners.NewWebsocket(mochilisteners.Config{ID: "ws", Address: wsAddr})
	q := listeners.NewQUIC(listeners.QUICConfig{Address: "127.0.0.1:0", TLSConfig: b.pki.ServerTLS()})
	for _, l := range []mochilisteners.Listener{tcp, tlsl, ws, q} {
		if err := b.srv.AddListener(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.srv.Serve(); err != nil {
		t.Fatal(err)
	}
	// mochi's WebSocket listener binds in Serve, on its own goroutine.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", wsAddr)
		if err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("websocket listener not up: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.url["tcp"] = "tcp://" + tcp.Address()
	b.url["tls"] = "tls://" + tlsl.Address()
	b.url["ws"] = "ws://" + wsAddr + "/mqtt"
	b.url["quic"] = "quic://" + q.Address()
	b.url["quic-localhost"] = "quic://localhost:" + q.Address()[strings.LastIndexByte(q.Address(), ':')+1:]
	return b
}

func TestConnectPublishSubscribe(t *testing.T) {
	b := startBroker(t)
	ctx := testContext(t)
	for _, tc := range []struct {
		scheme   string
		cn       string // client certificate, if any
		identity string
	}{
		{"tcp", "", "user:bob"},
		{"ws", "", "user:bob"},
		{"tls", "alice.d1", "cert:alice.d1"},
		{"quic", "alice.d1", "cert:alice.d1"},
		{"tls", "", "user:bob"},
		{"quic", "", "user:bob"},
		{"quic-localhost", "", "user:bob"}, // resolved, IPv4 tried first
	} {
		name := tc.scheme + "/" + tc.identity
		t.Run(name, func(t *testing.T) {
			id := strings.NewReplacer("/", "-", ":", "-").Replace(name)
			got := make(chan *paho.Publish, 4)
			c, err := client.Connect(ctx, b.url[tc.scheme], client.ConnectOptions{
				ClientID:   id,
				Username:   "bob",
				Password:   []byte("secret"),
				CleanStart: true,
				TLS:        b.pki.ClientTLS(t, tc.cn),
				OnPublish:  func(p *paho.Publish) { got <- p },
			})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				_ = c.Disconnect(&paho.Disconnect{})
				<-c.Done()
			}()
			if who := b.rec.identity(id); who != tc.identity {
				t.Errorf("broker saw %q, want %q", who, tc.identity)
			}
			topic := "t/" + id
			if _, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}}); err != nil {
				t.Fatal(err)
			}
			payload := bytes.Repeat([]byte(id), 1000) // several reads and frames
			if _, err := c.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: payload}); err != nil {
				t.Fatal(err)
			}
			select {
			case p := <-got:
				if p.Topic != topic || p.QoS != 1 || !bytes.Equal(p.Payload, payload) {
					t.Errorf("got %d bytes on %q qos %d", len(p.Payload), p.Topic, p.QoS)
				}
			case <-ctx.Done():
				t.Fatal("no message")
			}
		})
	}
}

// TestConnectReceiveMaximum checks the Receive Maximum the client
// announces, and that with none announced the broker sends many QoS 1
// messages before any is acknowledged.
func TestConnectReceiveMaximum(t *testing.T) {
	b := startBroker(t)
	ctx := testContext(t)
	for _, tc := range []struct {
		set, want uint16
		qos1      bool // subscribe at QoS 1, hold the acknowledgements
	}{{0, 0, true}, {client.QoS0ReceiveMaximum, client.QoS0ReceiveMaximum, false}} {
		id := fmt.Sprintf("recvmax-%d", tc.set)
		const n = 200
		got := make(chan *paho.Publish, n)
		release := make(chan struct{})
		c, err := client.Connect(ctx, b.url["tcp"], client.ConnectOptions{
			ClientID: id, Username: "bob", Password: []byte("secret"), CleanStart: true,
			ReceiveMaximum: tc.set,
			OnPublish: func(p *paho.Publish) {
				<-release // the acknowledgement waits until all are published
				got <- p
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if rm := b.rec.receiveMaximum(id); rm != tc.want {
			t.Errorf("%s: broker saw Receive Maximum %d, want %d", id, rm, tc.want)
		}
		topic := "t/" + id
		qos := byte(0)
		if tc.qos1 {
			qos = 1
		}
		if _, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: qos}}}); err != nil {
			t.Fatal(err)
		}
		pub, err := client.Connect(ctx, b.url["tcp"], client.ConnectOptions{
			ClientID: id + "-pub", Username: "bob", Password: []byte("secret"), CleanStart: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte{byte(i)}}); err != nil {
				t.Fatal(err)
			}
		}
		close(release)
		seen := map[byte]bool{}
		for len(seen) < n {
			select {
			case p := <-got:
				if p.QoS != qos {
					t.Fatalf("%s: delivered at QoS %d, want %d", id, p.QoS, qos)
				}
				seen[p.Payload[0]] = true
			case <-ctx.Done():
				t.Fatalf("%s: %d of %d messages arrived", id, len(seen), n)
			}
		}
		for _, c := range []*paho.Client{c, pub} {
			_ = c.Disconnect(&paho.Disconnect{})
			<-c.Done()
		}
	}
}

func TestConnectRefused(t *testing.T) {
	b := startBroker(t)
	ctx := testContext(t)
	_, err := client.Connect(ctx, b.url["tcp"], client.ConnectOptions{ClientID: "mallory", Username: "bob", Password: []byte("wrong")})
	if err == nil || !strings.Contains(err.Error(), "reason code 0x86") {
		t.Fatalf("wrong password: %v, want reason code 0x86", err)
	}
}

func TestDialErrors(t *testing.T) {
	ctx := testContext(t)
	if _, err := client.Dial(ctx, "http://127.0.0.1:1", client.Options{}); !errors.Is(err, client.ErrScheme) {
		t.Errorf("http scheme: %v, want ErrScheme", err)
	}
	if _, err := client.Dial(ctx, "tcp://127.0.0.1:1", client.Options{}); err == nil || !strings.HasPrefix(err.Error(), "client: dial tcp://127.0.0.1:1: ") {
		t.Errorf("closed port: %v", err)
	}
	// A server whose certificate the client does not trust.
	b := startBroker(t)
	for _, scheme := range []string{"tls", "quic"} {
		if c, err := client.Dial(ctx, b.url[scheme], client.Options{}); err == nil {
			_ = c.Close()
			t.Errorf("%s: untrusted server accepted", scheme)
		}
	}
}

// TestWebSocketSubprotocol checks what mochi's WebSocket listener
// negotiates: subprotocol "mqtt" on /mqtt, and on every other path too
// (it serves MQTT on all paths). Each connection completes an MQTT
// handshake before it is closed.
func TestWebSocketSubprotocol(t *testing.T) {
	b := startBroker(t)
	ctx := testContext(t)
	base := strings.TrimSuffix(b.url["ws"], "/mqtt")
	// MQTT 3.1.1 CONNECT: clean session, empty client id, bob/secret.
	connect := []byte{0x10, 25, 0, 4, 'M', 'Q', 'T', 'T', 4, 0xc2, 0, 30, 0, 0,
		0, 3, 'b', 'o', 'b', 0, 6, 's', 'e', 'c', 'r', 'e', 't'}
	for _, tc := range []struct {
		path, offer, want string
	}{
		{"/mqtt", "mqtt", "mqtt"},
		{"/", "mqtt", "mqtt"},
		{"/anything", "mqtt", "mqtt"},
		{"/mqtt", "", ""}, // nothing offered, nothing chosen: Dial refuses this
	} {
		d := websocket.Dialer{}
		if tc.offer != "" {
			d.Subprotocols = []string{tc.offer}
		}
		c, resp, err := d.DialContext(ctx, base+tc.path, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if resp.StatusCode != http.StatusSwitchingProtocols || c.Subprotocol() != tc.want {
			t.Errorf("%s offering %q: status %d subprotocol %q, want %q", tc.path, tc.offer, resp.StatusCode, c.Subprotocol(), tc.want)
		}
		if err := c.WriteMessage(websocket.BinaryMessage, connect); err != nil {
			t.Fatal(err)
		}
		_, msg, err := c.ReadMessage()
		if err != nil || !bytes.Equal(msg, []byte{0x20, 2, 0, 0}) {
			t.Errorf("%s: CONNACK % x, %v", tc.path, msg, err)
		}
		_ = c.Close()
	}
}

func TestClientNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		b := newBroker(t)
		defer b.srv.Close()
		for _, scheme := range []string{"tcp", "tls", "ws", "quic"} {
			c, err := client.Connect(ctx, b.url[scheme], client.ConnectOptions{
				ClientID: "leak-" + scheme, Username: "bob", Password: []byte("secret"), TLS: b.pki.ClientTLS(t, ""),
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Publish(ctx, &paho.Publish{Topic: "t", QoS: 1, Payload: []byte("x")}); err != nil {
				t.Fatal(err)
			}
			_ = c.Disconnect(&paho.Disconnect{})
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

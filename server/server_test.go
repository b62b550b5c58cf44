package server_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server"
	"github.com/chatim/chat/server/admin"
	"github.com/chatim/chat/server/auth"
	"github.com/chatim/chat/server/ca"
	"github.com/chatim/chat/server/client"
	"github.com/chatim/chat/server/store"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newServer starts a server on a fresh data directory with every listener
// on a loopback port chosen by the kernel.
func newServer(t *testing.T, dir string) *server.Server {
	t.Helper()
	return startServer(t, server.Config{
		DataDir: dir, TLSAddr: "127.0.0.1:0", QUICAddr: "127.0.0.1:0", WSAddr: "127.0.0.1:0",
		TCPAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0",
	})
}

// startServer starts a server with cfg, logging nowhere unless cfg has a
// logger, and shuts it down when the test ends.
func startServer(t *testing.T, cfg server.Config) *server.Server {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return srv
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// issue returns a client certificate for cn from the server's CA.
func issue(t *testing.T, authority *ca.CA, cn string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := authority.Issue(csr, ca.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
}

// peer is a connected test client and the messages it receives.
type peer struct {
	*paho.Client
	id   string
	msgs chan *paho.Publish
}

func connect(t *testing.T, url string, o client.ConnectOptions) (*peer, error) {
	t.Helper()
	p := &peer{id: o.ClientID, msgs: make(chan *paho.Publish, 100)}
	o.OnPublish = func(m *paho.Publish) { p.msgs <- m }
	c, err := client.Connect(testContext(t), url, o)
	if err != nil {
		return nil, err
	}
	p.Client = c
	t.Cleanup(func() { _ = c.Disconnect(&paho.Disconnect{}) })
	return p, nil
}

func mustConnect(t *testing.T, url string, o client.ConnectOptions) *peer {
	t.Helper()
	p, err := connect(t, url, o)
	if err != nil {
		t.Fatalf("connect %s to %s: %v", o.ClientID, url, err)
	}
	return p
}

func (p *peer) subscribe(t *testing.T, filter string) byte {
	t.Helper()
	ack, err := p.Subscribe(testContext(t), &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter, QoS: 1}}})
	if ack == nil {
		t.Fatalf("%s: subscribe %s: %v", p.id, filter, err)
	}
	return ack.Reasons[0]
}

func (p *peer) publish(t *testing.T, topic string, payload []byte) byte {
	t.Helper()
	resp, err := p.Publish(testContext(t), &paho.Publish{Topic: topic, QoS: 1, Payload: payload})
	if resp == nil {
		t.Fatalf("%s: publish %s: %v", p.id, topic, err)
	}
	return resp.ReasonCode
}

func (p *peer) next(t *testing.T) *paho.Publish {
	t.Helper()
	select {
	case m := <-p.msgs:
		return m
	case <-testContext(t).Done():
		t.Fatalf("%s: no message received", p.id)
		return nil
	}
}

type format int

const (
	der format = iota
	etf
)

func encode(t *testing.T, f format, m *chat.CHATMessage) []byte {
	t.Helper()
	var b []byte
	var err error
	if f == etf {
		b, err = m.MarshalETF()
	} else {
		b, err = m.MarshalDER()
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkReply decodes a reply in the expected format and checks its no and
// error code.
func checkReply(t *testing.T, m *paho.Publish, topic string, f format, no int64, code string) {
	t.Helper()
	if m.Topic != topic {
		t.Fatalf("reply on %s, want %s", m.Topic, topic)
	}
	var reply chat.CHATMessage
	var err error
	if f == etf {
		if m.Payload[0] != 0x83 {
			t.Fatalf("reply % x is not ETF", m.Payload)
		}
		err = reply.UnmarshalETF(m.Payload)
	} else {
		if m.Payload[0] != 0x30 {
			t.Fatalf("reply % x is not DER", m.Payload)
		}
		err = reply.UnmarshalDER(m.Payload)
	}
	if err != nil {
		t.Fatalf("reply does not decode: %v", err)
	}
	e, ok := reply.Body.(*chat.CHATProtocol_Error)
	if reply.No != no || !ok || e.Value.Code != code {
		t.Fatalf("reply = no %d, body %#v; want no %d, ERROR %q", reply.No, reply.Body, no, code)
	}
}

func TestTransportsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	srv := newServer(t, dir)
	if err := auth.SetPassword(srv.Store(), "alice", []byte("alice-pw")); err != nil {
		t.Fatal(err)
	}
	cert := issue(t, srv.CA(), "alice")
	certTLS := &tls.Config{RootCAs: srv.CA().Pool(), Certificates: []tls.Certificate{cert}}
	for _, tr := range []struct {
		name string
		url  string
		tls  bool
	}{
		{"tls", "tls://" + srv.Addr(server.TLS), true},
		{"quic", "quic://" + srv.Addr(server.QUIC), true},
		{"ws", "ws://" + srv.Addr(server.WS) + server.WebSocketPath, false},
		{"tcp", "tcp://" + srv.Addr(server.TCP), false},
	} {
		t.Run(tr.name, func(t *testing.T) {
			o := client.ConnectOptions{ClientID: "alice." + tr.name, CleanStart: true}
			if tr.tls {
				o.TLS = certTLS
			} else {
				o.Username, o.Password = "alice", []byte("alice-pw")
			}
			p := mustConnect(t, tr.url, o)
			actions := "actions/" + p.id
			if code := p.subscribe(t, actions); code != 1 {
				t.Fatalf("subscribe %s: 0x%02x", actions, code)
			}
			body := &chat.CHATProtocol_Error{Value: chat.ERROR{Code: "ping"}}
			for i, f := range []format{der, etf} {
				no := int64(1000 + i)
				req := encode(t, f, &chat.CHATMessage{No: no, Headers: [][]byte{[]byte("h")}, Body: body})
				if code := p.publish(t, "events/"+p.id, req); code != 0 {
					t.Fatalf("publish: 0x%02x", code)
				}
				checkReply(t, p.next(t), actions, f, no, "not_implemented")
			}
			for _, bad := range []struct {
				payload []byte
				f       format
			}{
				{[]byte("hello"), der},
				{[]byte{0x30, 0x05, 0x02, 0x01}, der},       // truncated
				{[]byte{0x83, 0x68, 0x04, 0x64}, etf},       // truncated
				{[]byte{0x30, 0x03, 0x02, 0x01, 0x07}, der}, // a SEQUENCE that is no CHATMessage
				{nil, der},
			} {
				p.publish(t, "events/"+p.id, bad.payload)
				checkReply(t, p.next(t), actions, bad.f, 0, "invalid_data")
			}
		})
	}
	body := get(t, "http://"+srv.Addr(server.Admin)+"/metrics")
	for _, want := range []string{`chatd_decode_errors_total{format="der"} 8`, `chatd_decode_errors_total{format="etf"} 4`,
		`chatd_decode_errors_total{format="unknown"} 8`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	return string(b)
}

func TestACLMatrix(t *testing.T) {
	srv := newServer(t, t.TempDir())
	for _, u := range []string{"alice", "bob"} {
		if err := auth.SetPassword(srv.Store(), u, []byte(u+"-pw")); err != nil {
			t.Fatal(err)
		}
	}
	url := "tcp://" + srv.Addr(server.TCP)
	bob := mustConnect(t, url, client.ConnectOptions{ClientID: "bob.tcp", CleanStart: true, Username: "bob", Password: []byte("bob-pw")})
	if code := bob.subscribe(t, "actions/bob.tcp"); code != 1 {
		t.Fatalf("bob subscribe: 0x%02x", code)
	}
	alice := mustConnect(t, url, client.ConnectOptions{ClientID: "alice.tcp", CleanStart: true, Username: "alice", Password: []byte("alice-pw")})
	anon := mustConnect(t, url, client.ConnectOptions{ClientID: "anon.tcp", CleanStart: true})

	for _, tc := range []struct {
		p     *peer
		topic string
	}{
		{alice, "events/bob.tcp"}, {alice, "actions/bob.tcp"}, {alice, "actions/alice.tcp"}, {alice, "devices/bob"},
		{anon, "events/alice.tcp"}, {anon, "events/anon.other"}, {anon, "actions/anon.tcp"}, {anon, "devices/anon"},
		{anon, "private/alice/bob"},
	} {
		if code := tc.p.publish(t, tc.topic, []byte("x")); code != 0x87 {
			t.Errorf("%s publish to %s: PUBACK 0x%02x, want 0x87", tc.p.id, tc.topic, code)
		}
	}
	for _, tc := range []struct {
		p      *peer
		filter string
	}{
		{alice, "actions/bob.tcp"}, {alice, "#"}, {alice, "+/x"}, {alice, "actions/+"}, {alice, "events/alice.tcp"},
		{alice, "devices/bob"}, {alice, "private/bob/carol"}, {alice, "$SYS/#"},
		{anon, "devices/anon"}, {anon, "actions/alice.tcp"}, {anon, "#"},
	} {
		if code := tc.p.subscribe(t, tc.filter); code != 0x87 {
			t.Errorf("%s subscribe %s: SUBACK 0x%02x, want 0x87", tc.p.id, tc.filter, code)
		}
	}
	// Nothing reached bob: his first message is the reply to his own request.
	req := encode(t, der, &chat.CHATMessage{No: 77, Body: &chat.CHATProtocol_Error{Value: chat.ERROR{Code: "ping"}}})
	bob.publish(t, "events/bob.tcp", req)
	checkReply(t, bob.next(t), "actions/bob.tcp", der, 77, "not_implemented")
	// The allowed operations of an anonymous client work.
	if code := anon.subscribe(t, "actions/anon.tcp"); code != 1 {
		t.Fatalf("anon subscribe: 0x%02x", code)
	}
	anon.publish(t, "events/anon.tcp", req)
	checkReply(t, anon.next(t), "actions/anon.tcp", der, 77, "not_implemented")
}

// TestMQTT311 speaks raw MQTT 3.1.1 (protocol level 4) over every
// transport: CONNECT, SUBSCRIBE to its own actions topic, and the broker's
// 3.1.1 answers, byte for byte.
func TestMQTT311(t *testing.T) {
	srv := newServer(t, t.TempDir())
	for _, tr := range []struct{ name, url string }{
		{"tcp", "tcp://" + srv.Addr(server.TCP)},
		{"tls", "tls://" + srv.Addr(server.TLS)},
		{"quic", "quic://" + srv.Addr(server.QUIC)},
		{"ws", "ws://" + srv.Addr(server.WS) + server.WebSocketPath},
	} {
		t.Run(tr.name, func(t *testing.T) {
			conn, err := client.Dial(testContext(t), tr.url, client.Options{TLS: &tls.Config{RootCAs: srv.CA().Pool()}})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			id := "anon.v311" + tr.name
			pkt := []byte{0x10, byte(12 + len(id)), 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 30, 0, byte(len(id))}
			if _, err := conn.Write(append(pkt, id...)); err != nil {
				t.Fatal(err)
			}
			var ack [4]byte
			if _, err := io.ReadFull(conn, ack[:]); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ack[:], []byte{0x20, 2, 0, 0}) {
				t.Fatalf("CONNACK % x, want 20 02 00 00", ack)
			}
			// SUBSCRIBE actions/<id> QoS 0 (packet id 1), then the granted QoS in SUBACK.
			topic := "actions/" + id
			sub := append([]byte{0x82, byte(2 + 2 + len(topic) + 1), 0, 1, 0, byte(len(topic))}, topic...)
			sub = append(sub, 0)
			if _, err := conn.Write(sub); err != nil {
				t.Fatal(err)
			}
			var suback [5]byte
			if _, err := io.ReadFull(conn, suback[:]); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(suback[:], []byte{0x90, 3, 0, 1, 0}) {
				t.Fatalf("SUBACK % x, want 90 03 00 01 00", suback)
			}
			// A refused subscription is 0x80 in 3.1.1 [MQTT-3.9.3-2].
			other := "actions/alice.phone"
			sub = append([]byte{0x82, byte(2 + 2 + len(other) + 1), 0, 2, 0, byte(len(other))}, other...)
			sub = append(sub, 0)
			if _, err := conn.Write(sub); err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(conn, suback[:]); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(suback[:], []byte{0x90, 3, 0, 2, 0x80}) {
				t.Fatalf("refused SUBACK % x, want 90 03 00 02 80", suback)
			}
		})
	}
}

func TestServerCertificate(t *testing.T) {
	dir := t.TempDir()
	newServer(t, dir)
	b, err := os.ReadFile(filepath.Join(dir, "server.pem"))
	if err != nil {
		t.Fatal(err)
	}
	var chain []*x509.Certificate
	for block, rest := pem.Decode(b); block != nil; block, rest = pem.Decode(rest) {
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, c)
	}
	if len(chain) != 2 {
		t.Fatalf("server.pem holds %d certificates, want leaf and CA", len(chain))
	}
	leaf := chain[0]
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatal("ca.pem holds no certificate")
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots}); err != nil {
			t.Errorf("server certificate for %s: %v", host, err)
		}
	}
	if !chain[1].Equal(srvCA(t, caPEM)) {
		t.Error("the second certificate of server.pem is not ca.pem")
	}
}

func srvCA(t *testing.T, caPEM []byte) *x509.Certificate {
	block, _ := pem.Decode(caPEM)
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAdmin(t *testing.T) {
	dir := t.TempDir()
	srv := newServer(t, dir)
	addrFile, err := os.ReadFile(filepath.Join(dir, server.AdminAddrFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(addrFile)) != srv.Addr(server.Admin) {
		t.Fatalf("admin.addr = %q, server reports %q", addrFile, srv.Addr(server.Admin))
	}
	base := "http://" + srv.Addr(server.Admin)
	if body := get(t, base+"/healthz"); body != "ok" {
		t.Fatalf("healthz = %q", body)
	}
	p := mustConnect(t, "tcp://"+srv.Addr(server.TCP), client.ConnectOptions{ClientID: "anon.m", CleanStart: true})
	p.subscribe(t, "actions/anon.m")
	p.publish(t, "events/anon.m", []byte("x"))
	p.next(t)
	// The reply can reach the client before the broker's packet-sent hook
	// has counted it, so read the metrics until they settle (bounded).
	wants := []string{`chatd_connections{transport="tcp"} 1`, `chatd_connections{transport="tls"} 0`,
		"chatd_messages_received_total 1", "chatd_messages_sent_total 1", "chatd_bytes_received_total",
		"chatd_pebble_wal_fsync_seconds_count", "chatd_store_write_seconds_count", "go_goroutines"}
	var metrics string
	for deadline := time.Now().Add(10 * time.Second); ; {
		metrics = get(t, base+"/metrics")
		missing := false
		for _, want := range wants {
			missing = missing || !strings.Contains(metrics, want)
		}
		if !missing || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range wants {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q:\n%s", want, grepChatd(metrics))
		}
	}

	ac := &admin.Client{Addr: srv.Addr(server.Admin)}
	ctx := testContext(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csr, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "dave"}}, key)
	certPEM, err := ac.Issue(ctx, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr}), nil)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(certPEM)
	if block == nil {
		t.Fatalf("issue answered %q", certPEM)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil || cert.Subject.CommonName != "dave" {
		t.Fatalf("issued %v, %v", cert, err)
	}
	if _, err := ac.Issue(ctx, []byte("not a CSR"), nil); !errors.Is(err, admin.ErrStatus) || !strings.Contains(err.Error(), "400") {
		t.Errorf("issue of garbage: %v, want 400", err)
	}
	serial := ca.FormatSerial(cert.SerialNumber)
	if err := ac.Revoke(ctx, strings.ToUpper(serial)); err != nil {
		t.Fatal(err)
	}
	if err := ac.Revoke(ctx, "0badc0de"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("revoke of an unknown serial: %v, want 404", err)
	}
	list, err := ac.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Serial != serial || !list[0].Revoked || list[0].CN != "dave" {
		t.Fatalf("list = %+v", list)
	}
	if !srv.CA().IsRevoked(cert.SerialNumber) {
		t.Fatal("revocation not in effect")
	}
	// A web page cannot drive the CA.
	req, _ := http.NewRequest(http.MethodPost, base+"/ca/revoke?serial="+serial, nil)
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("CA call with an Origin header: %s, want 403", resp.Status)
	}
}

func TestShutdown(t *testing.T) {
	dir := t.TempDir()
	srv, err := server.New(server.Config{DataDir: dir, TCPAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0", Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if srv.Addr(server.TLS) != "" || srv.Addr(server.QUIC) != "" || srv.Addr(server.WS) != "" {
		t.Fatal("a disabled listener reports an address")
	}
	p := mustConnect(t, "tcp://"+srv.Addr(server.TCP), client.ConnectOptions{ClientID: "anon.s", CleanStart: true})
	if err := srv.Shutdown(testContext(t)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
	case <-testContext(t).Done():
		t.Fatal("client still connected after shutdown")
	}
	if _, err := os.Stat(filepath.Join(dir, server.AdminAddrFile)); !os.IsNotExist(err) {
		t.Fatalf("admin.addr after shutdown: %v", err)
	}
	st, err := store.Open(filepath.Join(dir, "db"), nil)
	if err != nil {
		t.Fatalf("store not reopenable: %v", err)
	}
	st.Close()
	if _, err := net.Dial("tcp", srv.Addr(server.TCP)); err == nil {
		t.Fatal("TCP listener still accepts")
	}
}

func grepChatd(metrics string) string {
	var out []string
	for _, l := range strings.Split(metrics, "\n") {
		if strings.HasPrefix(l, "chatd_") && !strings.Contains(l, "_bucket") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

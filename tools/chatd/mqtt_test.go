package main

import (
	"github.com/chatim/chat/internal/peers"

	"bytes"
	"crypto/tls"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/client"
)

// errorBody is the body of test requests; any CHATProtocol value would do.
var errorBody = &chat.CHATProtocol_Error{Value: chat.ERROR{}}

// decodeReply decodes a reply payload in the format its first byte names
// and checks its no and ERROR code.
func checkReply(t *testing.T, payload []byte, no int64, code string) {
	t.Helper()
	var m chat.CHATMessage
	var err error
	switch {
	case len(payload) > 0 && payload[0] == 0x83:
		err = m.UnmarshalETF(payload)
	case len(payload) > 0 && payload[0] == 0x30:
		err = m.UnmarshalDER(payload)
	default:
		t.Fatalf("reply % x is neither DER nor ETF", payload)
	}
	if err != nil {
		t.Fatalf("reply % x: %v", payload, err)
	}
	e, ok := m.Body.(*chat.CHATProtocol_Error)
	if m.No != no || !ok || e.Value.Code != code {
		t.Fatalf("reply no %d body %#v, want no %d ERROR %q", m.No, m.Body, no, code)
	}
}

// TestMosquittoClients drives chatd with the Debian mosquitto clients over
// TLS, with a certificate issued by `chatd ca issue` for an OpenSSL CSR.
// The round trip uses mosquitto_rr, the one mosquitto client that
// subscribes to actions/<id> and publishes to events/<id> as the same
// client id, as the topic table requires; mosquitto_rr 2.0 ignores -f, so
// the request is an ETF CHATMessage without zero bytes passed with -m.
func TestMosquittoClients(t *testing.T) {
	for _, tool := range []string{"openssl", "mosquitto_rr", "mosquitto_sub", "mosquitto_pub"} {
		if _, err := exec.LookPath(tool); err != nil {
			peers.Missing(t, tool+" is not installed")
		}
	}
	dir := filepath.Join(t.TempDir(), "data")
	d := startChatd(t, dir, nil)
	work := t.TempDir()
	key, csr, cert := filepath.Join(work, "k.pem"), filepath.Join(work, "csr.pem"), filepath.Join(work, "c.pem")
	out, err := exec.Command("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
		"-nodes", "-keyout", key, "-subj", "/CN=carol", "-out", csr).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v\n%s", err, out)
	}
	runChatd(t, 0, "ca", "issue", "--data", dir, "--csr", csr, "--out", cert)
	host, port, _ := strings.Cut(d.addrs["tls"], ":")
	common := []string{"-h", host, "-p", port, "--cafile", filepath.Join(dir, "ca.pem"), "--cert", cert, "--key", key, "-V", "5", "-q", "1"}

	req, err := (&chat.CHATMessage{No: 42, Body: errorBody}).MarshalETF()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.IndexByte(req, 0) >= 0 {
		t.Fatalf("request % x holds a zero byte, which a command line cannot carry", req)
	}
	rr := func(payload string) []byte {
		args := append([]string{"-i", "carol.cli", "-t", "events/carol.cli", "-e", "actions/carol.cli",
			"-m", payload, "-W", "20", "-N", "-F", "%x"}, common...)
		out, err := exec.Command("mosquitto_rr", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("mosquitto_rr: %v\n%s\n%s", err, out, d.logText())
		}
		b, err := hex.DecodeString(strings.TrimSpace(string(out)))
		if err != nil {
			t.Fatalf("mosquitto_rr printed %q", out)
		}
		return b
	}
	checkReply(t, rr(string(req)), 42, "not_implemented")
	checkReply(t, rr("hello"), 0, "invalid_data")

	// Refusals as mosquitto reports them.
	out, _ = exec.Command("mosquitto_sub", append([]string{"-i", "carol.sub", "-t", "actions/bob.phone", "-E"}, common...)...).CombinedOutput()
	if !strings.Contains(string(out), "denied") {
		t.Errorf("mosquitto_sub to another client's actions/: %s", out)
	}
	out, _ = exec.Command("mosquitto_pub", append([]string{"-i", "carol.pub", "-t", "events/bob.phone", "-m", "x"}, common...)...).CombinedOutput()
	if !strings.Contains(string(out), "Not authorized") {
		t.Errorf("mosquitto_pub to another client's events/: %s", out)
	}
}

// tryTLS connects over tls:// or quic:// with cert and reports the error.
func tryTLS(t *testing.T, dataDir, url, id string, cert tls.Certificate) error {
	t.Helper()
	c, err := client.Connect(testContext(t), url, client.ConnectOptions{ClientID: id, CleanStart: true,
		TLS: &tls.Config{RootCAs: caPool(t, dataDir),
			// Present the certificate whatever CAs the server names, as a
			// hostile client would (crypto/tls would otherwise hold back a
			// certificate from a foreign CA and connect anonymously).
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil },
		}})
	if err == nil {
		_ = c.Disconnect(&paho.Disconnect{})
	}
	return err
}

// TestHandshakeRefusals checks that certificates from a foreign CA,
// expired ones and revoked ones are refused in the TLS handshake, over TLS
// and QUIC, and that a revocation made with `chatd ca revoke` while chatd
// runs takes effect at once and survives a restart.
func TestHandshakeRefusals(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	d := startChatd(t, dir, nil)
	urls := []string{"tls://" + d.addrs["tls"], "quic://" + d.addrs["quic"]}

	good := issueCert(t, dir, "dora")
	expired := issueCert(t, dir, "dora", "--not-before", "2020-01-01T00:00:00Z", "--validity", "1h")
	foreign := foreignCert(t, "dora")
	for _, url := range urls {
		if err := tryTLS(t, dir, url, "dora.ok", good); err != nil {
			t.Fatalf("%s: valid certificate refused: %v", url, err)
		}
		for name, cert := range map[string]tls.Certificate{"expired": expired, "foreign": foreign} {
			// Refused in the handshake: no CONNACK (which would carry a
			// reason code); over TLS the client sees the server's alert.
			// Over QUIC the alert closes the connection under the stream.
			err := tryTLS(t, dir, url, "dora.x", cert)
			switch {
			case err == nil:
				t.Errorf("%s: %s certificate accepted", url, name)
			case strings.Contains(err.Error(), "reason code"):
				t.Errorf("%s: %s certificate passed the handshake: %v", url, name, err)
			case strings.HasPrefix(url, "tls:") && !strings.Contains(err.Error(), "remote error: tls:"):
				t.Errorf("%s: %s certificate: %v, want a TLS alert", url, name, err)
			}
		}
	}

	// Revoke with the serial as openssl prints it ("serial=ABCD...").
	certFile := filepath.Join(t.TempDir(), "dora.pem")
	if err := os.WriteFile(certFile, pemCert(good.Certificate[0]), 0o644); err != nil {
		t.Fatal(err)
	}
	serial := good.Leaf.SerialNumber.Text(16)
	if out, err := exec.Command("openssl", "x509", "-in", certFile, "-noout", "-serial").Output(); err == nil {
		serial = strings.TrimSpace(string(out))
	}
	runChatd(t, 0, "ca", "revoke", "--data", dir, "--serial", serial)
	for _, url := range urls {
		if err := tryTLS(t, dir, url, "dora.ok", good); err == nil || strings.Contains(err.Error(), "reason code") {
			t.Errorf("%s: revoked certificate passed the handshake: %v", url, err)
		}
	}
	list := runChatd(t, 0, "ca", "list", "--data", dir)
	if !regexp.MustCompile(`(?m)^` + good.Leaf.SerialNumber.Text(16) + `\s+dora\s+\S+\s+revoked`).MatchString(list) {
		t.Errorf("ca list does not show the revocation:\n%s", list)
	}
	if !regexp.MustCompile(`(?m)^\S+\s+dora\s+2020-01-01T01:00:00Z\s+expired`).MatchString(list) {
		t.Errorf("ca list does not show the expired certificate:\n%s", list)
	}
	if code := d.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit %d", code)
	}
	d = startChatd(t, dir, nil)
	if err := tryTLS(t, dir, "tls://"+d.addrs["tls"], "dora.ok", good); err == nil {
		t.Error("revocation lost across a restart")
	}
}

// TestCAWithoutDaemon runs the ca subcommands on a data directory no chatd
// holds, then checks that chatd honours what they did.
func TestCAWithoutDaemon(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	runChatd(t, 0, "ca", "list", "--data", dir) // creates the CA
	cert := issueCert(t, dir, "erin")
	runChatd(t, 1, "ca", "revoke", "--data", dir, "--serial", "0x1234") // never issued
	runChatd(t, 1, "ca", "revoke", "--data", dir, "--serial", "xyz")
	runChatd(t, 0, "ca", "revoke", "--data", dir, "--serial", "0x"+strings.ToUpper(cert.Leaf.SerialNumber.Text(16)))
	if list := runChatd(t, 0, "ca", "list", "--data", dir); !strings.Contains(list, "revoked") {
		t.Fatalf("list:\n%s", list)
	}
	d := startChatd(t, dir, nil)
	if err := tryTLS(t, dir, "tls://"+d.addrs["tls"], "erin.x", cert); err == nil {
		t.Fatal("certificate revoked offline accepted")
	}
}

// TestPersistentSession checks that a session (subscription and unacknowledged
// QoS 1 messages) survives a clean restart and a kill -9 of chatd.
func TestPersistentSession(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			d := startChatd(t, dir, nil)
			cert := issueCert(t, dir, "gina")
			tlsConf := &tls.Config{RootCAs: caPool(t, dir), Certificates: []tls.Certificate{cert}}
			id := "gina.dev"

			// First connection: subscribe, send a request, receive the
			// reply and never acknowledge it.
			msgs := make(chan *paho.Publish, 10)
			conn, err := client.Dial(testContext(t), "tls://"+d.addrs["tls"], client.Options{TLS: tlsConf})
			if err != nil {
				t.Fatal(err)
			}
			c := paho.NewClient(paho.ClientConfig{
				Conn:                       conn,
				EnableManualAcknowledgment: true,
				OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
					msgs <- pr.Packet
					return true, nil
				}},
			})
			expiry := uint32(3600)
			if _, err := c.Connect(testContext(t), &paho.Connect{ClientID: id, CleanStart: true, KeepAlive: 30,
				Properties: &paho.ConnectProperties{SessionExpiryInterval: &expiry}}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Subscribe(testContext(t), &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: "actions/" + id, QoS: 1}}}); err != nil {
				t.Fatal(err)
			}
			req, _ := (&chat.CHATMessage{No: 1, Body: errorBody}).MarshalDER()
			if _, err := c.Publish(testContext(t), &paho.Publish{Topic: "events/" + id, QoS: 1, Payload: req}); err != nil {
				t.Fatal(err)
			}
			select {
			case m := <-msgs:
				checkReply(t, m.Payload, 1, "not_implemented")
			case <-testContext(t).Done():
				t.Fatal("no reply")
			}
			if sig == syscall.SIGTERM {
				_ = c.Disconnect(&paho.Disconnect{})
			}
			d.stop(t, sig)
			if sig == syscall.SIGTERM {
				if _, err := os.Stat(filepath.Join(dir, "admin.addr")); !os.IsNotExist(err) {
					t.Fatalf("admin.addr after SIGTERM: %v", err)
				}
			}
			select {
			case <-c.Done():
			case <-time.After(30 * time.Second):
				t.Fatal("client still connected to a stopped chatd")
			}

			// Second connection, same session, no new subscription.
			d = startChatd(t, dir, nil)
			got := make(chan *paho.Publish, 10)
			c2, err := client.Connect(testContext(t), "tls://"+d.addrs["tls"], client.ConnectOptions{
				ClientID: id, SessionExpiry: 3600, TLS: tlsConf,
				OnPublish: func(m *paho.Publish) { got <- m },
			})
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Disconnect(&paho.Disconnect{})
			select {
			case m := <-got:
				checkReply(t, m.Payload, 1, "not_implemented") // the unacknowledged reply, again
			case <-testContext(t).Done():
				t.Fatalf("unacknowledged QoS 1 reply not redelivered after %v\n%s", sig, d.logText())
			}
			req2, _ := (&chat.CHATMessage{No: 2, Body: errorBody}).MarshalETF()
			if _, err := c2.Publish(testContext(t), &paho.Publish{Topic: "events/" + id, QoS: 1, Payload: req2}); err != nil {
				t.Fatal(err)
			}
			select {
			case m := <-got:
				checkReply(t, m.Payload, 2, "not_implemented") // the subscription survived
			case <-testContext(t).Done():
				t.Fatal("subscription lost across the restart")
			}
		})
	}
}

package ca

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"testing"
	"time"
)

// serverResult is what the test server saw of one connection.
type serverResult struct {
	err      error
	state    tls.ConnectionState
	identity string
	ok       bool
}

// startServer listens on loopback with cfg and reports every connection's
// handshake on the returned channel. A connection whose handshake succeeds
// receives "ok".
func startServer(t *testing.T, c *CA, cfg *tls.Config) (string, <-chan serverResult) {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	results := make(chan serverResult, 16)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				tc := conn.(*tls.Conn)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				var r serverResult
				if r.err = tc.HandshakeContext(ctx); r.err == nil {
					r.state = tc.ConnectionState()
					r.identity, r.ok = c.Identity(r.state)
					tc.Write([]byte("ok"))
				}
				results <- r
			}()
		}
	}()
	return ln.Addr().String(), results
}

// dial connects with cfg, reads the server's "ok", and returns the client's
// error (dial or read) with the connection state.
func dial(t *testing.T, addr string, cfg *tls.Config) (tls.ConnectionState, error) {
	t.Helper()
	d := tls.Dialer{Config: cfg}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 2)
	if _, err := io.ReadFull(conn, buf); err != nil {
		return tls.ConnectionState{}, err
	}
	if string(buf) != "ok" {
		t.Fatalf("server said %q", buf)
	}
	return conn.(*tls.Conn).ConnectionState(), nil
}

// clientConfig trusts the CA and presents cert (if any).
func clientConfig(c *CA, version uint16, cert *tls.Certificate) *tls.Config {
	cfg := &tls.Config{RootCAs: c.Pool(), ServerName: "localhost", MinVersion: version, MaxVersion: version}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return cfg
}

var versions = []struct {
	name string
	v    uint16
}{{"TLS1.2", tls.VersionTLS12}, {"TLS1.3", tls.VersionTLS13}}

func TestHandshake(t *testing.T) {
	c, _, _ := newCA(t)
	foreign, _, _ := newCA(t)
	alice := issueClient(t, c, "alice", IssueOptions{})
	mallory := issueClient(t, foreign, "alice", IssueOptions{})
	expired := issueClient(t, c, "bob", IssueOptions{NotBefore: time.Now().Add(-48 * time.Hour), Validity: 24 * time.Hour})
	notYet := issueClient(t, c, "bob", IssueOptions{NotBefore: time.Now().Add(24 * time.Hour)})
	server := c.ServerCertificate() // ServerAuth only: not a client identity
	serverAsClient := tls.Certificate{Certificate: server.Certificate, PrivateKey: server.PrivateKey}

	for _, ver := range versions {
		t.Run(ver.name, func(t *testing.T) {
			addr, results := startServer(t, c, c.TLSConfig("mqtt"))

			t.Run("anonymous", func(t *testing.T) {
				cfg := clientConfig(c, ver.v, nil)
				cfg.NextProtos = []string{"mqtt"}
				st, err := dial(t, addr, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if st.NegotiatedProtocol != "mqtt" {
					t.Errorf("ALPN %q", st.NegotiatedProtocol)
				}
				r := <-results
				if r.err != nil || r.ok {
					t.Fatalf("server: err %v, identity %q %v", r.err, r.identity, r.ok)
				}
			})
			t.Run("valid", func(t *testing.T) {
				if _, err := dial(t, addr, clientConfig(c, ver.v, &alice)); err != nil {
					t.Fatal(err)
				}
				r := <-results
				if r.err != nil || !r.ok || r.identity != "alice" {
					t.Fatalf("server: err %v, identity %q %v", r.err, r.identity, r.ok)
				}
				if r.state.Version != ver.v {
					t.Errorf("version %x", r.state.Version)
				}
			})
			refused := func(name string, cert *tls.Certificate, check func(error) bool) {
				t.Run(name, func(t *testing.T) {
					_, cerr := dial(t, addr, clientConfig(c, ver.v, cert))
					r := <-results
					if r.err == nil || !check(r.err) {
						t.Fatalf("server handshake error %v", r.err)
					}
					if cerr == nil {
						t.Fatal("client saw no error")
					}
				})
			}
			refused("foreign CA", &mallory, func(err error) bool {
				var e x509.UnknownAuthorityError
				return errors.As(err, &e)
			})
			refused("expired", &expired, func(err error) bool {
				var e x509.CertificateInvalidError
				return errors.As(err, &e) && e.Reason == x509.Expired
			})
			refused("not yet valid", &notYet, func(err error) bool {
				var e x509.CertificateInvalidError
				return errors.As(err, &e) && e.Reason == x509.Expired
			})
			refused("server certificate as client", &serverAsClient, func(err error) bool {
				var e x509.CertificateInvalidError
				return errors.As(err, &e) && e.Reason == x509.IncompatibleUsage
			})
		})
	}
}

func TestHandshakeRevoked(t *testing.T) {
	for _, ver := range versions {
		t.Run(ver.name, func(t *testing.T) {
			dir := t.TempDir()
			st := openStore(t, dir)
			c, err := LoadOrCreate(dir, Options{Records: st})
			if err != nil {
				t.Fatal(err)
			}
			alice := issueClient(t, c, "alice", IssueOptions{})
			bob := issueClient(t, c, "bob", IssueOptions{})
			addr, results := startServer(t, c, c.TLSConfig())

			// A session cache: the first handshake is full, the second resumes.
			cfg := clientConfig(c, ver.v, &alice)
			cfg.ClientSessionCache = tls.NewLRUClientSessionCache(4)
			if _, err := dial(t, addr, cfg); err != nil {
				t.Fatal(err)
			}
			if r := <-results; r.err != nil || r.identity != "alice" {
				t.Fatalf("first handshake: %v %q", r.err, r.identity)
			}
			if _, err := dial(t, addr, cfg); err != nil {
				t.Fatal(err)
			}
			r := <-results
			if r.err != nil || !r.state.DidResume || r.identity != "alice" {
				t.Fatalf("resumed handshake: err %v, resumed %v, identity %q", r.err, r.state.DidResume, r.identity)
			}

			// Revoked while the server runs: the next handshake fails, even
			// one resuming a session.
			if err := c.Revoke(alice.Leaf.SerialNumber); err != nil {
				t.Fatal(err)
			}
			if _, err := dial(t, addr, cfg); err == nil {
				t.Error("client saw no error resuming with a revoked certificate")
			}
			if r := <-results; !errors.Is(r.err, ErrRevoked) {
				t.Fatalf("resumption with revoked certificate: server error %v", r.err)
			}
			if _, err := dial(t, addr, clientConfig(c, ver.v, &alice)); err == nil {
				t.Error("client saw no error with a revoked certificate")
			}
			if r := <-results; !errors.Is(r.err, ErrRevoked) {
				t.Fatalf("revoked certificate: server error %v", r.err)
			}
			if _, err := dial(t, addr, clientConfig(c, ver.v, &bob)); err != nil {
				t.Fatal(err)
			}
			if r := <-results; r.err != nil || r.identity != "bob" {
				t.Fatalf("other certificate after revocation: %v %q", r.err, r.identity)
			}

			// After a restart (store closed and reopened) it stays revoked.
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			c2, err := LoadOrCreate(dir, Options{Records: openStore(t, dir)})
			if err != nil {
				t.Fatal(err)
			}
			addr2, results2 := startServer(t, c2, c2.TLSConfig())
			if _, err := dial(t, addr2, clientConfig(c2, ver.v, &alice)); err == nil {
				t.Error("client saw no error after restart")
			}
			if r := <-results2; !errors.Is(r.err, ErrRevoked) {
				t.Fatalf("after restart: server error %v", r.err)
			}
		})
	}
}

func TestVerifyClientUnverified(t *testing.T) {
	// With ClientAuth RequireAnyClientCert crypto/tls verifies nothing, so
	// VerifyClient checks chain and validity itself.
	c, _, _ := newCA(t)
	foreign, _, _ := newCA(t)
	alice := issueClient(t, c, "alice", IssueOptions{}).Leaf
	expired := issueClient(t, c, "bob", IssueOptions{NotBefore: time.Now().Add(-48 * time.Hour), Validity: time.Hour}).Leaf
	mallory := issueClient(t, foreign, "alice", IssueOptions{}).Leaf
	revoked := issueClient(t, c, "carol", IssueOptions{}).Leaf
	if err := c.Revoke(revoked.SerialNumber); err != nil {
		t.Fatal(err)
	}
	state := func(cert *x509.Certificate) tls.ConnectionState {
		return tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}}
	}
	if err := c.VerifyClient(tls.ConnectionState{}); err != nil {
		t.Errorf("no certificate: %v", err)
	}
	if err := c.VerifyClient(state(alice)); err != nil {
		t.Errorf("valid: %v", err)
	}
	if _, ok := c.Identity(state(alice)); ok {
		t.Error("Identity accepted an unverified chain")
	}
	var ua x509.UnknownAuthorityError
	if err := c.VerifyClient(state(mallory)); !errors.As(err, &ua) {
		t.Errorf("foreign: %v", err)
	}
	var ci x509.CertificateInvalidError
	if err := c.VerifyClient(state(expired)); !errors.As(err, &ci) || ci.Reason != x509.Expired {
		t.Errorf("expired: %v", err)
	}
	if err := c.VerifyClient(state(revoked)); !errors.Is(err, ErrRevoked) {
		t.Errorf("revoked: %v", err)
	}
	// A chain verified by crypto/tls against another CA does not count.
	fs := tls.ConnectionState{PeerCertificates: []*x509.Certificate{mallory}, VerifiedChains: [][]*x509.Certificate{{mallory, foreign.Certificate()}}}
	if err := c.VerifyClient(fs); !errors.As(err, &ua) {
		t.Errorf("foreign verified chain: %v", err)
	}
	if _, ok := c.Identity(fs); ok {
		t.Error("Identity accepted a chain to another CA")
	}

	// The same over a real handshake.
	cfg := c.TLSConfig()
	cfg.ClientAuth = tls.RequireAnyClientCert
	addr, results := startServer(t, c, cfg)
	for _, tc := range []struct {
		cert tls.Certificate
		ok   bool
	}{
		{issueClient(t, c, "dave", IssueOptions{}), true},
		{issueClient(t, foreign, "dave", IssueOptions{}), false},
	} {
		dial(t, addr, clientConfig(c, tls.VersionTLS13, &tc.cert))
		if r := <-results; (r.err == nil) != tc.ok {
			t.Errorf("RequireAnyClientCert with %s: server error %v", tc.cert.Leaf.Issuer, r.err)
		}
	}
}

func TestServerCertificateIP(t *testing.T) {
	// A client dialling an IP address without ServerName verifies the IP SAN.
	c, _, _ := newCA(t)
	addr, results := startServer(t, c, c.TLSConfig())
	if _, err := dial(t, addr, &tls.Config{RootCAs: c.Pool()}); err != nil {
		t.Fatal(err)
	}
	if r := <-results; r.err != nil {
		t.Fatal(r.err)
	}
	ln, err := tls.Listen("tcp", "[::1]:0", c.TLSConfig())
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	defer ln.Close()
	go func() {
		if conn, err := ln.Accept(); err == nil {
			conn.(*tls.Conn).Handshake()
			conn.Write([]byte("ok"))
			conn.Close()
		}
	}()
	if _, err := dial(t, ln.Addr().String(), &tls.Config{RootCAs: c.Pool()}); err != nil {
		t.Fatalf("[::1]: %v", err)
	}
}

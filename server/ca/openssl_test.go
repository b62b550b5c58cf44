package ca

import (
	"github.com/chatim/chat/internal/peers"

	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// opensslCmd runs openssl with args in dir and returns its combined output;
// the test skips when openssl is not installed.
func opensslCmd(t *testing.T, dir string, stdin []byte, args ...string) (string, error) {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		peers.Missing(t, "openssl not installed: "+err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// opensslCSR makes a key and a certificate request with openssl and returns
// the request as DER.
func opensslCSR(t *testing.T, dir, name, subj string, keyArgs ...string) []byte {
	t.Helper()
	args := append([]string{"req", "-new"}, keyArgs...)
	args = append(args, "-nodes", "-keyout", name+".key", "-subj", subj, "-outform", "DER", "-out", name+".csr")
	if out, err := opensslCmd(t, dir, nil, args...); err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, out)
	}
	der, err := os.ReadFile(filepath.Join(dir, name+".csr"))
	if err != nil {
		t.Fatal(err)
	}
	return der
}

var p384 = []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"}

func TestOpenSSLIssue(t *testing.T) {
	c, dir, _ := newCA(t)
	work := t.TempDir()
	csr := opensslCSR(t, work, "alice", "/CN=alice", p384...)
	cert, err := c.Issue(csr, IssueOptions{ExpectCN: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	pemCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	if err := os.WriteFile(filepath.Join(work, "alice.pem"), pemCert, 0o644); err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(dir, CACertFile)

	out, err := opensslCmd(t, work, nil, "verify", "-CAfile", caFile, "-purpose", "sslclient", "alice.pem")
	if err != nil || strings.TrimSpace(out) != "alice.pem: OK" {
		t.Fatalf("openssl verify: %v\n%s", err, out)
	}
	// The server certificate (leaf then CA in server.pem) verifies too.
	out, err = opensslCmd(t, work, nil, "verify", "-CAfile", caFile, "-purpose", "sslserver", "-verify_hostname", "localhost", filepath.Join(dir, ServerCertFile))
	if err != nil || !strings.HasSuffix(strings.TrimSpace(out), ": OK") {
		t.Fatalf("openssl verify server.pem: %v\n%s", err, out)
	}
	// openssl reads the CA key and self-signed CA.
	if out, err := opensslCmd(t, work, nil, "pkey", "-in", filepath.Join(dir, CAKeyFile), "-noout", "-check"); err != nil {
		t.Fatalf("openssl pkey -check ca.key: %v\n%s", err, out)
	}

	out, err = opensslCmd(t, work, nil, "x509", "-in", "alice.pem", "-noout", "-serial")
	if err != nil {
		t.Fatalf("openssl x509 -serial: %v\n%s", err, out)
	}
	serial, err := ParseSerial(out)
	if err != nil {
		t.Fatalf("ParseSerial(%q): %v", out, err)
	}
	if serial.Cmp(cert.SerialNumber) != 0 {
		t.Fatalf("openssl serial %s, issued %s", serial.Text(16), cert.SerialNumber.Text(16))
	}
	// The colon-separated form of `openssl x509 -text` parses to it too.
	out, err = opensslCmd(t, work, nil, "x509", "-in", "alice.pem", "-noout", "-text")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "TLS Web Client Authentication") || !strings.Contains(out, "CN = alice") {
		t.Errorf("openssl x509 -text lacks ClientAuth or CN:\n%s", out)
	}
	_, after, ok := strings.Cut(out, "Serial Number:")
	if !ok {
		t.Fatalf("no serial in openssl x509 -text:\n%s", out)
	}
	colons := strings.Fields(after)[0]
	if serial, err := ParseSerial(colons); err != nil || serial.Cmp(cert.SerialNumber) != 0 {
		t.Fatalf("ParseSerial(%q) = %v, %v; issued %s", colons, serial, err, cert.SerialNumber.Text(16))
	}
}

func TestOpenSSLRefusals(t *testing.T) {
	c, _, _ := newCA(t)
	work := t.TempDir()

	good := opensslCSR(t, work, "alice", "/CN=alice", p384...)
	bad := bytes.Clone(good)
	bad[len(bad)-5] ^= 0x40 // inside the ECDSA signature
	if _, err := c.Issue(bad, IssueOptions{}); !errors.Is(err, ErrBadCSR) {
		t.Errorf("flipped signature byte: %v, want ErrBadCSR", err)
	}
	if _, err := c.Issue(good, IssueOptions{ExpectCN: "bob"}); !errors.Is(err, ErrCNMismatch) {
		t.Errorf("CN mismatch: %v, want ErrCNMismatch", err)
	}
	weak := opensslCSR(t, work, "weak", "/CN=weak", "-newkey", "rsa:1024")
	_, err := c.Issue(weak, IssueOptions{})
	if !errors.Is(err, ErrKeyType) || !strings.Contains(err.Error(), "1024 bits") {
		t.Errorf("RSA 1024: %v, want ErrKeyType naming 1024 bits", err)
	}
	anon := opensslCSR(t, work, "anon", "/CN=anon", p384...)
	if _, err := c.Issue(anon, IssueOptions{}); !errors.Is(err, ErrNickname) {
		t.Errorf("anon: %v, want ErrNickname", err)
	}
	strong := opensslCSR(t, work, "strong", "/CN=strong", "-newkey", "rsa:2048")
	if _, err := c.Issue(strong, IssueOptions{}); err != nil {
		t.Errorf("RSA 2048: %v", err)
	}
	ed := opensslCSR(t, work, "ed", "/CN=ed", "-newkey", "ed25519")
	if _, err := c.Issue(ed, IssueOptions{}); err != nil {
		t.Errorf("Ed25519: %v", err)
	}
}

func TestOpenSSLClient(t *testing.T) {
	c, dir, _ := newCA(t)
	work := t.TempDir()
	csr := opensslCSR(t, work, "alice", "/CN=alice", p384...)
	cert, err := c.Issue(csr, IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "alice.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	addr, results := startServer(t, c, c.TLSConfig())
	sClient := func(extra ...string) (string, error) {
		args := append([]string{"s_client", "-connect", addr, "-cert", "alice.pem", "-key", "alice.key",
			"-CAfile", filepath.Join(dir, CACertFile), "-verify_return_error", "-verify_ip", "127.0.0.1"}, extra...)
		return opensslCmd(t, work, []byte{}, args...)
	}

	for _, v := range []string{"-tls1_2", "-tls1_3"} {
		out, err := sClient(v)
		if err != nil || !strings.Contains(out, "Verify return code: 0 (ok)") {
			t.Fatalf("openssl s_client %s: %v\n%s", v, err, out)
		}
		r := <-results
		if r.err != nil || r.identity != "alice" {
			t.Fatalf("server with s_client %s: err %v, identity %q", v, r.err, r.identity)
		}
	}

	if err := c.Revoke(cert.SerialNumber); err != nil {
		t.Fatal(err)
	}
	sClient("-tls1_2")
	if r := <-results; !errors.Is(r.err, ErrRevoked) {
		t.Fatalf("s_client with revoked certificate: server error %v", r.err)
	}
}

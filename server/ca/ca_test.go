package ca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLoadOrCreateFiles(t *testing.T) {
	c, dir, st := newCA(t)

	modes := map[string]os.FileMode{CACertFile: 0o644, CAKeyFile: 0o600, ServerCertFile: 0o644, ServerKeyFile: 0o600}
	for name, want := range modes {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s mode %o, want %o", name, got, want)
		}
	}

	ca := c.Certificate()
	if !ca.IsCA || !ca.BasicConstraintsValid || !ca.MaxPathLenZero {
		t.Errorf("CA basic constraints: IsCA=%v valid=%v maxPathLenZero=%v", ca.IsCA, ca.BasicConstraintsValid, ca.MaxPathLenZero)
	}
	if ca.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
		t.Errorf("CA key usage %b", ca.KeyUsage)
	}
	if len(ca.SubjectKeyId) != 20 {
		t.Errorf("CA SubjectKeyId %x", ca.SubjectKeyId)
	}
	if pub, ok := ca.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P384() {
		t.Errorf("CA key %T, want ECDSA P-384", ca.PublicKey)
	}
	if err := ca.CheckSignatureFrom(ca); err != nil {
		t.Errorf("CA not self-signed: %v", err)
	}

	certs, err := readCerts(filepath.Join(dir, ServerCertFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 2 || !certs[1].Equal(ca) {
		t.Fatalf("server.pem holds %d certificates; want leaf then CA", len(certs))
	}
	leaf := certs[0]
	if pub, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P384() {
		t.Errorf("server key %T, want ECDSA P-384", leaf.PublicKey)
	}
	if len(leaf.ExtKeyUsage) != 1 || leaf.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth {
		t.Errorf("server ExtKeyUsage %v", leaf.ExtKeyUsage)
	}
	if !bytes.Equal(leaf.AuthorityKeyId, ca.SubjectKeyId) {
		t.Errorf("server AuthorityKeyId %x, CA SubjectKeyId %x", leaf.AuthorityKeyId, ca.SubjectKeyId)
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: c.Pool(), DNSName: host}); err != nil {
			t.Errorf("server certificate for %s: %v", host, err)
		}
	}
	if len(leaf.IPAddresses) != 2 || !leaf.IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)) || !leaf.IPAddresses[1].Equal(net.IPv6loopback) {
		t.Errorf("server IPs %v", leaf.IPAddresses)
	}

	// A second call reuses every file unchanged.
	before := readAll(t, dir)
	c2, err := LoadOrCreate(dir, Options{Records: st})
	if err != nil {
		t.Fatal(err)
	}
	if !c2.Certificate().Equal(ca) || !c2.ServerCertificate().Leaf.Equal(leaf) {
		t.Error("second LoadOrCreate made new certificates")
	}
	for name, b := range readAll(t, dir) {
		if !bytes.Equal(b, before[name]) {
			t.Errorf("%s rewritten by second LoadOrCreate", name)
		}
	}
}

// readAll returns the contents of the four CA files.
func readAll(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range []string{CACertFile, CAKeyFile, ServerCertFile, ServerKeyFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

func TestServerCertificateRenewal(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	now := time.Now()
	clock := func() time.Time { return now }
	c1, err := LoadOrCreate(dir, Options{Records: st, Now: clock, ServerValidity: 90 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	serial := func(c *CA) string { return FormatSerial(c.ServerCertificate().Leaf.SerialNumber) }

	// 59 days later the certificate still has 31 days: kept.
	now = now.Add(59 * 24 * time.Hour)
	c2, err := LoadOrCreate(dir, Options{Records: st, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if serial(c2) != serial(c1) {
		t.Error("server certificate with 31 days left was replaced")
	}

	// 61 days after creation it expires within 30 days: replaced, CA kept.
	now = now.Add(2 * 24 * time.Hour)
	c3, err := LoadOrCreate(dir, Options{Records: st, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if serial(c3) == serial(c1) {
		t.Error("server certificate expiring within 30 days was kept")
	}
	if !c3.Certificate().Equal(c1.Certificate()) {
		t.Error("CA replaced")
	}
	if left := c3.ServerCertificate().Leaf.NotAfter.Sub(now); left < RenewBefore {
		t.Errorf("renewed server certificate has only %v left", left)
	}

	// A new host name forces a new certificate covering it.
	c4, err := LoadOrCreate(dir, Options{Records: st, Now: clock, Hosts: []string{"chat.example.org", "192.0.2.7"}})
	if err != nil {
		t.Fatal(err)
	}
	leaf := c4.ServerCertificate().Leaf
	if serial(c4) == serial(c3) {
		t.Error("server certificate kept although it lacks a host")
	}
	for _, h := range []string{"chat.example.org", "192.0.2.7", "localhost", "::1"} {
		if err := leaf.VerifyHostname(h); err != nil {
			t.Errorf("renewed certificate: %v", err)
		}
	}

	// A missing server key is regenerated with its certificate.
	if err := os.Remove(filepath.Join(dir, ServerKeyFile)); err != nil {
		t.Fatal(err)
	}
	c5, err := LoadOrCreate(dir, Options{Records: st, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if serial(c5) == serial(c4) {
		t.Error("server certificate kept although its key is gone")
	}
	if _, err := os.Stat(filepath.Join(dir, ServerKeyFile)); err != nil {
		t.Error(err)
	}
}

func TestLoadOrCreateBadFiles(t *testing.T) {
	t.Run("missing key", func(t *testing.T) {
		_, dir, st := newCA(t)
		os.Remove(filepath.Join(dir, CAKeyFile))
		if _, err := LoadOrCreate(dir, Options{Records: st}); !errors.Is(err, ErrFiles) {
			t.Fatalf("err = %v, want ErrFiles", err)
		}
	})
	t.Run("foreign key", func(t *testing.T) {
		_, dir, st := newCA(t)
		_, other, _ := newCA(t)
		b, err := os.ReadFile(filepath.Join(other, CAKeyFile))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, CAKeyFile), b, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreate(dir, Options{Records: st}); !errors.Is(err, ErrFiles) {
			t.Fatalf("err = %v, want ErrFiles", err)
		}
	})
	t.Run("garbage certificate", func(t *testing.T) {
		_, dir, st := newCA(t)
		if err := os.WriteFile(filepath.Join(dir, CACertFile), []byte("not PEM"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreate(dir, Options{Records: st}); !errors.Is(err, ErrFiles) {
			t.Fatalf("err = %v, want ErrFiles", err)
		}
	})
	t.Run("no records", func(t *testing.T) {
		if _, err := LoadOrCreate(t.TempDir(), Options{}); err == nil {
			t.Fatal("LoadOrCreate without Records succeeded")
		}
	})
}

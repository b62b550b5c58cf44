package ca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"path/filepath"
	"testing"

	"github.com/chatim/chat/server/store"
)

// openStore opens a real Pebble store in dir/db, closed at the end of the test.
func openStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "db"), nil)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newCA creates a CA in a fresh directory with a fresh store.
func newCA(t testing.TB) (*CA, string, *store.Store) {
	t.Helper()
	dir := t.TempDir()
	st := openStore(t, dir)
	c, err := LoadOrCreate(dir, Options{Records: st})
	if err != nil {
		t.Fatalf("LoadOrCreate: %v", err)
	}
	return c, dir, st
}

// newKey returns a fresh ECDSA P-384 key.
func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// makeCSR returns a DER certificate request for cn signed by key.
func makeCSR(t testing.TB, key crypto.Signer, cn string) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, key)
	if err != nil {
		t.Fatalf("CreateCertificateRequest: %v", err)
	}
	return der
}

// issueClient issues a client certificate for cn and returns it with its key
// as a tls.Certificate.
func issueClient(t testing.TB, c *CA, cn string, opts IssueOptions) tls.Certificate {
	t.Helper()
	key := newKey(t)
	cert, err := c.Issue(makeCSR(t, key, cn), opts)
	if err != nil {
		t.Fatalf("Issue(%q): %v", cn, err)
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
}

package ca

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestIssueKeyTypes(t *testing.T) {
	c, _, st := newCA(t)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	rsa2048, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		key   crypto.Signer
		usage x509.KeyUsage
		err   error
	}{
		{"P-256", p256, x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement, nil},
		{"P-384", newKey(t), x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement, nil},
		{"Ed25519", ed, x509.KeyUsageDigitalSignature, nil},
		{"RSA-2048", rsa2048, x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, nil},
		{"P-521", p521, 0, ErrKeyType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert, err := c.Issue(makeCSR(t, tc.key, "alice"), IssueOptions{})
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cert.KeyUsage != tc.usage {
				t.Errorf("KeyUsage %b, want %b", cert.KeyUsage, tc.usage)
			}
			checkIssued(t, c, st, cert, "alice")
		})
	}
}

// checkIssued checks the properties every issued certificate has.
func checkIssued(t *testing.T, c *CA, st interface{ Get([]byte) ([]byte, error) }, cert *x509.Certificate, cn string) {
	t.Helper()
	if cert.Subject.CommonName != cn || len(cert.Subject.Names) != 1 {
		t.Errorf("subject %v, want CN=%s only", cert.Subject, cn)
	}
	if cert.SerialNumber.Sign() <= 0 || cert.SerialNumber.BitLen() > 128 {
		t.Errorf("serial %s not a positive 128-bit number", FormatSerial(cert.SerialNumber))
	}
	if len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth {
		t.Errorf("ExtKeyUsage %v, want ClientAuth only", cert.ExtKeyUsage)
	}
	if cert.IsCA {
		t.Error("client certificate is a CA")
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: c.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("does not verify against the CA: %v", err)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: c.Pool()}); err == nil {
		t.Error("client certificate verifies for server authentication")
	}
	rec, err := st.Get([]byte("ca/cert/" + cert.SerialNumber.Text(16)))
	if err != nil {
		t.Fatalf("record: %v", err)
	}
	if !bytes.Equal(rec, cert.Raw) {
		t.Error("recorded DER differs from the certificate")
	}
}

func TestIssueRefusals(t *testing.T) {
	c, _, _ := newCA(t)
	key := newKey(t)
	good := makeCSR(t, key, "alice")
	badSig := bytes.Clone(good)
	badSig[len(badSig)-1] ^= 0x01
	for _, tc := range []struct {
		name string
		csr  []byte
		cn   string
		err  error
		msg  string
	}{
		{"bad signature", badSig, "", ErrBadCSR, "signature"},
		{"garbage", []byte{0x30, 0x03, 0x02, 0x01}, "", ErrBadCSR, ""},
		{"empty", nil, "", ErrBadCSR, ""},
		{"too large", make([]byte, MaxCSRSize+1), "", ErrBadCSR, "more than"},
		{"cn mismatch", good, "bob", ErrCNMismatch, `"alice", expected "bob"`},
		{"anon", makeCSR(t, key, "anon"), "", ErrNickname, "reserved"},
		{"empty cn", makeCSR(t, key, ""), "", ErrNickname, "empty"},
		{"upper case", makeCSR(t, key, "Alice"), "", ErrNickname, "offset 0"},
		{"dot", makeCSR(t, key, "a.b"), "", ErrNickname, "offset 1"},
		{"too long", makeCSR(t, key, strings.Repeat("a", 33)), "", ErrNickname, "more than 32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert, err := c.Issue(tc.csr, IssueOptions{ExpectCN: tc.cn})
			if cert != nil || !errors.Is(err, tc.err) {
				t.Fatalf("Issue = %v, %v; want %v", cert, err, tc.err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not mention %q", err, tc.msg)
			}
		})
	}
	recs, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 0 {
		t.Errorf("refused requests left %d records", len(recs))
	}
	if _, err := c.Issue(good, IssueOptions{ExpectCN: "alice"}); err != nil {
		t.Errorf("good request with ExpectCN: %v", err)
	}
}

func TestCheckNickname(t *testing.T) {
	for _, ok := range []string{"a", "alice", "bob_2", "x-y", "0", strings.Repeat("z", 32), "anonymous"} {
		if err := CheckNickname(ok); err != nil {
			t.Errorf("CheckNickname(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "anon", "Alice", "al ice", "al.ice", "é", strings.Repeat("z", 33), "a/b", "a+b"} {
		if err := CheckNickname(bad); !errors.Is(err, ErrNickname) {
			t.Errorf("CheckNickname(%q) = %v, want ErrNickname", bad, err)
		}
	}
}

func TestIssueValidity(t *testing.T) {
	c, _, _ := newCA(t)
	cert := issueClient(t, c, "alice", IssueOptions{}).Leaf
	if d := cert.NotAfter.Sub(cert.NotBefore); d != DefaultClientValidity {
		t.Errorf("default validity %v", d)
	}
	nb := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	cert = issueClient(t, c, "alice", IssueOptions{NotBefore: nb, Validity: 24 * time.Hour}).Leaf
	if !cert.NotBefore.Equal(nb) || !cert.NotAfter.Equal(nb.Add(24*time.Hour)) {
		t.Errorf("validity %v..%v", cert.NotBefore, cert.NotAfter)
	}
	cert = issueClient(t, c, "alice", IssueOptions{Validity: 100 * 365 * 24 * time.Hour}).Leaf
	if !cert.NotAfter.Equal(c.Certificate().NotAfter) {
		t.Errorf("NotAfter %v outlives the CA (%v)", cert.NotAfter, c.Certificate().NotAfter)
	}
}

func TestIssueSerialCollision(t *testing.T) {
	c, _, _ := newCA(t)
	first := issueClient(t, c, "alice", IssueOptions{}).Leaf.SerialNumber
	// The next draws repeat the serial already issued, then move on.
	draws := 0
	c.newSerial = func() (*big.Int, error) {
		draws++
		if draws <= 3 {
			return new(big.Int).Set(first), nil
		}
		return randomSerial()
	}
	second := issueClient(t, c, "bob", IssueOptions{}).Leaf.SerialNumber
	if second.Cmp(first) == 0 {
		t.Fatal("serial reused")
	}
	if draws != 4 {
		t.Errorf("%d draws, want 4", draws)
	}
	// A serial source that never yields a free serial gives up with an error.
	c.newSerial = func() (*big.Int, error) { return new(big.Int).Set(first), nil }
	if _, err := c.Issue(makeCSR(t, newKey(t), "carol"), IssueOptions{}); err == nil {
		t.Fatal("Issue succeeded with only taken serials")
	}
}

func TestIssueManyUnique(t *testing.T) {
	c, _, _ := newCA(t)
	key := newKey(t)
	csr := makeCSR(t, key, "alice")
	seen := map[string]bool{}
	const n = 100
	for range n {
		cert, err := c.Issue(csr, IssueOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s := FormatSerial(cert.SerialNumber)
		if seen[s] {
			t.Fatalf("serial %s issued twice", s)
		}
		seen[s] = true
	}
	recs, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n {
		t.Fatalf("List has %d records, want %d", len(recs), n)
	}
	for _, r := range recs {
		if !seen[FormatSerial(r.Serial)] || r.CN != "alice" || r.Revoked {
			t.Errorf("unexpected record %+v", r)
		}
	}
}

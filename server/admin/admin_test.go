package admin

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chatim/chat/server/ca"
)

// fakeCA records calls and answers from fixed data.
type fakeCA struct {
	issued  []ca.IssueOptions
	revoked []*big.Int
}

func (f *fakeCA) Issue(csrDER []byte, opts ca.IssueOptions) (*x509.Certificate, error) {
	csr, err := x509.ParseCertificateRequest(csrDER)
	if err != nil {
		return nil, ca.ErrBadCSR
	}
	f.issued = append(f.issued, opts)
	return &x509.Certificate{Raw: []byte("cert"), SerialNumber: big.NewInt(0xabc), Subject: csr.Subject}, nil
}

func (f *fakeCA) Revoke(serial *big.Int) error {
	if serial.Cmp(big.NewInt(0xabc)) != 0 {
		return ca.ErrUnknownSerial
	}
	f.revoked = append(f.revoked, serial)
	return nil
}

func (f *fakeCA) List() ([]ca.Record, error) {
	return []ca.Record{{Serial: big.NewInt(0xabc), CN: "alice", NotAfter: time.Unix(2e9, 0), Revoked: len(f.revoked) > 0, RevokedAt: time.Unix(1e9, 0)}}, nil
}

func do(t *testing.T, h http.Handler, method, target, remote, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.RemoteAddr = remote
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestHandlers(t *testing.T) {
	f := &fakeCA{}
	healthy := errors.New("store closed")
	s := &Server{cfg: Config{Metrics: NewMetrics(), CA: f, Health: func() error { return healthy }, Logger: discard()}}
	h := s.Handler()
	const local = "127.0.0.1:5555"

	if w := do(t, h, "GET", "/healthz", local, ""); w.Code != http.StatusServiceUnavailable {
		t.Errorf("unhealthy /healthz: %d", w.Code)
	}
	healthy = nil
	if w := do(t, h, "GET", "/healthz", "[::1]:5555", ""); w.Code != http.StatusOK || w.Body.String() != "ok" {
		t.Errorf("/healthz: %d %q", w.Code, w.Body)
	}

	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csr, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "alice"}}, key)
	csrPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr}))

	for _, tc := range []struct {
		name, method, target, remote, body string
		hdr                                []string
		want                               int
	}{
		{"issue", "POST", "/ca/issue?validity=1h&not_before=2020-01-01T00:00:00Z&cn=alice", local, csrPEM, nil, 200},
		{"issue from afar", "POST", "/ca/issue", "192.0.2.1:5555", csrPEM, nil, 403},
		{"issue from a web page", "POST", "/ca/issue", local, csrPEM, []string{"Origin", "http://example.com"}, 403},
		{"issue garbage", "POST", "/ca/issue", local, "garbage", nil, 400},
		{"issue bad CSR", "POST", "/ca/issue", local, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", nil, 400},
		{"issue bad validity", "POST", "/ca/issue?validity=-1h", local, csrPEM, nil, 400},
		{"issue by GET", "GET", "/ca/issue", local, "", nil, 405},
		{"revoke", "POST", "/ca/revoke?serial=0xABC", local, "", nil, 200},
		{"revoke unknown", "POST", "/ca/revoke?serial=abd", local, "", nil, 404},
		{"revoke malformed", "POST", "/ca/revoke?serial=xyz", local, "", nil, 400},
		{"list", "GET", "/ca/list", local, "", nil, 200},
		{"list from afar", "GET", "/ca/list", "10.0.0.1:1", "", nil, 403},
	} {
		if w := do(t, h, tc.method, tc.target, tc.remote, tc.body, tc.hdr...); w.Code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, w.Code, w.Body, tc.want)
		}
	}
	if len(f.issued) != 1 || f.issued[0].Validity != time.Hour || f.issued[0].ExpectCN != "alice" ||
		!f.issued[0].NotBefore.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("issue options %+v", f.issued)
	}
	w := do(t, h, "GET", "/ca/list", local, "")
	var infos []CertInfo
	if err := json.Unmarshal(w.Body.Bytes(), &infos); err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Serial != "abc" || !infos[0].Revoked || infos[0].RevokedAt == nil || infos[0].CN != "alice" {
		t.Errorf("list = %+v", infos)
	}
	if w := do(t, h, "GET", "/metrics", "10.0.0.1:1", ""); w.Code != 200 || !strings.Contains(w.Body.String(), "go_goroutines") {
		t.Errorf("/metrics: %d", w.Code)
	}
}

func TestParseCSRPEM(t *testing.T) {
	in := "junk\n" + string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}})) +
		string(pem.EncodeToMemory(&pem.Block{Type: "NEW CERTIFICATE REQUEST", Bytes: []byte{2, 3}}))
	der, err := ParseCSRPEM([]byte(in))
	if err != nil || string(der) != "\x02\x03" {
		t.Fatalf("ParseCSRPEM = % x, %v", der, err)
	}
	if _, err := ParseCSRPEM([]byte("no pem")); err == nil {
		t.Fatal("ParseCSRPEM accepted text without PEM")
	}
}

func FuzzParseCSRPEM(f *testing.F) {
	f.Add([]byte(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{1, 2}})))
	f.Add([]byte("-----BEGIN CERTIFICATE REQUEST-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		der, err := ParseCSRPEM(b)
		if err == nil && len(der) > len(b) {
			t.Fatalf("DER longer than its PEM")
		}
	})
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

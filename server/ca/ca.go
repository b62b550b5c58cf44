package ca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Default lifetimes.
const (
	// DefaultCAValidity is the lifetime of a newly created CA certificate.
	DefaultCAValidity = 10 * 365 * 24 * time.Hour
	// DefaultServerValidity is the lifetime of a newly created server certificate.
	DefaultServerValidity = 365 * 24 * time.Hour
	// DefaultClientValidity is the lifetime of an issued client certificate.
	DefaultClientValidity = 365 * 24 * time.Hour
	// RenewBefore is how close to its expiry the server certificate is
	// replaced by LoadOrCreate.
	RenewBefore = 30 * 24 * time.Hour
	// backdate is subtracted from "now" for NotBefore, to tolerate clock skew.
	backdate = time.Hour
)

// Options configures LoadOrCreate.
type Options struct {
	// Records keeps issued certificates and revocations; required.
	// A *store.Store satisfies it.
	Records Records
	// Hosts lists DNS names or IP addresses the server certificate must
	// cover besides "localhost", 127.0.0.1 and ::1. A server certificate
	// that misses one is replaced.
	Hosts []string
	// CAValidity is the lifetime of a newly created CA; zero means DefaultCAValidity.
	CAValidity time.Duration
	// ServerValidity is the lifetime of a new server certificate; zero
	// means DefaultServerValidity.
	ServerValidity time.Duration
	// Now is the clock used for issuing and renewal; nil means time.Now.
	Now func() time.Time
}

// CA is a certificate authority backed by files in a data directory and by
// records in the store. Its methods are safe for concurrent use.
type CA struct {
	dir     string
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	pool    *x509.CertPool
	server  tls.Certificate
	records Records
	now     func() time.Time
	// newSerial draws client certificate serials; randomSerial outside tests.
	newSerial func() (*big.Int, error)

	mu      sync.Mutex                          // serialises writers: Issue, Revoke, Refresh
	revoked atomic.Pointer[map[string]struct{}] // immutable; replaced whole by writers
}

// LoadOrCreate opens the CA kept in dir, creating dir, the CA key and
// certificate, and the server key and certificate when they are missing. The
// server certificate is also replaced when it expires within RenewBefore, no
// longer chains to the CA, or does not cover every host. The revoked set is
// loaded from opts.Records.
func LoadOrCreate(dir string, opts Options) (*CA, error) {
	if opts.Records == nil {
		return nil, errors.New("ca: Options.Records is required")
	}
	c := &CA{dir: dir, records: opts.Records, now: opts.Now, newSerial: randomSerial}
	if c.now == nil {
		c.now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	if err := c.loadOrCreateCA(opts.CAValidity); err != nil {
		return nil, err
	}
	c.pool = x509.NewCertPool()
	c.pool.AddCert(c.cert)
	if err := c.loadOrCreateServer(opts.Hosts, opts.ServerValidity); err != nil {
		return nil, err
	}
	if err := c.Refresh(); err != nil {
		return nil, err
	}
	return c, nil
}

// Certificate returns the CA certificate.
func (c *CA) Certificate() *x509.Certificate { return c.cert }

// Pool returns a new pool holding the CA certificate, for clients.
func (c *CA) Pool() *x509.CertPool { return c.pool.Clone() }

// ServerCertificate returns the server certificate chain and key.
func (c *CA) ServerCertificate() tls.Certificate { return c.server }

// loadOrCreateCA loads ca.pem and ca.key, or creates both when neither exists.
func (c *CA) loadOrCreateCA(validity time.Duration) error {
	certPath, keyPath := filepath.Join(c.dir, CACertFile), filepath.Join(c.dir, CAKeyFile)
	haveCert, err := exists(certPath)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFiles, err)
	}
	haveKey, err := exists(keyPath)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFiles, err)
	}
	switch {
	case haveCert && haveKey:
		return c.loadCA(certPath, keyPath)
	case haveCert || haveKey:
		return fmt.Errorf("%w: %s and %s must both exist or both be absent", ErrFiles, certPath, keyPath)
	}
	if validity <= 0 {
		validity = DefaultCAValidity
	}
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return err
	}
	now := c.now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "CHAT CA", Organization: []string{"CHAT"}},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(validity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		SubjectKeyId:          subjectKeyID(&key.PublicKey),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("ca: create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	// The key goes first: a crash in between leaves a key without a
	// certificate, which the next start reports instead of silently replacing.
	if err := writeKey(keyPath, key); err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	if err := writeCerts(certPath, der); err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	c.cert, c.key = cert, key
	return nil
}

// loadCA reads and checks the CA files.
func (c *CA) loadCA(certPath, keyPath string) error {
	certs, err := readCerts(certPath)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFiles, err)
	}
	key, err := readKey(keyPath)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFiles, err)
	}
	cert := certs[0]
	if !cert.IsCA || cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return fmt.Errorf("%w: %s is not a CA certificate", ErrFiles, certPath)
	}
	if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
		return fmt.Errorf("%w: %s does not match %s", ErrFiles, keyPath, certPath)
	}
	if now := c.now(); now.After(cert.NotAfter) {
		return fmt.Errorf("%w: CA certificate %s expired at %s", ErrFiles, certPath, cert.NotAfter.UTC().Format(time.RFC3339))
	}
	c.cert, c.key = cert, key
	return nil
}

// loadOrCreateServer loads server.pem and server.key when they are usable,
// otherwise issues and writes a new pair.
func (c *CA) loadOrCreateServer(hosts []string, validity time.Duration) error {
	certPath, keyPath := filepath.Join(c.dir, ServerCertFile), filepath.Join(c.dir, ServerKeyFile)
	names := append([]string{"localhost", "127.0.0.1", "::1"}, hosts...)
	if tc, err := tls.LoadX509KeyPair(certPath, keyPath); err == nil && c.serverUsable(tc, names) {
		c.server = tc
		return nil
	}
	if validity <= 0 {
		validity = DefaultServerValidity
	}
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return err
	}
	now := c.now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"CHAT"}},
		NotBefore:    now.Add(-backdate),
		NotAfter:     clampNotAfter(now.Add(validity), c.cert),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range names {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		return fmt.Errorf("ca: create server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	if err := writeKey(keyPath, key); err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	if err := writeCerts(certPath, der, c.cert.Raw); err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	c.server = tls.Certificate{Certificate: [][]byte{der, c.cert.Raw}, PrivateKey: key, Leaf: leaf}
	return nil
}

// serverUsable reports whether a loaded server certificate chains to the CA
// for server authentication, stays valid for RenewBefore, and covers names.
func (c *CA) serverUsable(tc tls.Certificate, names []string) bool {
	leaf := tc.Leaf
	if leaf == nil {
		return false
	}
	at := c.now().Add(RenewBefore)
	if c.now().Before(leaf.NotBefore) || at.After(leaf.NotAfter) {
		return false
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots:       c.pool,
		CurrentTime: c.now(),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		return false
	}
	for _, n := range names {
		if leaf.VerifyHostname(n) != nil {
			return false
		}
	}
	return true
}

// clampNotAfter keeps a certificate from outliving its issuer.
func clampNotAfter(t time.Time, issuer *x509.Certificate) time.Time {
	if t.After(issuer.NotAfter) {
		return issuer.NotAfter
	}
	return t
}

package client

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"

	transport "github.com/chatim/chat/server/client"
)

// ErrNoTLS reports a URL whose transport does not use TLS.
var ErrNoTLS = errors.New("client: the transport has no TLS")

// FetchCA connects to a tls://, quic:// or wss:// server without
// verifying it and returns the root of the chain it presents: the last
// certificate, which must be a self-signed CA that the server's own
// certificate chains to for the URL's host. It is meant for trust on
// first use: the caller shows the fingerprint and stores the result.
func FetchCA(ctx context.Context, rawURL string) (*x509.Certificate, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if u.Scheme != "tls" && u.Scheme != "quic" && u.Scheme != "wss" {
		return nil, fmt.Errorf("%w: %s", ErrNoTLS, rawURL)
	}
	var chain []*x509.Certificate
	conf := &tls.Config{
		InsecureSkipVerify: true, // verified below against the chain's own root
		VerifyConnection: func(cs tls.ConnectionState) error {
			chain = cs.PeerCertificates
			return nil
		},
	}
	c, err := transport.Dial(ctx, rawURL, transport.Options{TLS: conf})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, rawURL, err)
	}
	_ = c.Close()
	if len(chain) < 2 {
		return nil, fmt.Errorf("client: %s presents no CA certificate in its chain", rawURL)
	}
	root := chain[len(chain)-1]
	if !root.IsCA || root.CheckSignatureFrom(root) != nil {
		return nil, fmt.Errorf("client: %s: the last certificate of its chain is not a self-signed CA", rawURL)
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	for _, c := range chain[1 : len(chain)-1] {
		inter.AddCert(c)
	}
	if _, err := chain[0].Verify(x509.VerifyOptions{DNSName: u.Hostname(), Roots: roots, Intermediates: inter}); err != nil {
		return nil, fmt.Errorf("client: %s: its certificate does not chain to the CA it presents: %w", rawURL, err)
	}
	return root, nil
}

// Fingerprint returns the SHA-256 of a certificate as colon-separated
// upper-case hex, as openssl x509 -fingerprint -sha256 prints it.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

package ca

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
)

// TLSConfig returns a new server TLS configuration: the server certificate
// chain, client certificates optional but verified against the CA when
// given (chain, validity, ExtKeyUsage ClientAuth), TLS 1.2 at least, the
// given ALPN protocols, and VerifyClient as VerifyConnection, refusing revoked
// certificates. crypto/tls runs VerifyConnection on resumed sessions too, so
// a revoked certificate cannot come back through a session ticket.
func (c *CA) TLSConfig(nextProtos ...string) *tls.Config {
	return &tls.Config{
		Certificates:     []tls.Certificate{c.server},
		ClientAuth:       tls.VerifyClientCertIfGiven,
		ClientCAs:        c.pool,
		MinVersion:       tls.VersionTLS12,
		NextProtos:       nextProtos,
		VerifyConnection: c.VerifyClient,
	}
}

// VerifyClient is a tls.Config.VerifyConnection callback for servers.
// A connection without a client certificate passes (it is anonymous or
// authenticates otherwise). A client certificate must chain to the CA, be
// within its validity, allow client authentication, and not be revoked.
// When crypto/tls has already verified the chain (ClientAuth
// VerifyClientCertIfGiven or RequireAndVerifyClientCert with ClientCAs set to
// the CA) that verification is reused; otherwise it is done here.
func (c *CA) VerifyClient(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return nil
	}
	leaf := cs.PeerCertificates[0]
	if !c.chainsToCA(cs.VerifiedChains) {
		inter := x509.NewCertPool()
		for _, ic := range cs.PeerCertificates[1:] {
			inter.AddCert(ic)
		}
		_, err := leaf.Verify(x509.VerifyOptions{
			Roots:         c.pool,
			Intermediates: inter,
			CurrentTime:   c.now(),
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		})
		if err != nil {
			return fmt.Errorf("ca: client certificate %q: %w", leaf.Subject.CommonName, err)
		}
	}
	if c.IsRevoked(leaf.SerialNumber) {
		return fmt.Errorf("%w: client certificate %q, serial %s", ErrRevoked, leaf.Subject.CommonName, FormatSerial(leaf.SerialNumber))
	}
	return nil
}

// Identity returns the nickname of the client of a TLS connection: the
// subject common name of a client certificate verified against this CA and
// not revoked. ok is false for connections without such a certificate.
func (c *CA) Identity(cs tls.ConnectionState) (nickname string, ok bool) {
	if len(cs.PeerCertificates) == 0 || !c.chainsToCA(cs.VerifiedChains) {
		return "", false
	}
	leaf := cs.PeerCertificates[0]
	if c.IsRevoked(leaf.SerialNumber) || CheckNickname(leaf.Subject.CommonName) != nil {
		return "", false
	}
	return leaf.Subject.CommonName, true
}

// chainsToCA reports whether one of the verified chains ends at this CA.
func (c *CA) chainsToCA(chains [][]*x509.Certificate) bool {
	for _, ch := range chains {
		if len(ch) > 0 && ch[len(ch)-1].Equal(c.cert) {
			return true
		}
	}
	return false
}

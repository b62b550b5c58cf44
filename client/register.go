package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/chatim/chat/generated/chat"
)

// Credentials are what registration yields: the user's private key, the
// certificate the server's CA issued for it, and the session token.
type Credentials struct {
	Nick    string
	Key     *ecdsa.PrivateKey
	Cert    *x509.Certificate
	Session []byte
}

// TLSCertificate returns the credentials as a TLS client certificate.
func (c *Credentials) TLSCertificate() *tls.Certificate {
	return &tls.Certificate{Certificate: [][]byte{c.Cert.Raw}, PrivateKey: c.Key, Leaf: c.Cert}
}

// KeyPEM returns the private key as a PKCS#8 PEM block.
func (c *Credentials) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		return nil, fmt.Errorf("client: marshal key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// CertPEM returns the certificate as a PEM block.
func (c *Credentials) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// ParseCredentials parses a PEM key (PKCS#8 or SEC 1) and a PEM
// certificate and checks that they belong together.
func ParseCredentials(keyPEM, certPEM []byte) (*Credentials, error) {
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return nil, errors.New("client: key: no PEM block")
	}
	var key *ecdsa.PrivateKey
	if k, err := x509.ParsePKCS8PrivateKey(kb.Bytes); err == nil {
		ek, ok := k.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("client: key: %T is not ECDSA", k)
		}
		key = ek
	} else if ek, err2 := x509.ParseECPrivateKey(kb.Bytes); err2 == nil {
		key = ek
	} else {
		return nil, fmt.Errorf("client: key: %w", err)
	}
	cb, _ := pem.Decode(certPEM)
	if cb == nil {
		return nil, errors.New("client: certificate: no PEM block")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("client: certificate: %w", err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, errors.New("client: the certificate is not for this key")
	}
	return &Credentials{Nick: cert.Subject.CommonName, Key: key, Cert: cert}, nil
}

// NewCSR generates an ECDSA P-384 key and a PKCS#10 request for it with
// subject CN = nick.
func NewCSR(nick string) (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("client: generate key: %w", err)
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: nick},
	}, key)
	if err != nil {
		return nil, nil, fmt.Errorf("client: certificate request: %w", err)
	}
	return key, csr, nil
}

// Register registers nick with password: it generates a key and a CSR,
// connects anonymously (client id anon.<device>, cfg.Device or a random
// one) with cfg's URL, format and trusted roots, sends Register and
// returns the credentials from the Auth reply. The server records the
// session <nick>.<device>. cfg.Nick, Certificate and Password are ignored.
func Register(ctx context.Context, cfg Config, nick string, password []byte) (*Credentials, error) {
	key, csr, err := NewCSR(nick)
	if err != nil {
		return nil, err
	}
	anon := cfg
	anon.Nick, anon.Certificate, anon.Password = "", nil, nil
	if anon.Device == "" {
		anon.Device = RandomDevice()
	}
	c, err := Dial(ctx, anon)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	reply, err := c.Request(ctx, &chat.CHATProtocol_Register{Value: chat.Register{
		Nickname: []byte(nick), Csr: csr, Password: password,
	}})
	if err != nil {
		return nil, err
	}
	a, ok := reply.(*chat.CHATProtocol_Auth)
	if !ok {
		return nil, &UnexpectedReplyError{Op: "register", Body: BodyName(reply)}
	}
	cert, err := x509.ParseCertificate(a.Value.Cert)
	if err != nil {
		return nil, fmt.Errorf("client: register: issued certificate: %w", err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, errors.New("client: register: the issued certificate is not for our key")
	}
	if cert.Subject.CommonName != nick {
		return nil, fmt.Errorf("client: register: certificate issued for %q, not %q", cert.Subject.CommonName, nick)
	}
	return &Credentials{Nick: nick, Key: key, Cert: cert, Session: a.Value.Session}, nil
}

package ca

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"time"
)

// Limits applied to certificate requests.
const (
	// MaxCSRSize bounds the DER certificate request Issue accepts.
	MaxCSRSize = 64 << 10
	// MinRSABits and MaxRSABits bound the size of an RSA public key.
	MinRSABits = 2048
	MaxRSABits = 8192
	// serialAttempts bounds the retries after a serial collision.
	serialAttempts = 8
)

// IssueOptions controls one issuance.
type IssueOptions struct {
	// Validity is the certificate lifetime from NotBefore; zero or negative
	// means DefaultClientValidity. The certificate never outlives the CA.
	Validity time.Duration
	// NotBefore is the start of validity; zero means one hour before now.
	// A NotBefore in the past with a short Validity issues a certificate that
	// has already expired, which tests use.
	NotBefore time.Time
	// ExpectCN, when not empty, is the subject common name the request must
	// carry (the nickname being registered).
	ExpectCN string
}

// Issue checks a PKCS#10 certificate request and issues a client
// certificate for it: the signature must verify, the subject common name
// must be a valid nickname (and equal opts.ExpectCN when that is set), and
// the key must be ECDSA P-256 or P-384, Ed25519, or RSA of 2048 to 8192
// bits. The certificate has a random positive 128-bit serial unique among
// the issued ones, the subject CN only, and extended key usage ClientAuth;
// it is recorded under ca/cert/<serial> before Issue returns.
func (c *CA) Issue(csrDER []byte, opts IssueOptions) (*x509.Certificate, error) {
	csr, err := CheckCSR(csrDER, opts.ExpectCN)
	if err != nil {
		return nil, err
	}
	now := c.now()
	notBefore := opts.NotBefore
	if notBefore.IsZero() {
		notBefore = now.Add(-backdate)
	}
	validity := opts.Validity
	if validity <= 0 {
		validity = DefaultClientValidity
	}
	tmpl := &x509.Certificate{
		Subject:      pkix.Name{CommonName: csr.Subject.CommonName},
		NotBefore:    notBefore,
		NotAfter:     clampNotAfter(notBefore.Add(validity), c.cert),
		KeyUsage:     keyUsage(csr.PublicKey),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		SubjectKeyId: subjectKeyID(csr.PublicKey),
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	for attempt := 0; ; attempt++ {
		if attempt == serialAttempts {
			return nil, fmt.Errorf("ca: no free serial number after %d attempts", serialAttempts)
		}
		if tmpl.SerialNumber, err = c.newSerial(); err != nil {
			return nil, err
		}
		_, taken, err := c.lookup(certKey(tmpl.SerialNumber))
		if err != nil {
			return nil, err
		}
		if !taken {
			break
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, csr.PublicKey, c.key)
	if err != nil {
		return nil, fmt.Errorf("ca: issue for %q: %w", csr.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("ca: issue for %q: %w", csr.Subject.CommonName, err)
	}
	if err := c.records.Set(certKey(cert.SerialNumber), der); err != nil {
		return nil, fmt.Errorf("ca: record certificate %s: %w", FormatSerial(cert.SerialNumber), err)
	}
	return cert, nil
}

// CheckCSR parses a DER PKCS#10 request and applies Issue's checks:
// signature, nickname in the subject common name (equal to expectCN when
// that is not empty), and key type. Errors wrap ErrBadCSR, ErrNickname,
// ErrCNMismatch or ErrKeyType.
func CheckCSR(csrDER []byte, expectCN string) (*x509.CertificateRequest, error) {
	if len(csrDER) > MaxCSRSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrBadCSR, len(csrDER), MaxCSRSize)
	}
	csr, err := x509.ParseCertificateRequest(csrDER)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadCSR, err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("%w: signature: %w", ErrBadCSR, err)
	}
	cn := csr.Subject.CommonName
	if err := CheckNickname(cn); err != nil {
		return nil, fmt.Errorf("subject common name: %w", err)
	}
	if expectCN != "" && cn != expectCN {
		return nil, fmt.Errorf("%w: request is for %q, expected %q", ErrCNMismatch, cn, expectCN)
	}
	if err := checkKey(csr.PublicKey); err != nil {
		return nil, err
	}
	return csr, nil
}

// checkKey accepts ECDSA P-256 and P-384, Ed25519, and RSA of MinRSABits to
// MaxRSABits.
func checkKey(pub any) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() || k.Curve == elliptic.P384() {
			return nil
		}
		return fmt.Errorf("%w: ECDSA curve %s (want P-256 or P-384)", ErrKeyType, k.Curve.Params().Name)
	case ed25519.PublicKey:
		return nil
	case *rsa.PublicKey:
		if n := k.N.BitLen(); n < MinRSABits || n > MaxRSABits {
			return fmt.Errorf("%w: RSA key of %d bits (want %d to %d)", ErrKeyType, n, MinRSABits, MaxRSABits)
		}
		return nil
	default:
		return fmt.Errorf("%w: %T (want ECDSA P-256/P-384, Ed25519 or RSA)", ErrKeyType, pub)
	}
}

// keyUsage returns the key usage suited to a client key: signing for all,
// plus key agreement (ECDH) for ECDSA and key transport for RSA, so the key
// can also receive CMS EnvelopedData.
func keyUsage(pub any) x509.KeyUsage {
	switch pub.(type) {
	case *ecdsa.PublicKey:
		return x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement
	case *rsa.PublicKey:
		return x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	default:
		return x509.KeyUsageDigitalSignature
	}
}

// subjectKeyID computes a key identifier as RFC 5280 §4.2.1.2 method (1):
// the SHA-1 of the subjectPublicKey bit string.
func subjectKeyID(pub any) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil
	}
	sum := sha1.Sum(spki.PublicKey.Bytes)
	return sum[:]
}

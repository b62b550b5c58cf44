package ca

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Records is the part of the store the CA needs: durable (synced) writes
// and ordered prefix scans. A *store.Store satisfies it. Scan must call fn
// for every key starting with prefix, in key order, and stop with fn's error.
// The slices fn receives may be reused after fn returns.
type Records interface {
	Set(key, val []byte) error
	Scan(prefix []byte, fn func(key, val []byte) error) error
}

// Key prefixes of the CA records.
const (
	CertPrefix    = "ca/cert/"
	RevokedPrefix = "ca/revoked/"
)

// Record describes one issued certificate.
type Record struct {
	Serial    *big.Int
	CN        string
	NotBefore time.Time
	NotAfter  time.Time
	// Revoked is true when the certificate has been revoked, at RevokedAt.
	Revoked   bool
	RevokedAt time.Time
	// Cert is the certificate itself.
	Cert *x509.Certificate
}

// errStop ends a Scan early without being an error to the caller.
var errStop = errors.New("ca: stop scan")

// lookup returns the value stored under exactly key. It goes through Scan so
// that Records needs no store-specific "not found" error.
func (c *CA) lookup(key []byte) (val []byte, found bool, err error) {
	err = c.records.Scan(key, func(k, v []byte) error {
		if bytes.Equal(k, key) {
			val, found = bytes.Clone(v), true
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("ca: read %s: %w", key, err)
	}
	return val, found, nil
}

// certKey and revokedKey build the record keys of a serial.
func certKey(serial *big.Int) []byte    { return []byte(CertPrefix + FormatSerial(serial)) }
func revokedKey(serial *big.Int) []byte { return []byte(RevokedPrefix + FormatSerial(serial)) }

// encodeRevokedAt and decodeRevokedAt convert the value of a ca/revoked/
// record: the revocation time as 8-byte big-endian Unix nanoseconds.
func encodeRevokedAt(t time.Time) []byte {
	n := uint64(t.UnixNano())
	return []byte{byte(n >> 56), byte(n >> 48), byte(n >> 40), byte(n >> 32), byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
}

func decodeRevokedAt(v []byte) (time.Time, error) {
	if len(v) != 8 {
		return time.Time{}, fmt.Errorf("revocation time is %d bytes, want 8", len(v))
	}
	var n uint64
	for _, b := range v {
		n = n<<8 | uint64(b)
	}
	return time.Unix(0, int64(n)).UTC(), nil
}

// List returns every issued certificate in serial-key order, with its
// revocation state as recorded in the store.
func (c *CA) List() ([]Record, error) {
	revoked := map[string]time.Time{}
	err := c.records.Scan([]byte(RevokedPrefix), func(k, v []byte) error {
		at, err := decodeRevokedAt(v)
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		revoked[string(k[len(RevokedPrefix):])] = at
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ca: list: %w", err)
	}
	var out []Record
	err = c.records.Scan([]byte(CertPrefix), func(k, v []byte) error {
		cert, err := x509.ParseCertificate(bytes.Clone(v))
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		at, isRevoked := revoked[FormatSerial(cert.SerialNumber)]
		out = append(out, Record{
			Serial:    cert.SerialNumber,
			CN:        cert.Subject.CommonName,
			NotBefore: cert.NotBefore,
			NotAfter:  cert.NotAfter,
			Revoked:   isRevoked,
			RevokedAt: at,
			Cert:      cert,
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ca: list: %w", err)
	}
	return out, nil
}

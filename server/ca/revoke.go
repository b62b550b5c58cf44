package ca

import (
	"fmt"
	"maps"
	"math/big"
)

// Revoke revokes the certificate with the given serial: it records
// ca/revoked/<serial> (durably, before returning) and adds the serial to the
// in-memory set, so the next handshake presenting that certificate fails.
// Revoking a revoked certificate again changes nothing. A serial the CA
// never issued is refused with ErrUnknownSerial.
func (c *CA) Revoke(serial *big.Int) error {
	if serial == nil || serial.Sign() <= 0 {
		return fmt.Errorf("%w: %v is not positive", ErrBadSerial, serial)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, issued, err := c.lookup(certKey(serial)); err != nil {
		return err
	} else if !issued {
		return fmt.Errorf("%w: %s", ErrUnknownSerial, FormatSerial(serial))
	}
	_, done, err := c.lookup(revokedKey(serial))
	if err != nil {
		return err
	}
	if !done {
		if err := c.records.Set(revokedKey(serial), encodeRevokedAt(c.now())); err != nil {
			return fmt.Errorf("ca: revoke %s: %w", FormatSerial(serial), err)
		}
	}
	next := maps.Clone(*c.revoked.Load())
	next[FormatSerial(serial)] = struct{}{}
	c.revoked.Store(&next)
	return nil
}

// IsRevoked reports whether the certificate with the given serial is
// revoked. It reads the in-memory set without locking.
func (c *CA) IsRevoked(serial *big.Int) bool {
	if serial == nil {
		return false
	}
	_, ok := (*c.revoked.Load())[FormatSerial(serial)]
	return ok
}

// Refresh reloads the revoked set from the records, picking up revocations
// made by another process sharing the store. Every ca/revoked/ key counts,
// whatever its value holds, so a damaged record still revokes.
func (c *CA) Refresh() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	set := map[string]struct{}{}
	err := c.records.Scan([]byte(RevokedPrefix), func(k, _ []byte) error {
		set[string(k[len(RevokedPrefix):])] = struct{}{}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ca: load revoked: %w", err)
	}
	c.revoked.Store(&set)
	return nil
}

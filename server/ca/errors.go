package ca

import "errors"

// Errors returned by the CA. Every error it returns wraps one of them, so
// callers test with errors.Is.
var (
	// ErrBadCSR reports a certificate request that does not parse or whose
	// signature does not verify.
	ErrBadCSR = errors.New("ca: bad certificate request")
	// ErrNickname reports a subject common name that is not a valid nickname.
	ErrNickname = errors.New("ca: invalid nickname")
	// ErrCNMismatch reports a request whose subject common name differs from
	// the expected one.
	ErrCNMismatch = errors.New("ca: subject common name mismatch")
	// ErrKeyType reports a public key of a type or size the CA refuses.
	ErrKeyType = errors.New("ca: public key not allowed")
	// ErrBadSerial reports a serial number that does not parse.
	ErrBadSerial = errors.New("ca: bad serial number")
	// ErrUnknownSerial reports a serial number the CA never issued.
	ErrUnknownSerial = errors.New("ca: unknown serial number")
	// ErrRevoked reports a client certificate that has been revoked.
	ErrRevoked = errors.New("ca: certificate revoked")
	// ErrFiles reports CA files in the data directory that are missing,
	// unreadable or inconsistent.
	ErrFiles = errors.New("ca: bad CA files")
)

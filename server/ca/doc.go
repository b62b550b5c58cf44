// Package ca is the certificate authority of chatd: it keeps the CA and the
// server certificate in the data directory, issues client certificates from
// PKCS#10 requests, revokes them, and builds the server's tls.Config that
// accepts only unrevoked client certificates chained to the CA.
//
// Files in the data directory (created by [LoadOrCreate]):
//
//	ca.pem      CA certificate, ECDSA P-384, self-signed, PEM        0644
//	ca.key      CA private key, PKCS#8 PEM                           0600
//	server.pem  server certificate (leaf then CA), ECDSA P-384        0644
//	server.key  server private key, PKCS#8 PEM                       0600
//
// Records kept through [Records] (the shared store, prefix "ca/"):
//
//	ca/cert/<serial>     DER of every issued certificate
//	ca/revoked/<serial>  revocation time: 8-byte big-endian Unix nanoseconds (UTC)
//
// <serial> is the certificate serial number in lower-case hexadecimal
// without leading zeros, as [FormatSerial] writes it.
//
// The revoked set is held in memory as an immutable map behind an
// atomic.Pointer, so the check made on every TLS handshake takes no lock.
package ca

// Package auth is the broker's single authentication and authorisation hook.
//
// A connection is one of three kinds of principal:
//
//   - a user proven by a client certificate (TLS or QUIC): the certificate
//     chains to the server CA (checked during the handshake, revocation
//     included) and its subject CN is the nickname;
//   - a user proven by username and password on any transport: the password
//     is checked against an Argon2id hash kept in the store under
//     user/<nickname>/password;
//   - an anonymous client, which sent neither.
//
// The MQTT client identifier names the device: <nickname>.<device> for users
// and anon.<device> for anonymous clients, where device is 1 to 64 characters
// of [A-Za-z0-9_-]. The hook refuses every other combination in CONNACK and
// then enforces the topic table of the protocol on every publish, subscribe
// and delivery with an in-memory check that does not allocate.
package auth

// Package server assembles chatd: the Pebble store, the CA, the mochi MQTT
// broker with its hooks (session storage, authentication and ACL, the
// CHAT protocol (server/chat), metrics), its listeners (TLS, QUIC, WebSocket and
// plain TCP) and the admin HTTP server.
//
// A Server is built by New, which opens everything and binds every
// address (port 0 works; Addr reports what was bound), started by Start and
// stopped by Shutdown.
package server

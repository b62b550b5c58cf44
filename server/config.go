package server

import (
	"log/slog"
	"time"
)

// Default listener addresses, as chatd documents them.
const (
	DefaultTLSAddr   = ":8883"
	DefaultQUICAddr  = ":14567"
	DefaultWSAddr    = ":8080"
	DefaultTCPAddr   = "127.0.0.1:1883"
	DefaultAdminAddr = "127.0.0.1:9090"
	DefaultDataDir   = "./data"
)

// Listener names, for Addr.
const (
	TLS   = "tls"
	QUIC  = "quic"
	WS    = "ws"
	TCP   = "tcp"
	Admin = "admin"
)

// Broker limits. The outbound queue is the per-client channel of packets
// waiting for the client's socket: when a client reads too slowly and its
// queue is full, further messages to it are dropped (and counted in
// chatd_messages_dropped_total) instead of growing memory without bound.
// 256 packets absorb a burst (a reconnecting client's backlog, a busy
// room) while bounding a stalled client to 256 × MaxPacketSize; dropping
// is safe because the chat layer keeps every message in the recipient's
// inbox until the recipient acknowledges it, and sends it again. mochi
// allocates the whole channel when a client connects (8 bytes a slot):
// 1024 slots cost every idle connection 8 KiB of heap; 256 instead save
// about 9 KiB of resident memory per idle connection (BENCHMARKS.md).
const (
	DefaultOutboundQueue  = 256
	DefaultMaxPacketSize  = 1 << 20 // bytes; larger packets are refused [MQTT-3.2.2-15]
	DefaultMaxInflight    = 4096    // stored QoS 1/2 messages per session
	DefaultSessionExpiry  = 30 * 24 * 60 * 60
	DefaultMessageExpiry  = 7 * 24 * 60 * 60
	DefaultConnectTimeout = 30 * time.Second
)

// Config configures New. An empty listener address disables that listener.
type Config struct {
	DataDir string // data directory (CA files, db/, admin.addr); empty means DefaultDataDir

	TLSAddr   string // MQTT over TLS (TCP)
	QUICAddr  string // MQTT over QUIC (UDP), ALPN "mqtt"
	WSAddr    string // MQTT over WebSocket, path /mqtt
	TCPAddr   string // MQTT over plain TCP
	AdminAddr string // admin HTTP (healthz, metrics, CA operations)

	// Logger receives the server's logs; nil means slog.Default().
	Logger *slog.Logger

	// OutboundQueue is the per-client outbound queue length; zero means
	// DefaultOutboundQueue.
	OutboundQueue int
	// MaxPacketSize bounds every MQTT packet in bytes; zero means
	// DefaultMaxPacketSize.
	MaxPacketSize uint32
	// ConnectTimeout bounds the TLS handshake and the wait for CONNECT;
	// zero means DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// Tuning holds per-connection buffer sizes and load-test options; the
	// zero value is the production configuration (see tuning.go).
	Tuning Tuning
}

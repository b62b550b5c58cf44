// Package chat is chatbench's chat mode: it drives the CHAT protocol
// itself rather than raw MQTT topics. It registers users through the
// protocol (anonymous Register with a CSR, then the issued certificate as
// identity), makes them friends or members of rooms, and has senders post
// Messages while recipients receive them on the feed topics and
// acknowledge their inbox entries. It reports end-to-end throughput, the
// latency from send to the recipient's receipt of the live delivery, the
// latency of the sender's Ack, and lost and duplicated deliveries.
package chat

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"time"

	"github.com/chatim/chat/tools/chatbench/bench"
)

// Patterns.
const (
	// OneToOne pairs users: the first half send, each to its own friend in
	// the second half, on their private feed.
	OneToOne = "one-to-one"
	// Room puts the users into rooms of RoomSize members; the first
	// SendersPerRoom members of each room send to it.
	Room = "room"
)

// Formats.
const (
	DER = "der"
	ETF = "etf"
)

// Limits keep a run bounded.
const (
	MaxUsers      = 5000
	MaxRoomSize   = 1000
	MaxMessages   = 1_000_000
	MaxDeliveries = 10_000_000
	MaxSize       = 32 << 10
	MaxTimeout    = time.Hour
)

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("chat: bad configuration")

// Config describes one chat-mode run.
type Config struct {
	// URL of the server, loopback only. Over tls:// and quic:// users
	// present the certificates they register; over tcp:// and ws:// they
	// log in with their password.
	URL string
	// TLS holds the roots that verify the server (tls://, quic://).
	TLS *tls.Config
	// Format is DER or ETF: the encoding of every request.
	Format string
	// Pattern is OneToOne or Room.
	Pattern string
	// Users is the number of users registered for the run.
	Users int
	// RoomSize is the number of members of each room (Room).
	RoomSize int
	// SendersPerRoom is the number of members of each room that send
	// (Room). Zero means 1.
	SendersPerRoom int
	// Size is the length in bytes of each message's text.
	Size int
	// Messages is the total number of messages sent.
	Messages int
	// Rate is the total send rate in messages per second; 0 means each
	// sender sends its next message as soon as the previous one is
	// acknowledged.
	Rate float64
	// NoInboxAck leaves recipients' inbox entries unacknowledged.
	NoInboxAck bool
	// ConfirmedInboxAck makes recipients send each inbox Ack as a request
	// that awaits the server's synced OK, instead of as a notification
	// (request number 0: no answer, the delete not synced), which is how
	// the client library sends them.
	ConfirmedInboxAck bool
	// RequestQoS is the MQTT QoS of requests, 0 (as the client library
	// sends them: the protocol's reply acknowledges a request) or 1, which
	// adds the broker's PUBACK and the session store's record of an
	// acknowledged publish.
	RequestQoS byte
	// Prefix starts every nickname of the run; empty means a random one,
	// so that runs against one server do not collide.
	Prefix string
	// Timeout bounds the whole run, registration included.
	Timeout time.Duration
	// Drain bounds the wait for outstanding deliveries and inbox
	// acknowledgements once sending has ended. Zero means 10 s.
	Drain time.Duration
	// ServerPID, if not zero, is a local server process whose CPU time
	// over the measured phase is reported.
	ServerPID int
	// LatencyLog, if set, is a file that receives one line per live
	// receipt once the run ends, in order of sending: the send time in
	// Unix nanoseconds and the send-to-receipt latency in nanoseconds.
	// Set against a server's log, it shows when the slow messages were
	// sent.
	LatencyLog string
}

// DefaultConfig returns the defaults the command line starts from.
func DefaultConfig() Config {
	return Config{
		URL: "tls://127.0.0.1:8883", Format: DER, Pattern: OneToOne, Users: 20, RoomSize: 100,
		Size: 64, Messages: 10000, Timeout: 5 * time.Minute, RequestQoS: 0,
	}
}

// senders returns the number of senders and the recipients of each
// message.
func (c *Config) senders() (senders, perMessage int) {
	if c.Pattern == Room {
		return (c.Users / c.RoomSize) * c.sendersPerRoom(), c.RoomSize - 1
	}
	return c.Users / 2, 1
}

func (c *Config) sendersPerRoom() int {
	if c.SendersPerRoom <= 0 {
		return 1
	}
	return c.SendersPerRoom
}

// Validate checks the configuration, including that the URL is loopback.
func (c *Config) Validate() error {
	if err := bench.CheckLoopback(c.URL); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, a...))
	}
	u, _ := url.Parse(c.URL)
	switch u.Scheme {
	case "tcp", "tls", "quic", "ws", "wss":
	default:
		return bad("scheme %q, want tcp, tls, quic, ws or wss", u.Scheme)
	}
	if c.Format != DER && c.Format != ETF {
		return bad("format %q, want %s or %s", c.Format, DER, ETF)
	}
	if c.Users < 2 || c.Users > MaxUsers {
		return bad("users %d not in 2..%d", c.Users, MaxUsers)
	}
	switch c.Pattern {
	case OneToOne:
	case Room:
		if c.RoomSize < 2 || c.RoomSize > MaxRoomSize || c.RoomSize > c.Users {
			return bad("room size %d not in 2..min(%d, users %d)", c.RoomSize, MaxRoomSize, c.Users)
		}
		if c.sendersPerRoom() > c.RoomSize {
			return bad("%d senders per room exceed the room size %d", c.sendersPerRoom(), c.RoomSize)
		}
	default:
		return bad("pattern %q, want %s or %s", c.Pattern, OneToOne, Room)
	}
	senders, per := c.senders()
	switch {
	case c.Size < minSize || c.Size > MaxSize:
		return bad("size %d not in %d..%d", c.Size, minSize, MaxSize)
	case c.Messages < senders || c.Messages > MaxMessages:
		return bad("messages %d not in %d..%d (at least one per sender)", c.Messages, senders, MaxMessages)
	case c.Messages*per > MaxDeliveries:
		return bad("%d expected deliveries exceed %d", c.Messages*per, MaxDeliveries)
	case c.Rate < 0:
		return bad("rate %v is negative", c.Rate)
	case c.RequestQoS > 1:
		return bad("request qos %d, want 0 or 1", c.RequestQoS)
	case c.Timeout <= 0 || c.Timeout > MaxTimeout:
		return bad("timeout %v not in (0, %v]", c.Timeout, MaxTimeout)
	case c.Drain < 0:
		return bad("drain %v is negative", c.Drain)
	case !validPrefix(c.Prefix):
		return bad("prefix %q: want at most 16 of [a-z0-9]", c.Prefix)
	}
	return nil
}

func validPrefix(p string) bool {
	if len(p) > 16 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if !('a' <= p[i] && p[i] <= 'z' || '0' <= p[i] && p[i] <= '9') {
			return false
		}
	}
	return true
}

// BindFlags registers on fs the flags of chat mode that the raw mode
// lacks; the shared ones (url, pattern, messages, rate, size, timeout,
// drain, server-pid) are copied in by the command.
func (c *Config) BindFlags(fs *flag.FlagSet) {
	fs.IntVar(&c.Users, "users", c.Users, "chat: users registered (one-to-one: half send, each to its own friend)")
	fs.StringVar(&c.Format, "format", c.Format, "chat: wire format, der or etf")
	fs.IntVar(&c.RoomSize, "room-size", c.RoomSize, "chat: members per room (pattern room)")
	fs.IntVar(&c.SendersPerRoom, "room-senders", c.SendersPerRoom, "chat: senders per room (pattern room; 0 means 1)")
	fs.BoolVar(&c.NoInboxAck, "no-inbox-ack", c.NoInboxAck, "chat: recipients do not acknowledge their inbox entries")
	fs.BoolVar(&c.ConfirmedInboxAck, "confirmed-inbox-ack", c.ConfirmedInboxAck, "chat: recipients await the server's synced OK for each inbox Ack")
	fs.StringVar(&c.Prefix, "prefix", c.Prefix, "chat: nickname `prefix` (default random)")
	fs.StringVar(&c.LatencyLog, "latency-log", c.LatencyLog, "chat: write each live receipt's send time (Unix ns) and latency (ns) to `file`, in order of sending")
	fs.Func("request-qos", "chat: MQTT QoS of requests, 0 or 1 (default 0, as the client library)", func(s string) error {
		switch s {
		case "0", "1":
			c.RequestQoS = s[0] - '0'
			return nil
		}
		return fmt.Errorf("want 0 or 1, not %q", s)
	})
}

// Package bench is the load generator behind chatbench: it connects MQTT
// clients to a broker on loopback, publishes numbered, timestamped
// messages in a one-to-one or fan-out pattern, and reports throughput,
// latency percentiles, loss, duplication and CPU time.
package bench

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Patterns.
const (
	// OneToOne pairs every publisher with its own subscriber on its own topic.
	OneToOne = "one-to-one"
	// FanOut has one publisher and many subscribers on one topic.
	FanOut = "fan-out"
)

// Limits keep a run bounded in memory and time.
const (
	MaxClients    = 10000
	MaxMessages   = 10_000_000 // published
	MaxDeliveries = 10_000_000 // expected receipts, one latency sample each
	MaxSize       = 1 << 20
	MaxTimeout    = time.Hour
)

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("bench: bad configuration")

// Config describes one run.
type Config struct {
	// URL of the broker: tcp://, tls://, quic:// or ws://, on loopback only.
	URL string
	// TLS is the client TLS configuration (CA pool, client certificate).
	TLS *tls.Config
	// Pattern is OneToOne or FanOut.
	Pattern string
	// Clients is the number of publishers (OneToOne; each has its own
	// subscriber, so twice as many connections). Ignored for FanOut.
	Clients int
	// Subscribers is the number of subscribers for FanOut.
	Subscribers int
	// QoS of publications and subscriptions, 0 or 1.
	QoS byte
	// Size of each payload in bytes, at least PayloadHeaderSize.
	Size int
	// Messages is the total number of messages published.
	Messages int
	// Rate is the total publish rate in messages per second; 0 publishes
	// as fast as acknowledgements (QoS 1) or writes (QoS 0) allow.
	Rate float64
	// Timeout bounds the whole run, connection set-up included.
	Timeout time.Duration
	// Drain bounds the wait for outstanding messages once publishing has
	// ended. Zero means 5 s.
	Drain time.Duration
	// IDTemplate makes client ids from a client number (1-based,
	// publishers first), as fmt.Sprintf(IDTemplate, n).
	IDTemplate string
	// TopicTemplate makes topics from the publisher number.
	TopicTemplate string
	// ServerPID, if not zero, is a local broker process whose CPU time is
	// reported too.
	ServerPID int
}

// DefaultConfig returns the defaults the command line starts from.
func DefaultConfig() Config {
	return Config{
		URL:           "tcp://127.0.0.1:1883",
		Pattern:       OneToOne,
		Clients:       10,
		Subscribers:   10,
		QoS:           1,
		Size:          256,
		Messages:      10000,
		Timeout:       60 * time.Second,
		IDTemplate:    "bench%d.d1",
		TopicTemplate: "bench/%d",
	}
}

// publishers returns the number of publishers and subscribers.
func (c *Config) publishers() (pubs, subs int) {
	if c.Pattern == FanOut {
		return 1, c.Subscribers
	}
	return c.Clients, c.Clients
}

// expected returns the number of receipts a complete run has.
func (c *Config) expected() int {
	if c.Pattern == FanOut {
		return c.Messages * c.Subscribers
	}
	return c.Messages
}

// Validate checks the configuration, including that the URL is loopback.
func (c *Config) Validate() error {
	if err := CheckLoopback(c.URL); err != nil {
		return err
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, a...))
	}
	switch c.Pattern {
	case OneToOne:
		if c.Clients < 1 || c.Clients > MaxClients/2 {
			return bad("clients %d not in 1..%d", c.Clients, MaxClients/2)
		}
	case FanOut:
		if c.Subscribers < 1 || c.Subscribers > MaxClients-1 {
			return bad("subscribers %d not in 1..%d", c.Subscribers, MaxClients-1)
		}
	default:
		return bad("pattern %q, want %s or %s", c.Pattern, OneToOne, FanOut)
	}
	pubs, _ := c.publishers()
	switch {
	case c.QoS > 1:
		return bad("qos %d, want 0 or 1", c.QoS)
	case c.Size < PayloadHeaderSize || c.Size > MaxSize:
		return bad("size %d not in %d..%d", c.Size, PayloadHeaderSize, MaxSize)
	case c.Messages < pubs || c.Messages > MaxMessages:
		return bad("messages %d not in %d..%d (at least one per publisher)", c.Messages, pubs, MaxMessages)
	case c.expected() > MaxDeliveries:
		return bad("%d expected deliveries exceed %d", c.expected(), MaxDeliveries)
	case c.Rate < 0:
		return bad("rate %v is negative", c.Rate)
	case c.Timeout <= 0 || c.Timeout > MaxTimeout:
		return bad("timeout %v not in (0, %v]", c.Timeout, MaxTimeout)
	case c.Drain < 0:
		return bad("drain %v is negative", c.Drain)
	case strings.Count(c.IDTemplate, "%") != 1 || !strings.Contains(c.IDTemplate, "%d"):
		return bad("id template %q needs exactly one %%d", c.IDTemplate)
	case strings.Count(c.TopicTemplate, "%") != 1 || !strings.Contains(c.TopicTemplate, "%d"):
		return bad("topic template %q needs exactly one %%d", c.TopicTemplate)
	case strings.ContainsAny(c.TopicTemplate, "+#"):
		return bad("topic template %q has a wildcard", c.TopicTemplate)
	}
	return nil
}

// CheckLoopback returns an error unless rawURL's host is localhost or a
// loopback address (127.0.0.0/8, ::1).
func CheckLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: host %q in %q is not loopback (127.0.0.0/8, ::1, localhost)", ErrConfig, host, rawURL)
}

package server

import (
	"strings"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// Per-connection buffer defaults. mochi puts a bufio.Reader of
// ReadBufferSize on every connection for its whole life, so this size is
// paid by every idle client; 2 KiB (mochi's own default) holds a typical
// chat PUBLISH and keeps one read system call per packet burst on plain
// TCP. TLS and QUIC connections buffer a whole record or frame below it
// anyway. The write threshold only matters while packets queue: mochi
// allocates its write buffer on demand and drops it after each flush.
const (
	DefaultReadBufferSize  = 2 << 10
	DefaultWriteBufferSize = 2 << 10
)

// BenchmarkTopicPrefix is the topic namespace that Tuning.BenchmarkTopics
// opens to every connected client.
const BenchmarkTopicPrefix = "bench/"

// Tuning holds broker and listener knobs that trade memory for throughput.
// Its zero value is the production configuration. The Go runtime's own
// knobs (GOGC, GOMEMLIMIT) are read from the environment and apply too;
// BENCHMARKS.md records what each costs and saves.
type Tuning struct {
	// ReadBufferSize is the size in bytes of the read buffer mochi keeps
	// on each client connection (mqtt.Options.ClientNetReadBufferSize).
	// Zero means DefaultReadBufferSize.
	ReadBufferSize int
	// WriteBufferSize is how many bytes of queued outbound packets mochi
	// gathers before it writes them to the connection
	// (mqtt.Options.ClientNetWriteBufferSize). Zero means
	// DefaultWriteBufferSize.
	WriteBufferSize int

	// BenchmarkTopics, for load tests only, lets every connected client
	// (anonymous ones included) publish and subscribe to topics under
	// BenchmarkTopicPrefix, so that a load generator can measure the
	// broker path (listeners, authentication, the per-delivery ACL check,
	// session persistence, metrics) without the chat protocol. The chat
	// topic table is unchanged. chatd has no flag for it; bench/benchd
	// sets it. False in production.
	BenchmarkTopics bool
}

// withDefaults returns t with zero sizes replaced by the defaults.
func (t Tuning) withDefaults() Tuning {
	if t.ReadBufferSize <= 0 {
		t.ReadBufferSize = DefaultReadBufferSize
	}
	if t.WriteBufferSize <= 0 {
		t.WriteBufferSize = DefaultWriteBufferSize
	}
	return t
}

// apply sets the tuned fields of the broker options.
func (t Tuning) apply(o *mqtt.Options) {
	t = t.withDefaults()
	o.ClientNetReadBufferSize = t.ReadBufferSize
	o.ClientNetWriteBufferSize = t.WriteBufferSize
}

// benchmarkTopicsHook is the ACL hook added by Tuning.BenchmarkTopics.
// mochi ORs OnACLCheck across hooks, so it can only widen what the chat
// hook allows, and only under BenchmarkTopicPrefix.
type benchmarkTopicsHook struct{ mqtt.HookBase }

// ID returns the hook id.
func (*benchmarkTopicsHook) ID() string { return "chat-benchmark-topics" }

// Provides reports OnACLCheck.
func (*benchmarkTopicsHook) Provides(b byte) bool { return b == mqtt.OnACLCheck }

// OnACLCheck allows publishing, subscribing and delivery on a literal
// topic under BenchmarkTopicPrefix.
func (*benchmarkTopicsHook) OnACLCheck(_ *mqtt.Client, topic string, _ bool) bool {
	return BenchmarkTopic(topic)
}

// BenchmarkTopic reports whether topic lies in the benchmark namespace: a
// literal topic (no wildcard) strictly under BenchmarkTopicPrefix.
func BenchmarkTopic(topic string) bool {
	return len(topic) > len(BenchmarkTopicPrefix) && strings.HasPrefix(topic, BenchmarkTopicPrefix) &&
		!strings.ContainsAny(topic, "+#")
}

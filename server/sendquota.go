package server

import (
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// sendQuotaHook turns off mochi's accounting of each client's MQTT 5
// Receive Maximum. mochi v2.7.9 keeps a per-client send quota: a QoS 1 or
// 2 delivery that finds it exhausted is held back in the client's inflight
// table, and after every packet it reads from a client with a positive
// quota and inflight messages it looks for held-back ones
// (Inflight.NextImmediate), which takes the inflight table's read lock
// twice. A publisher storing a delivery for that client in between waits
// for the write lock, and the client's reader and the publisher then wait
// for each other for good: the publisher never gets its PUBACK, the
// subscriber is never served again and its client identifier can never
// connect again (TestQoS1DeliveriesDuringAcks). Held-back deliveries also
// stall once a client has had to wait for its quota.
//
// With a send quota and maximum of zero, mochi holds nothing back and
// never looks: QoS 1 and 2 deliveries go out as they come, bounded by
// Capabilities.MaximumInflight (the store's limit per session) and the
// outbound queue. The cost is [MQTT-3.3.4-9]: a client announcing a
// Receive Maximum smaller than what it is sent at once may get more
// unacknowledged deliveries than it asked for. The chat protocol is not
// concerned: its clients subscribe at QoS 0.
type sendQuotaHook struct{ mqtt.HookBase }

// ID returns the hook id.
func (*sendQuotaHook) ID() string { return "chat-send-quota" }

// Provides reports OnSessionEstablished.
func (*sendQuotaHook) Provides(b byte) bool { return b == mqtt.OnSessionEstablished }

// OnSessionEstablished sets the client's send quota and its maximum to
// zero, after mochi set them from the CONNECT and any session the client
// took over, and before it reads the client's first packet.
func (*sendQuotaHook) OnSessionEstablished(cl *mqtt.Client, _ packets.Packet) {
	cl.State.Inflight.ResetSendQuota(0)
}

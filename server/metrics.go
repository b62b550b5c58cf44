package server

import (
	"sync/atomic"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// countHook counts the PUBLISH packets clients send. mochi's own
// MessagesReceived also counts the server's publishes (inline client), so
// it cannot serve as "messages in".
type countHook struct {
	mqtt.HookBase
	publishes atomic.Int64
}

// ID returns the hook id.
func (h *countHook) ID() string { return "chat-metrics" }

// Provides reports OnPacketRead.
func (h *countHook) Provides(b byte) bool { return b == mqtt.OnPacketRead }

// OnPacketRead counts a PUBLISH read from a client connection.
func (h *countHook) OnPacketRead(_ *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if pk.FixedHeader.Type == packets.Publish {
		h.publishes.Add(1)
	}
	return pk, nil
}

package server

import (
	"errors"
	"strings"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/admin"
	"github.com/chatim/chat/server/auth"
)

// Error codes of the placeholder responder.
const (
	codeNotImplemented = "not_implemented"
	codeInvalidData    = "invalid_data"
)

// Wire format markers: the first byte of a payload.
const (
	firstByteDER = 0x30 // SEQUENCE
	firstByteETF = 0x83 // the ETF version byte, 131
)

// responder answers every request published on events/<client> on
// actions/<client> with a CHATMessage carrying the request's no and an
// ERROR: "not_implemented" for a request that decodes, "invalid_data" (and
// no = 0) for one that does not. It answers in the request's format: ETF
// when the payload starts with 0x83, DER otherwise. It stands in until the
// protocol handlers replace it.
type responder struct {
	mqtt.HookBase
	publish func(topic string, payload []byte, retain bool, qos byte) error
	metrics *admin.Metrics
}

func newResponder(publish func(string, []byte, bool, byte) error, m *admin.Metrics) *responder {
	return &responder{publish: publish, metrics: m}
}

// ID returns the hook id.
func (r *responder) ID() string { return "chat-responder" }

// Provides reports OnPublished.
func (r *responder) Provides(b byte) bool { return b == mqtt.OnPublished }

// OnPublished answers a request after the broker accepted it.
func (r *responder) OnPublished(cl *mqtt.Client, pk packets.Packet) {
	if cl.Net.Inline {
		return
	}
	client, ok := strings.CutPrefix(pk.TopicName, auth.EventsPrefix)
	if !ok || client != cl.ID {
		return
	}
	reply, err := r.reply(pk.Payload)
	if err != nil {
		r.Log.Error("cannot encode reply", "client", cl.ID, "error", err)
		return
	}
	if err := r.publish(auth.ActionsPrefix+cl.ID, reply, false, 1); err != nil {
		r.Log.Warn("cannot publish reply", "client", cl.ID, "error", err)
	}
}

var errUnknownFormat = errors.New("payload is neither DER (0x30) nor ETF (0x83)")

// reply builds the encoded answer to one request payload.
func (r *responder) reply(payload []byte) ([]byte, error) {
	etf := len(payload) > 0 && payload[0] == firstByteETF
	var req chat.CHATMessage
	var err error
	switch {
	case etf:
		err = req.UnmarshalETF(payload)
	case len(payload) > 0 && payload[0] == firstByteDER:
		err = req.UnmarshalDER(payload)
	default:
		err = errUnknownFormat
	}
	out := chat.CHATMessage{No: req.No, Body: &chat.CHATProtocol_Error{Value: chat.ERROR{Code: codeNotImplemented}}}
	if err != nil {
		out.No = 0
		out.Body = &chat.CHATProtocol_Error{Value: chat.ERROR{Code: codeInvalidData}}
		if r.metrics != nil {
			r.metrics.DecodeError(formatName(payload))
		}
		r.Log.Debug("undecodable request", "error", err)
	}
	if etf {
		return out.MarshalETF()
	}
	return out.MarshalDER()
}

// formatName names the wire format of a payload for metrics.
func formatName(p []byte) string {
	switch {
	case len(p) > 0 && p[0] == firstByteDER:
		return "der"
	case len(p) > 0 && p[0] == firstByteETF:
		return "etf"
	}
	return "unknown"
}

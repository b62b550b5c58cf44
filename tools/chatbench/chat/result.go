package chat

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/chatim/chat/tools/chatbench/bench"
)

// Result is what a chat-mode run measured.
type Result struct {
	URL        string  `json:"url"`
	Mode       string  `json:"mode"` // always "chat"
	Pattern    string  `json:"pattern"`
	Format     string  `json:"format"`
	Users      int     `json:"users"`
	Senders    int     `json:"senders"`
	PerMessage int     `json:"recipients_per_message"`
	Size       int     `json:"size"`
	Rate       float64 `json:"rate"` // requested; 0 for closed loop
	RequestQoS byte    `json:"request_qos"`

	Sent        int64  `json:"sent"`         // Messages sent
	Acked       int64  `json:"acked"`        // Messages the server acknowledged to the sender
	SendErrors  int64  `json:"send_errors"`  // refused or unanswered
	Expected    int64  `json:"expected"`     // deliveries the acknowledged messages call for
	Received    int64  `json:"received"`     // distinct deliveries, live or redelivered
	Lost        int64  `json:"lost"`         // expected but never received
	Duplicated  int64  `json:"duplicated"`   // live deliveries received twice
	Redelivered int64  `json:"redelivered"`  // first received from the inbox, not live
	Stray       int64  `json:"stray"`        // not from a sender of this run
	InboxAcks   int64  `json:"inbox_acks"`   // recipients' Acks sent, or answered OK with ConfirmedInboxAck
	InboxErrors int64  `json:"inbox_errors"` // recipients' Acks refused or unanswered
	FirstError  string `json:"first_error,omitempty"`

	ElapsedSeconds   float64 `json:"elapsed_s"`        // first send to last receipt or Ack
	MsgsPerSec       float64 `json:"msgs_per_s"`       // acknowledged messages per second
	DeliveriesPerSec float64 `json:"deliveries_per_s"` // receipts per second
	// Latency is from sending to the recipient's receipt of the live
	// delivery on the feed topic.
	Latency bench.Latency `json:"latency"`
	// AckLatency is from sending to the sender's receipt of the Ack.
	AckLatency bench.Latency `json:"ack_latency"`

	ClientCPU        CPU     `json:"client_cpu"`
	ServerCPUSeconds float64 `json:"server_cpu_s"` // -1 when no server pid was given
}

// Complete reports whether every message was acknowledged and delivered
// exactly once, and every inbox entry acknowledged.
func (r *Result) Complete() bool {
	return r.SendErrors == 0 && r.Acked == r.Sent && r.Lost == 0 && r.Duplicated == 0 &&
		r.Stray == 0 && r.InboxErrors == 0
}

func (r *run) result(elapsed time.Duration) *Result {
	cfg := &r.cfg
	res := &Result{
		URL: cfg.URL, Mode: "chat", Pattern: cfg.Pattern, Format: cfg.Format, Users: cfg.Users,
		Senders: len(r.senders), PerMessage: r.per, Size: cfg.Size, Rate: cfg.Rate, RequestQoS: cfg.RequestQoS,
		Sent: r.sent.Load(), Acked: r.acked.Load(), SendErrors: r.sendErrs.Load(),
		Received: r.received.Load(), Duplicated: r.dups.Load(), Redelivered: r.redelivers.Load(),
		Stray: r.stray.Load(), InboxAcks: r.ackDone.Load(), InboxErrors: r.ackErrs.Load(),
		ElapsedSeconds: elapsed.Seconds(),
	}
	if r.firstErr != nil {
		res.FirstError = r.firstErr.Error()
	}
	res.Expected = res.Acked * int64(r.per)
	res.Lost = max(0, res.Expected-res.Received)
	if elapsed > 0 {
		res.MsgsPerSec = float64(res.Acked) / elapsed.Seconds()
		res.DeliveriesPerSec = float64(res.Received) / elapsed.Seconds()
	}
	var lat, ack []int64
	for _, u := range r.users {
		u.mu.Lock()
		lat = append(lat, u.lat...)
		u.mu.Unlock()
	}
	for _, s := range r.senders {
		ack = append(ack, s.lat...)
	}
	res.Latency, res.AckLatency = summarise(lat), summarise(ack)
	return res
}

// summarise returns nearest-rank percentiles of ns samples, in µs.
func summarise(ns []int64) bench.Latency {
	if len(ns) == 0 {
		return bench.Latency{}
	}
	slices.Sort(ns)
	at := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(ns)))) - 1
		return float64(ns[max(i, 0)]) / 1e3
	}
	return bench.Latency{P50: at(0.50), P99: at(0.99), P999: at(0.999), Max: float64(ns[len(ns)-1]) / 1e3}
}

// WriteText prints the result for people.
func (r *Result) WriteText(w io.Writer) error {
	rate := "closed loop"
	if r.Rate > 0 {
		rate = fmt.Sprintf("%g msgs/s", r.Rate)
	}
	srv := ""
	if r.ServerCPUSeconds >= 0 {
		srv = fmt.Sprintf(", server %.2f s", r.ServerCPUSeconds)
	}
	_, err := fmt.Fprintf(w, `url          %s
chat         %s, %s, %d users, %d sender(s), %d recipient(s) per message, %d B text, rate %s, requests QoS %d
messages     %d sent, %d acked, %d send errors
deliveries   %d expected, %d received (%d redelivered), %d lost, %d duplicated, %d stray
inbox acks   %d ok, %d errors
throughput   %.0f msgs/s, %.0f deliveries/s over %.3f s
latency      send→receipt p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs, max %.0f µs
ack latency  send→Ack p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs, max %.0f µs
cpu          bench %.2f s user + %.2f s sys%s
`,
		r.URL, r.Pattern, r.Format, r.Users, r.Senders, r.PerMessage, r.Size, rate, r.RequestQoS,
		r.Sent, r.Acked, r.SendErrors,
		r.Expected, r.Received, r.Redelivered, r.Lost, r.Duplicated, r.Stray,
		r.InboxAcks, r.InboxErrors,
		r.MsgsPerSec, r.DeliveriesPerSec, r.ElapsedSeconds,
		r.Latency.P50, r.Latency.P99, r.Latency.P999, r.Latency.Max,
		r.AckLatency.P50, r.AckLatency.P99, r.AckLatency.P999, r.AckLatency.Max,
		r.ClientCPU.UserSeconds, r.ClientCPU.SystemSeconds, srv)
	if err == nil && r.FirstError != "" {
		_, err = fmt.Fprintf(w, "first error  %s\n", r.FirstError)
	}
	return err
}

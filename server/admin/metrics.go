package admin

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every metric name.
const Namespace = "chatd"

// Metrics is the registry of chatd's Prometheus metrics. The rest of the
// server registers what it can count cheaply (functions read at scrape
// time) and reports events through the methods below. Its methods are safe
// for concurrent use.
type Metrics struct {
	reg          *prometheus.Registry
	storeWrite   prometheus.Histogram
	decodeErrors *prometheus.CounterVec
}

// NewMetrics returns a registry holding the Go runtime and process
// collectors, chatd_store_write_seconds and chatd_decode_errors_total.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		storeWrite: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: Namespace,
			Name:      "store_write_seconds",
			Help:      "Latency of synced writes to the Pebble store, as seen by the server code that made them.",
			Buckets:   prometheus.ExponentialBuckets(50e-6, 2, 16), // 50 µs .. 1.6 s
		}),
		decodeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace,
			Name:      "decode_errors_total",
			Help:      "Payloads that did not decode as a CHATMessage, by wire format (der, etf, unknown).",
		}, []string{"format"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.storeWrite,
		m.decodeErrors,
	)
	return m
}

// Registry returns the underlying registry, for registering more collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler returns the /metrics handler.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveStoreWrite records the latency of one synced store write.
func (m *Metrics) ObserveStoreWrite(d time.Duration) { m.storeWrite.Observe(d.Seconds()) }

// DecodeError counts one payload that failed to decode; format is "der",
// "etf" or "unknown".
func (m *Metrics) DecodeError(format string) { m.decodeErrors.WithLabelValues(format).Inc() }

// RegisterConnections registers chatd_connections{transport=...}, the
// number of open connections on one transport, read from count at scrape
// time.
func (m *Metrics) RegisterConnections(transport string, count func() int) error {
	return m.reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace:   Namespace,
		Name:        "connections",
		Help:        "Open MQTT connections, by transport.",
		ConstLabels: prometheus.Labels{"transport": transport},
	}, func() float64 { return float64(count()) }))
}

// BrokerCounters are the broker's running totals, read at scrape time.
// Each function must be safe to call concurrently with the broker.
type BrokerCounters struct {
	MessagesReceived func() int64 // PUBLISH packets received from clients
	MessagesSent     func() int64 // PUBLISH packets sent to clients
	MessagesDropped  func() int64 // messages dropped on full outbound queues
	BytesReceived    func() int64
	BytesSent        func() int64
}

// RegisterBroker registers chatd_messages_received_total,
// chatd_messages_sent_total, chatd_messages_dropped_total,
// chatd_bytes_received_total and chatd_bytes_sent_total.
func (m *Metrics) RegisterBroker(c BrokerCounters) error {
	for _, x := range []struct {
		name, help string
		f          func() int64
	}{
		{"messages_received_total", "MQTT PUBLISH packets received from clients.", c.MessagesReceived},
		{"messages_sent_total", "MQTT PUBLISH packets sent to clients.", c.MessagesSent},
		{"messages_dropped_total", "Messages dropped because a client's outbound queue was full.", c.MessagesDropped},
		{"bytes_received_total", "Bytes of MQTT packets received.", c.BytesReceived},
		{"bytes_sent_total", "Bytes of MQTT packets sent.", c.BytesSent},
	} {
		if x.f == nil {
			continue
		}
		f := x.f
		err := m.reg.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: Namespace, Name: x.name, Help: x.help,
		}, func() float64 { return float64(f()) }))
		if err != nil {
			return err
		}
	}
	return nil
}

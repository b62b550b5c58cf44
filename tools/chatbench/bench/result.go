package bench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// Latency summarises send-to-receive times in microseconds.
type Latency struct {
	P50  float64 `json:"p50_us"`
	P99  float64 `json:"p99_us"`
	P999 float64 `json:"p999_us"`
	Max  float64 `json:"max_us"`
}

// Result is what a run measured.
type Result struct {
	URL         string  `json:"url"`
	Pattern     string  `json:"pattern"`
	Publishers  int     `json:"publishers"`
	Subscribers int     `json:"subscribers"`
	QoS         byte    `json:"qos"`
	Size        int     `json:"size"`
	Rate        float64 `json:"rate"` // requested; 0 for closed loop

	Published     int64  `json:"published"`
	Expected      int64  `json:"expected"` // receipts the published messages call for
	Received      int64  `json:"received"` // distinct messages received
	Lost          int64  `json:"lost"`
	Duplicated    int64  `json:"duplicated"`
	Stray         int64  `json:"stray"` // unreadable or not meant for the receiver
	PublishErrors int64  `json:"publish_errors"`
	FirstError    string `json:"first_error,omitempty"`

	ElapsedSeconds float64 `json:"elapsed_s"` // first publish to last receipt
	MsgsPerSec     float64 `json:"msgs_per_s"`
	Latency        Latency `json:"latency"`

	// ClientCPU is this process's CPU time while publishing and draining
	// (connection set-up excluded; an in-process broker included).
	ClientCPU        CPU     `json:"client_cpu"`
	ServerCPUSeconds float64 `json:"server_cpu_s"` // -1 when no server pid was given
}

// Complete reports whether every expected message arrived exactly once.
func (r *Result) Complete() bool {
	return r.Lost == 0 && r.Duplicated == 0 && r.Stray == 0 && r.PublishErrors == 0 &&
		r.Received == r.Expected
}

func (r *run) result(subs []*subscriber, elapsed time.Duration) *Result {
	cfg := r.cfg
	nPub, nSub := cfg.publishers()
	res := &Result{
		URL: cfg.URL, Pattern: cfg.Pattern, Publishers: nPub, Subscribers: nSub,
		QoS: cfg.QoS, Size: cfg.Size, Rate: cfg.Rate,
		Published:      r.published.Load(),
		PublishErrors:  r.pubErrs.Load(),
		ElapsedSeconds: elapsed.Seconds(),
	}
	if r.firstErr != nil {
		res.FirstError = r.firstErr.Error()
	}
	res.Expected = res.Published
	if cfg.Pattern == FanOut {
		res.Expected *= int64(nSub)
	}
	var lat []int64
	for _, s := range subs {
		s.mu.Lock()
		res.Received += s.unique
		res.Duplicated += s.dups
		res.Stray += s.stray
		lat = append(lat, s.lat...)
		s.mu.Unlock()
	}
	res.Lost = max(0, res.Expected-res.Received)
	if elapsed > 0 {
		res.MsgsPerSec = float64(res.Received) / elapsed.Seconds()
	}
	res.Latency = summarise(lat)
	return res
}

// summarise returns nearest-rank percentiles of ns samples, in µs.
func summarise(ns []int64) Latency {
	if len(ns) == 0 {
		return Latency{}
	}
	slices.Sort(ns)
	at := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(ns)))) - 1
		return float64(ns[max(i, 0)]) / 1e3
	}
	return Latency{P50: at(0.50), P99: at(0.99), P999: at(0.999), Max: float64(ns[len(ns)-1]) / 1e3}
}

// WriteText prints the result for people.
func (r *Result) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, `url          %s
pattern      %s, %d publisher(s), %d subscriber(s), QoS %d, %d B payload, rate %s
messages     %d published, %d expected, %d received, %d lost, %d duplicated, %d stray, %d publish errors
throughput   %.0f msgs/s over %.3f s
latency      p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs, max %.0f µs
cpu          bench %.2f s user + %.2f s sys%s
`,
		r.URL, r.Pattern, r.Publishers, r.Subscribers, r.QoS, r.Size, rateText(r.Rate),
		r.Published, r.Expected, r.Received, r.Lost, r.Duplicated, r.Stray, r.PublishErrors,
		r.MsgsPerSec, r.ElapsedSeconds,
		r.Latency.P50, r.Latency.P99, r.Latency.P999, r.Latency.Max,
		r.ClientCPU.UserSeconds, r.ClientCPU.SystemSeconds, serverText(r.ServerCPUSeconds))
	if err == nil && r.FirstError != "" {
		_, err = fmt.Fprintf(w, "first error  %s\n", r.FirstError)
	}
	return err
}

func rateText(rate float64) string {
	if rate == 0 {
		return "closed loop"
	}
	return fmt.Sprintf("%g msgs/s", rate)
}

func serverText(s float64) string {
	if s < 0 {
		return ""
	}
	return fmt.Sprintf(", server %.2f s", s)
}

package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/chatim/chat/server/client"
)

// connectParallel is how many connections are set up at once.
const connectParallel = 16

// subscriber tracks what one subscribing client received.
type subscriber struct {
	pub  uint32 // the publisher it listens to
	want uint64 // messages that publisher sends

	mu     sync.Mutex
	seen   []uint64 // bit per sequence number
	unique int64
	dups   int64
	stray  int64 // not from its publisher, out of range, or unreadable
	lat    []int64
}

func newSubscriber(pub uint32, want int) *subscriber {
	return &subscriber{pub: pub, want: uint64(want), seen: make([]uint64, (want+63)/64), lat: make([]int64, 0, want)}
}

// receive records one message and reports whether it was new.
func (s *subscriber) receive(payload []byte, now int64) bool {
	h, err := parsePayload(payload)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil || h.pub != s.pub || h.seq >= s.want {
		s.stray++
		return false
	}
	w, bit := h.seq/64, uint64(1)<<(h.seq%64)
	if s.seen[w]&bit != 0 {
		s.dups++
		return false
	}
	s.seen[w] |= bit
	s.unique++
	s.lat = append(s.lat, now-h.sent)
	return true
}

// run is the state of one Run.
type run struct {
	cfg      Config
	start    time.Time
	expected int64

	received atomic.Int64
	lastRecv atomic.Int64 // ns since start
	allDone  chan struct{}
	doneOnce sync.Once

	published atomic.Int64
	pubErrs   atomic.Int64
	errMu     sync.Mutex
	firstErr  error
}

func (r *run) now() int64 { return int64(time.Since(r.start)) }

func (r *run) delivered(now int64) {
	for {
		last := r.lastRecv.Load()
		if now <= last || r.lastRecv.CompareAndSwap(last, now) {
			break
		}
	}
	if r.received.Add(1) == r.expected {
		r.doneOnce.Do(func() { close(r.allDone) })
	}
}

func (r *run) fail(err error) {
	r.errMu.Lock()
	defer r.errMu.Unlock()
	if r.firstErr == nil {
		r.firstErr = err
	}
}

// share returns how many of total messages publisher i (0-based) of n sends.
func share(total, n, i int) int {
	m := total / n
	if i < total%n {
		m++
	}
	return m
}

// Run performs one bounded run and reports what it measured. Set-up
// failures (a refused connection or subscription) are returned as errors;
// failures while publishing are counted and reported in the Result.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Drain == 0 {
		cfg.Drain = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	nPub, nSub := cfg.publishers()
	r := &run{cfg: cfg, start: time.Now(), expected: int64(cfg.expected()), allDone: make(chan struct{})}

	subs := make([]*subscriber, nSub)
	for j := range subs {
		pub := j // one-to-one: subscriber j listens to publisher j
		if cfg.Pattern == FanOut {
			pub = 0
		}
		subs[j] = newSubscriber(uint32(pub+1), share(cfg.Messages, nPub, pub))
	}

	// Subscribers first, so that no message is published before its
	// subscription exists.
	subClients, err := connectAll(ctx, cfg, nSub, subscriberReceiveMaximum(cfg, share(cfg.Messages, nPub, 0)), func(j int) (int, func(*paho.Publish)) {
		s := subs[j]
		return nPub + j + 1, func(p *paho.Publish) {
			now := r.now()
			if s.receive(p.Payload, now) {
				r.delivered(now)
			}
		}
	})
	defer disconnectAll(subClients)
	if err != nil {
		return nil, err
	}
	if err := subscribeAll(ctx, cfg, subClients, subs); err != nil {
		return nil, err
	}
	pubClients, err := connectAll(ctx, cfg, nPub, client.QoS0ReceiveMaximum, func(i int) (int, func(*paho.Publish)) { return i + 1, nil })
	defer disconnectAll(pubClients)
	if err != nil {
		return nil, err
	}

	cpu0, srv0 := processCPU(), serverCPU(cfg.ServerPID)
	begin := r.now()
	var wg sync.WaitGroup
	for i, c := range pubClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.publish(ctx, c, i, nPub)
		}()
	}
	wg.Wait()
	pubEnd := r.now()

	drain := time.NewTimer(cfg.Drain)
	select {
	case <-r.allDone:
	case <-drain.C:
	case <-ctx.Done():
	}
	drain.Stop()
	cpu1, srv1 := processCPU(), serverCPU(cfg.ServerPID)

	end := r.lastRecv.Load()
	if end < pubEnd && r.received.Load() < r.expected {
		end = pubEnd
	}
	res := r.result(subs, time.Duration(end-begin))
	res.ClientCPU = cpu1.sub(cpu0)
	if srv0 >= 0 && srv1 >= 0 {
		res.ServerCPUSeconds = (srv1 - srv0).Seconds()
	} else {
		res.ServerCPUSeconds = -1
	}
	return res, nil
}

// publish sends publisher i's share of the messages, paced if a rate is set.
func (r *run) publish(ctx context.Context, c *paho.Client, i, nPub int) {
	cfg := r.cfg
	n := share(cfg.Messages, nPub, i)
	topic := fmt.Sprintf(cfg.TopicTemplate, i+1)
	var interval time.Duration
	var due time.Time
	if cfg.Rate > 0 {
		interval = time.Duration(float64(time.Second) * float64(nPub) / cfg.Rate)
		due = time.Now().Add(interval * time.Duration(i) / time.Duration(nPub)) // stagger publishers
	}
	buf := make([]byte, 0, cfg.Size)
	for k := range n {
		if interval > 0 {
			if d := time.Until(due); d > 0 {
				t := time.NewTimer(d)
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
					return
				}
			}
			due = due.Add(interval)
		}
		// The payload may be reused: Publish returns once it has been written
		// (QoS 0) or acknowledged (QoS 1).
		buf = appendPayload(buf[:0], header{pub: uint32(i + 1), seq: uint64(k), sent: r.now()}, cfg.Size)
		if _, err := c.Publish(ctx, &paho.Publish{Topic: topic, QoS: cfg.QoS, Payload: buf}); err != nil {
			r.pubErrs.Add(1)
			r.fail(fmt.Errorf("publisher %d message %d: %w", i+1, k, err))
			return
		}
		r.published.Add(1)
	}
}

// subscriberReceiveMaximum is the Receive Maximum of subscribers that
// receive at most most messages each: no smaller, so that a broker that
// enforces it (mosquitto; chatd does not) never has to hold a message back
// for it, and no larger, since paho allocates a channel of that many
// pointers per client that the load generator's garbage collector scans.
func subscriberReceiveMaximum(cfg Config, most int) uint16 {
	if cfg.QoS == 0 {
		return client.QoS0ReceiveMaximum
	}
	return uint16(max(1, min(most, math.MaxUint16)))
}

// connectAll connects n clients, connectParallel at a time, each
// announcing Receive Maximum recvMax. spec gives the client number and
// the publish handler of the j-th. On error the clients connected so far
// are returned with it.
func connectAll(ctx context.Context, cfg Config, n int, recvMax uint16, spec func(j int) (int, func(*paho.Publish))) ([]*paho.Client, error) {
	clients := make([]*paho.Client, n)
	errs := make([]error, n)
	sem := make(chan struct{}, connectParallel)
	var wg sync.WaitGroup
	for j := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			num, on := spec(j)
			clients[j], errs[j] = client.Connect(ctx, cfg.URL, client.ConnectOptions{
				ClientID:       fmt.Sprintf(cfg.IDTemplate, num),
				CleanStart:     true,
				KeepAlive:      60,
				ReceiveMaximum: recvMax,
				TLS:            cfg.TLS,
				OnPublish:      on,
			})
		}()
	}
	wg.Wait()
	connected := slices.DeleteFunc(clients, func(c *paho.Client) bool { return c == nil })
	if err := errors.Join(errs...); err != nil {
		return connected, fmt.Errorf("bench: connect: %w", err)
	}
	return connected, nil
}

func subscribeAll(ctx context.Context, cfg Config, clients []*paho.Client, subs []*subscriber) error {
	errs := make([]error, len(clients))
	var wg sync.WaitGroup
	for j, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			topic := fmt.Sprintf(cfg.TopicTemplate, subs[j].pub)
			ack, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: cfg.QoS}}})
			switch {
			case err != nil:
				errs[j] = fmt.Errorf("subscribe %s: %w", topic, err)
			case len(ack.Reasons) != 1 || ack.Reasons[0] >= 0x80:
				errs[j] = fmt.Errorf("subscribe %s: refused, reasons % x", topic, ack.Reasons)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// disconnectAll says goodbye to every client and waits, boundedly, for
// each to stop.
func disconnectAll(clients []*paho.Client) {
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.Disconnect(&paho.Disconnect{})
			t := time.NewTimer(5 * time.Second)
			defer t.Stop()
			select {
			case <-c.Done():
			case <-t.C:
			}
		}()
	}
	wg.Wait()
}

package chat

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	wire "github.com/chatim/chat/generated/chat"
)

// user is one registered user with its one connected device.
type user struct {
	r      *run
	nick   string
	device string // also the device that registers, anon.<device>
	id     string // client id nick.device
	cert   *tls.Certificate
	p      *peer

	mu    sync.Mutex
	seen  map[uint32][]uint64 // sender number → bit per sequence number
	other map[string]bool     // acknowledged messages not made by chatbench
	lat   []int64             // send to live receipt, ns
	sends []int64             // with LatencyLog: the send time of each lat, ns since start

	aqMu sync.Mutex
	aq   []wire.Ack
	last *wire.Ack // the last Ack sent as a notification
	wake chan struct{}
}

// sender is a user that sends share messages to feed.
type sender struct {
	num   uint32 // 1-based, in the message header
	u     *user
	feed  wire.MessageFeed
	share int
	lat   []int64 // send to Ack, ns
}

// run is the state of one Run.
type run struct {
	cfg     Config
	start   time.Time
	users   []*user
	senders []*sender
	per     int // recipients of each message

	sent, acked, sendErrs             atomic.Int64
	received, dups, stray, redelivers atomic.Int64
	ackQueued, ackDone, ackErrs       atomic.Int64
	lastEvent                         atomic.Int64 // ns since start

	errMu    sync.Mutex
	firstErr error
}

func (r *run) now() int64 { return int64(time.Since(r.start)) }

func (r *run) event(now int64) {
	for {
		last := r.lastEvent.Load()
		if now <= last || r.lastEvent.CompareAndSwap(last, now) {
			return
		}
	}
}

func (r *run) fail(err error) {
	r.errMu.Lock()
	defer r.errMu.Unlock()
	if r.firstErr == nil {
		r.firstErr = err
	}
}

// share returns how many of total messages sender i (0-based) of n sends.
func share(total, n, i int) int {
	m := total / n
	if i < total%n {
		m++
	}
	return m
}

// Run performs one bounded run: registration and set-up, then the
// measured phase of sending, receiving and acknowledging. Set-up failures
// are returned as errors; failures while sending are counted in the
// Result.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Drain == 0 {
		cfg.Drain = 10 * time.Second
	}
	if cfg.Prefix == "" {
		p, err := randomPrefix()
		if err != nil {
			return nil, err
		}
		cfg.Prefix = p
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	r := &run{cfg: cfg, start: time.Now()}
	_, r.per = cfg.senders()

	r.users = make([]*user, cfg.Users)
	for i := range r.users {
		nick := fmt.Sprintf("%su%04d", cfg.Prefix, i)
		r.users[i] = &user{r: r, nick: nick, device: nick, id: nick + "." + nick, seen: map[uint32][]uint64{}, other: map[string]bool{}, wake: make(chan struct{}, 1)}
	}
	defer func() {
		_ = parallel(len(r.users), func(i int) error {
			if u := r.users[i]; u.p != nil {
				u.p.close()
			}
			return nil
		})
	}()
	if err := r.setup(ctx); err != nil {
		return nil, err
	}

	ackCtx, stopAckers := context.WithCancel(ctx)
	var ackers sync.WaitGroup
	if !cfg.NoInboxAck {
		for _, u := range r.users {
			ackers.Add(1)
			go func() {
				defer ackers.Done()
				u.acker(ackCtx)
			}()
		}
	}

	cpu0, srv0 := processCPU(), serverCPU(cfg.ServerPID)
	begin := r.now()
	var wg sync.WaitGroup
	for _, s := range r.senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.send(ctx, s)
		}()
	}
	wg.Wait()
	r.drain(ctx)
	cpu1, srv1 := processCPU(), serverCPU(cfg.ServerPID)
	stopAckers()
	ackers.Wait()
	if !cfg.NoInboxAck && !cfg.ConfirmedInboxAck {
		r.checkAcks(ctx)
	}

	end := max(r.lastEvent.Load(), begin)
	res := r.result(time.Duration(end - begin))
	res.ClientCPU = cpu1.sub(cpu0)
	res.ServerCPUSeconds = -1
	if srv0 >= 0 && srv1 >= 0 {
		res.ServerCPUSeconds = (srv1 - srv0).Seconds()
	}
	if cfg.LatencyLog != "" {
		if err := r.writeLatencyLog(cfg.LatencyLog); err != nil {
			return res, err
		}
	}
	return res, nil
}

// setup registers and connects the users, makes the friendships or
// rooms, and subscribes the recipients to their feeds.
func (r *run) setup(ctx context.Context) error {
	cfg := &r.cfg
	err := parallel(len(r.users), func(i int) error {
		u := r.users[i]
		var err error
		if u.cert, err = register(ctx, cfg, u.nick, u.device); err != nil {
			return err
		}
		u.p, err = dial(ctx, cfg, u.id, password, u.cert, u.push)
		return err
	})
	if err != nil {
		return err
	}
	if cfg.Pattern == OneToOne {
		half := cfg.Users / 2
		for i := range half {
			a, b := r.users[i], r.users[half+i]
			r.senders = append(r.senders, &sender{num: uint32(i + 1), u: a,
				feed: &wire.MessageFeed_P2p{Value: wire.P2P{From: []byte(a.nick), To: []byte(b.nick)}}})
		}
		err = parallel(half, func(i int) error {
			a, b := r.users[i], r.users[half+i]
			if err := befriend(ctx, a.p, b.p); err != nil {
				return err
			}
			return b.p.subscribe(ctx, privateTopic(a.nick, b.nick))
		})
	} else {
		rooms := cfg.Users / cfg.RoomSize
		for k := range rooms {
			id := fmt.Sprintf("%sr%d", cfg.Prefix, k)
			ms := r.users[k*cfg.RoomSize : (k+1)*cfg.RoomSize]
			for j := range cfg.sendersPerRoom() {
				r.senders = append(r.senders, &sender{num: uint32(len(r.senders) + 1), u: ms[j],
					feed: &wire.MessageFeed_Muc{Value: wire.MUC{Room: []byte(id)}}})
			}
		}
		err = parallel(rooms, func(k int) error {
			id := fmt.Sprintf("%sr%d", cfg.Prefix, k)
			ms := r.users[k*cfg.RoomSize : (k+1)*cfg.RoomSize]
			others := make([]string, 0, len(ms)-1)
			for _, m := range ms[1:] {
				others = append(others, m.nick)
			}
			if err := createRoom(ctx, ms[0].p, id, others); err != nil {
				return err
			}
			return parallel(len(ms), func(j int) error { return ms[j].p.subscribe(ctx, roomPrefix+id) })
		})
	}
	if err != nil {
		return err
	}
	for i, s := range r.senders {
		s.share = share(cfg.Messages, len(r.senders), i)
		s.lat = make([]int64, 0, s.share)
	}
	return nil
}

// send sends s's share of the messages, paced if a rate is set, each
// after the previous one's Ack.
func (r *run) send(ctx context.Context, s *sender) {
	cfg := &r.cfg
	var interval time.Duration
	var due time.Time
	if cfg.Rate > 0 {
		n := len(r.senders)
		interval = time.Duration(float64(time.Second) * float64(n) / cfg.Rate)
		due = time.Now().Add(interval * time.Duration(s.num-1) / time.Duration(n)) // stagger senders
	}
	buf := make([]byte, 0, cfg.Size)
	for k := range s.share {
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
		sent := r.now()
		buf = appendText(buf[:0], header{sender: s.num, seq: uint32(k), sent: sent}, cfg.Size)
		r.sent.Add(1)
		reply, err := s.u.p.request(ctx, message(s.u.nick, s.feed, buf))
		if err == nil {
			if _, ok := reply.(*wire.CHATProtocol_Ack); !ok {
				err = fmt.Errorf("chat: %s: reply %T to a message, want Ack", s.u.id, reply)
			}
		}
		if err != nil {
			r.sendErrs.Add(1)
			r.fail(fmt.Errorf("sender %d message %d: %w", s.num, k, err))
			if ctx.Err() != nil || s.u.p.c != nil && isDone(s.u.p) {
				return
			}
			continue
		}
		now := r.now()
		s.lat = append(s.lat, now-sent)
		r.acked.Add(1)
		r.event(now)
	}
}

// checkAcks makes sure the server applied the recipients' Ack
// notifications: each recipient sends its last one again as a request
// awaiting an answer, which must be not_found. The server serves a
// connection's requests in order, so the answer also means that every
// earlier notification was served.
func (r *run) checkAcks(ctx context.Context) {
	_ = parallel(len(r.users), func(i int) error {
		u := r.users[i]
		if u.last == nil {
			return nil
		}
		_, err := u.p.request(ctx, &wire.CHATProtocol_Ack{Value: *u.last})
		if err == nil || !errors.Is(err, errRefused) || !strings.HasSuffix(err.Error(), "ERROR "+codeNotFound) {
			r.ackErrs.Add(1)
			r.fail(fmt.Errorf("inbox ack %s %s/%s not applied: confirmed again: %v", u.id, u.last.Table, u.last.Id, err))
		}
		return nil
	})
}

func isDone(p *peer) bool {
	select {
	case <-p.c.Done():
		return true
	default:
		return false
	}
}

// drain waits until every acknowledged message reached all its
// recipients and every inbox acknowledgement was answered, or Drain ends.
func (r *run) drain(ctx context.Context) {
	t := time.NewTimer(r.cfg.Drain)
	defer t.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		done := r.received.Load() >= r.acked.Load()*int64(r.per)
		if !r.cfg.NoInboxAck {
			done = done && r.ackDone.Load()+r.ackErrs.Load() >= r.ackQueued.Load()
		}
		if done {
			return
		}
		select {
		case <-tick.C:
		case <-t.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// push handles a message the server pushed to u: a live delivery on a
// feed topic, or a redelivery from the inbox on actions/<id>.
func (u *user) push(topic string, cm *wire.CHATMessage) {
	now := u.r.now()
	b, ok := cm.Body.(*wire.CHATProtocol_Message)
	if !ok {
		return // typing, presence, membership notices
	}
	m := &b.Value
	if string(m.From) == u.nick {
		return // an echo of u's own message
	}
	table := tableOf(m.Feed)
	live := topic != actionsPrefix+u.id
	h, err := parseMessage(m)
	u.mu.Lock()
	if err != nil {
		// A system message (room creation) or another client's: only
		// acknowledged, once.
		key := table + "/" + string(m.Id)
		first := !u.other[key]
		u.other[key] = true
		u.mu.Unlock()
		if first && table != "" {
			u.enqueue(table, m.Id)
		}
		return
	}
	r := u.r
	if h.sender == 0 || int(h.sender) > len(r.senders) || int(h.seq) >= r.senders[h.sender-1].share {
		u.mu.Unlock()
		r.stray.Add(1)
		return
	}
	bits := u.seen[h.sender]
	if bits == nil {
		bits = make([]uint64, (r.senders[h.sender-1].share+63)/64)
		u.seen[h.sender] = bits
	}
	w, bit := h.seq/64, uint64(1)<<(h.seq%64)
	if bits[w]&bit != 0 {
		u.mu.Unlock()
		if live {
			r.dups.Add(1)
		}
		return
	}
	bits[w] |= bit
	if live {
		u.lat = append(u.lat, now-h.sent)
		if r.cfg.LatencyLog != "" {
			u.sends = append(u.sends, h.sent)
		}
	}
	u.mu.Unlock()
	if !live {
		r.redelivers.Add(1)
	}
	r.received.Add(1)
	r.event(now)
	u.enqueue(table, m.Id)
}

// tableOf returns the table name of a message's feed.
func tableOf(f wire.MessageFeed) string {
	switch x := f.(type) {
	case *wire.MessageFeed_P2p:
		a, b := string(x.Value.From), string(x.Value.To)
		if b < a {
			a, b = b, a
		}
		return "p2p/" + a + "/" + b
	case *wire.MessageFeed_Muc:
		return "muc/" + string(x.Value.Room)
	}
	return ""
}

// enqueue queues the inbox acknowledgement of table/id.
func (u *user) enqueue(table string, id []byte) {
	if u.r.cfg.NoInboxAck {
		return
	}
	u.r.ackQueued.Add(1)
	u.aqMu.Lock()
	u.aq = append(u.aq, wire.Ack{Table: []byte(table), Id: append([]byte(nil), id...)})
	u.aqMu.Unlock()
	select {
	case u.wake <- struct{}{}:
	default:
	}
}

// acker sends u's queued inbox acknowledgements as the client library
// does, without waiting for an answer; with ConfirmedInboxAck one request
// at a time, each awaiting the server's synced OK.
func (u *user) acker(ctx context.Context) {
	for {
		u.aqMu.Lock()
		q := u.aq
		u.aq = nil
		u.aqMu.Unlock()
		for _, a := range q {
			var err error
			if u.r.cfg.ConfirmedInboxAck {
				_, err = u.p.request(ctx, &wire.CHATProtocol_Ack{Value: a})
			} else {
				err = u.p.notify(ctx, &wire.CHATProtocol_Ack{Value: a})
			}
			if err == nil {
				u.last = &a
			}
			if err != nil {
				u.r.ackErrs.Add(1)
				if ctx.Err() == nil {
					u.r.fail(fmt.Errorf("inbox ack %s %s/%s: %w", u.id, a.Table, a.Id, err))
				}
				continue
			}
			u.r.ackDone.Add(1)
		}
		select {
		case <-u.wake:
		case <-ctx.Done():
			return
		}
	}
}

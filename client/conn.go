package client

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/eclipse/paho.golang/paho"
	"github.com/quic-go/quic-go"

	"github.com/chatim/chat/generated/chat"
	transport "github.com/chatim/chat/server/client"
)

// Topic prefixes of the protocol's topic table (PROTOCOL.md).
const (
	EventsPrefix   = "events/"
	ActionsPrefix  = "actions/"
	DevicesPrefix  = "devices/"
	ContactsPrefix = "contacts/"
	PrivatePrefix  = "private/"
	RoomPrefix     = "room/"
)

// AnonymousNickname is the nickname part of the client id of a connection
// without credentials.
const AnonymousNickname = "anon"

// DefaultEventQueue is the number of events a Conn holds for a reader
// that has not taken them yet.
const DefaultEventQueue = 4096

// Config configures Dial.
type Config struct {
	// URL is the server: tls://, quic://, ws://, wss:// or tcp://host:port.
	URL string
	// Nick is the user; empty connects anonymously (client id anon.<device>).
	Nick string
	// Device names this device; the client id is <Nick>.<Device>. Empty
	// means a random one.
	Device string
	// Format is the wire format of requests.
	Format Format
	// RootCAs verifies the server over tls://, quic:// and wss://; nil
	// means the system roots.
	RootCAs *x509.CertPool
	// Certificate is the client certificate presented over TLS and QUIC,
	// the user's identity there.
	Certificate *tls.Certificate
	// Password authenticates Nick over tcp:// and ws://, where no client
	// certificate travels.
	Password []byte
	// EventQueue bounds the events held for the reader of Events; zero
	// means DefaultEventQueue. When it is full, the connection stops
	// reading from the server until the reader catches up.
	EventQueue int
}

// Conn is one connection to a chat server as one client id. Its methods
// are safe for concurrent use.
type Conn struct {
	cfg      Config
	clientID string
	mqtt     *paho.Client

	no      atomic.Int64
	mu      sync.Mutex
	pending map[int64]*pending
	subs    map[string]bool

	events chan Event
	done   chan struct{}
	err    error // why the connection ended; set before done is closed
	once   sync.Once
}

// RandomDevice returns a fresh device name: 12 lower-case hex digits.
func RandomDevice() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// NeedsPassword reports whether the transport of rawURL carries no client
// certificate, so that users authenticate with a password there.
func NeedsPassword(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && (u.Scheme == "tcp" || u.Scheme == "ws")
}

// Dial connects to the server and subscribes to the topics every client
// of the user reads: actions/<client id> and, unless anonymous,
// devices/<nick>. Further topics are added with Subscribe.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	if cfg.Device == "" {
		cfg.Device = RandomDevice()
	}
	nick := cfg.Nick
	if nick == "" {
		nick = AnonymousNickname
	}
	if cfg.EventQueue <= 0 {
		cfg.EventQueue = DefaultEventQueue
	}
	c := &Conn{
		cfg:      cfg,
		clientID: nick + "." + cfg.Device,
		pending:  map[int64]*pending{},
		subs:     map[string]bool{},
		events:   make(chan Event, cfg.EventQueue),
		done:     make(chan struct{}),
	}
	tlsConf := &tls.Config{RootCAs: cfg.RootCAs}
	if cfg.Certificate != nil {
		tlsConf.Certificates = []tls.Certificate{*cfg.Certificate}
	}
	o := transport.ConnectOptions{
		ClientID:   c.clientID,
		CleanStart: true,
		// Every subscription is QoS 0 (see Subscribe): nothing is ever in
		// flight to this client.
		ReceiveMaximum: transport.QoS0ReceiveMaximum,
		TLS:            tlsConf,
		OnPublish:      c.dispatch,
		OnError:        func(err error) { c.fail(err) },
	}
	if cfg.Nick != "" && len(cfg.Password) > 0 && (cfg.Certificate == nil || NeedsPassword(cfg.URL)) {
		o.Username, o.Password = cfg.Nick, cfg.Password
	}
	m, err := transport.Connect(ctx, cfg.URL, o)
	if err != nil {
		return nil, classifyDialError(cfg.URL, err)
	}
	c.mqtt = m
	go func() {
		<-m.Done()
		c.fail(ErrClosed)
	}()
	topics := []string{ActionsPrefix + c.clientID}
	if cfg.Nick != "" {
		topics = append(topics, DevicesPrefix+cfg.Nick)
	}
	if err := c.Subscribe(ctx, topics...); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// ClientID returns the MQTT client id, <nick>.<device>.
func (c *Conn) ClientID() string { return c.clientID }

// Nick returns the user, or "" for an anonymous connection.
func (c *Conn) Nick() string { return c.cfg.Nick }

// Format returns the wire format of requests.
func (c *Conn) Format() Format { return c.cfg.Format }

// Events returns the stream of everything the server pushes that is not
// a reply to a request. It is never closed: Done tells when the
// connection has ended. The reader must keep taking events: see
// Config.EventQueue.
func (c *Conn) Events() <-chan Event { return c.events }

// Done is closed when the connection has ended; Err then says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended, or nil while it is up.
func (c *Conn) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// Close disconnects.
func (c *Conn) Close() error {
	if c.mqtt != nil {
		_ = c.mqtt.Disconnect(&paho.Disconnect{ReasonCode: 0})
	}
	c.fail(ErrClosed)
	return nil
}

// fail ends the connection once, waking every waiting request.
func (c *Conn) fail(err error) {
	c.once.Do(func() {
		c.mu.Lock()
		c.err = err
		close(c.done)
		c.mu.Unlock()
		if c.mqtt != nil {
			_ = c.mqtt.Disconnect(&paho.Disconnect{ReasonCode: 0})
		}
	})
}

// SubscribeError reports topics the server refused to subscribe to.
type SubscribeError struct {
	Topic  string
	Reason byte // the MQTT v5 reason code
}

// Error names the refused topic and the reason code.
func (e *SubscribeError) Error() string {
	return fmt.Sprintf("client: subscribe %s refused: reason code %#x", e.Topic, e.Reason)
}

// Subscribe subscribes to topics not yet subscribed. The first refused
// topic is reported as a *SubscribeError; the others stay subscribed.
//
// Subscriptions are QoS 0. The session is clean, so a QoS 1 subscription
// would not bring back anything missed while disconnected; what the
// protocol guarantees comes from the server's inbox, which redelivers every
// message until its Ack. QoS 1 would only add a PUBACK per delivery and
// make the broker persist an inflight copy of each reply.
func (c *Conn) Subscribe(ctx context.Context, topics ...string) error {
	var want []paho.SubscribeOptions
	c.mu.Lock()
	for _, t := range topics {
		if !c.subs[t] {
			want = append(want, paho.SubscribeOptions{Topic: t, QoS: 0})
		}
	}
	c.mu.Unlock()
	if len(want) == 0 {
		return nil
	}
	ack, err := c.mqtt.Subscribe(ctx, &paho.Subscribe{Subscriptions: want})
	if ack == nil {
		return fmt.Errorf("client: subscribe: %w", c.orClosed(err))
	}
	var first error
	c.mu.Lock()
	for i, s := range want {
		if i < len(ack.Reasons) && ack.Reasons[i] < 0x80 {
			c.subs[s.Topic] = true
		} else if first == nil {
			r := byte(0x80)
			if i < len(ack.Reasons) {
				r = ack.Reasons[i]
			}
			first = &SubscribeError{Topic: s.Topic, Reason: r}
		}
	}
	c.mu.Unlock()
	return first
}

// Unsubscribe drops subscriptions.
func (c *Conn) Unsubscribe(ctx context.Context, topics ...string) error {
	var drop []string
	c.mu.Lock()
	for _, t := range topics {
		if c.subs[t] {
			drop = append(drop, t)
			delete(c.subs, t)
		}
	}
	c.mu.Unlock()
	if len(drop) == 0 {
		return nil
	}
	if _, err := c.mqtt.Unsubscribe(ctx, &paho.Unsubscribe{Topics: drop}); err != nil {
		return fmt.Errorf("client: unsubscribe: %w", c.orClosed(err))
	}
	return nil
}

// Subscribed reports whether topic is subscribed.
func (c *Conn) Subscribed(topic string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.subs[topic]
}

// Request sends body as a request with the next request number and
// returns the body of the reply with the same number. An ERROR reply is
// returned as an *Error.
func (c *Conn) Request(ctx context.Context, body chat.CHATProtocol) (chat.CHATProtocol, error) {
	replies, err := c.RequestAll(ctx, body, func(chat.CHATProtocol) bool { return true })
	if err != nil {
		return nil, err
	}
	return replies[0], nil
}

// Notify sends body as a request that wants no reply (number 0): the
// server serves it and reports nothing, not even a refusal. It returns
// once the request is handed to the connection. The server serves a
// connection's requests in order, so a later Request's reply means that
// the notification has been served.
func (c *Conn) Notify(ctx context.Context, body chat.CHATProtocol) error {
	op := BodyName(body)
	norm(body)
	payload := Encode(c.cfg.Format, &chat.CHATMessage{No: 0, Body: body})
	if _, err := c.mqtt.Publish(ctx, &paho.Publish{Topic: EventsPrefix + c.clientID, QoS: 0, Payload: payload}); err != nil {
		return fmt.Errorf("client: %s: publish: %w", op, c.orClosed(err))
	}
	return nil
}

// MaxReplies bounds the replies RequestAll collects for one request.
const MaxReplies = 10000

// RequestAll sends body as a request and collects every reply with its
// number until last reports true for one (that one included), or an ERROR
// arrives, which is returned as an *Error.
func (c *Conn) RequestAll(ctx context.Context, body chat.CHATProtocol, last func(chat.CHATProtocol) bool) ([]chat.CHATProtocol, error) {
	no := c.no.Add(1)
	p := &pending{wake: make(chan struct{}, 1)}
	c.mu.Lock()
	select {
	case <-c.done:
		c.mu.Unlock()
		return nil, c.err
	default:
	}
	c.pending[no] = p
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, no)
		c.mu.Unlock()
	}()

	op := BodyName(body)
	norm(body)
	payload := Encode(c.cfg.Format, &chat.CHATMessage{No: no, Body: body})
	// Requests go at QoS 0: the protocol's reply, sent after the server
	// has synced what the request changed, is the acknowledgement. A
	// PUBACK would only say that the broker saw the request, and a QoS 1
	// resend after a reconnect could apply a request twice.
	if _, err := c.mqtt.Publish(ctx, &paho.Publish{Topic: EventsPrefix + c.clientID, QoS: 0, Payload: payload}); err != nil {
		return nil, fmt.Errorf("client: %s: publish: %w", op, c.orClosed(err))
	}
	var out []chat.CHATProtocol
	for {
		for _, r := range p.take() {
			if e, ok := r.(*chat.CHATProtocol_Error); ok {
				return nil, &Error{Code: e.Value.Code, Op: op}
			}
			out = append(out, r)
			if last(r) {
				return out, nil
			}
			if len(out) >= MaxReplies {
				return nil, fmt.Errorf("client: %s: more than %d replies", op, MaxReplies)
			}
		}
		select {
		case <-p.wake:
		case <-ctx.Done():
			return nil, fmt.Errorf("client: %s: no reply: %w", op, ctx.Err())
		case <-c.done:
			return nil, fmt.Errorf("client: %s: %w", op, c.err)
		}
	}
}

// pending collects the replies to one request.
type pending struct {
	mu   sync.Mutex
	msgs []chat.CHATProtocol
	wake chan struct{} // capacity 1: signalled after every add
}

func (p *pending) add(b chat.CHATProtocol) {
	p.mu.Lock()
	if len(p.msgs) < MaxReplies {
		p.msgs = append(p.msgs, b)
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *pending) take() []chat.CHATProtocol {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.msgs
	p.msgs = nil
	return m
}

// orClosed replaces err by the reason the connection ended, if it has.
func (c *Conn) orClosed(err error) error {
	select {
	case <-c.done:
		if c.err != nil && !errors.Is(c.err, ErrClosed) {
			return c.err
		}
		return ErrClosed
	default:
		return err
	}
}

// dispatch routes one PUBLISH: a reply to the waiting request, anything
// else to the event queue.
func (c *Conn) dispatch(p *paho.Publish) {
	m, err := DecodeNoCopy(p.Payload) // paho reads each packet into a buffer of its own
	if err != nil {
		c.emit(Undecodable{Topic: p.Topic, Err: err})
		return
	}
	if m.No != 0 && p.Topic == ActionsPrefix+c.clientID {
		c.mu.Lock()
		p, ok := c.pending[m.No]
		c.mu.Unlock()
		if ok {
			p.add(m.Body)
			return
		}
	}
	c.emit(classify(c.cfg.Nick, p.Topic, m))
}

// emit queues an event, waiting while the queue is full unless the
// connection has ended.
func (c *Conn) emit(e Event) {
	select {
	case c.events <- e:
	case <-c.done:
	}
}

// classifyDialError makes the common failures of reaching a server
// recognisable with errors.Is.
func classifyDialError(rawURL string, err error) error {
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	var tlsVerify *tls.CertificateVerificationError
	var qe *quic.TransportError
	switch {
	case errors.As(err, &qe) && qe.Remote && qe.ErrorCode.IsCryptoError():
		// The server refused our certificate during the QUIC handshake.
		return fmt.Errorf("%w: %s: %w", ErrRejected, rawURL, err)
	case errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &certInvalid), errors.As(err, &tlsVerify):
		return fmt.Errorf("%w: %s: %w", ErrUnknownServer, rawURL, err)
	case strings.Contains(err.Error(), "reason code 0x86"), strings.Contains(err.Error(), "reason code 0x87"),
		strings.Contains(err.Error(), "reason code 0x85"), strings.Contains(err.Error(), "remote error: tls:"),
		strings.Contains(err.Error(), "(remote): tls:"):
		return fmt.Errorf("%w: %s: %w", ErrRejected, rawURL, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnreachable, rawURL, err)
}

// Connection failures, for errors.Is.
var (
	// ErrUnreachable reports a server that could not be reached.
	ErrUnreachable = errors.New("client: server unreachable")
	// ErrUnknownServer reports a server whose certificate does not chain
	// to the trusted CA (or does not name the host).
	ErrUnknownServer = errors.New("client: server certificate not trusted")
	// ErrRejected reports a server that refused the credentials.
	ErrRejected = errors.New("client: server refused the credentials")
)

package chat

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"

	"github.com/eclipse/paho.golang/paho"

	chatclient "github.com/chatim/chat/client"
	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/client"
)

// Topic prefixes of the protocol (PROTOCOL.md, "Topics").
const (
	eventsPrefix  = "events/"
	actionsPrefix = "actions/"
	privatePrefix = "private/"
	roomPrefix    = "room/"
)

// peer is one device speaking the protocol: requests go to events/<id>
// and are matched with their replies on actions/<id> by number; every
// other message (live deliveries on feed topics, redeliveries with number
// 0) goes to onPush, which must not block.
type peer struct {
	id     string
	format chatclient.Format // of requests
	qos    byte              // of requests
	c      *paho.Client
	onPush func(topic string, m *wire.CHATMessage)

	mu      sync.Mutex
	no      int64
	waiting map[int64]chan wire.CHATProtocol
	bad     int // undecodable payloads
}

// errRefused wraps an ERROR reply.
var errRefused = errors.New("chat: request refused")

// codeNotFound is the ERROR code of a request for something absent, such
// as an Ack of an entry no longer in the inbox.
const codeNotFound = "not_found"

// dial connects device id (nick.device, or anon.device) to the server:
// with cert over TLS and QUIC, with password over TCP and WebSocket, and
// subscribes to its actions/ topic.
func dial(ctx context.Context, cfg *Config, id, password string, cert *tls.Certificate, onPush func(string, *wire.CHATMessage)) (*peer, error) {
	format, err := chatclient.ParseFormat(cfg.Format)
	if err != nil {
		return nil, err
	}
	p := &peer{id: id, format: format, qos: cfg.RequestQoS, onPush: onPush, waiting: map[int64]chan wire.CHATProtocol{}}
	o := client.ConnectOptions{ClientID: id, CleanStart: true, KeepAlive: 60, OnPublish: p.receive,
		ReceiveMaximum: client.QoS0ReceiveMaximum} // subscriptions are QoS 0, as the chat client's
	if cfg.TLS != nil {
		o.TLS = cfg.TLS.Clone()
	}
	if cert != nil {
		if o.TLS == nil {
			o.TLS = &tls.Config{}
		}
		o.TLS.Certificates = []tls.Certificate{*cert}
	}
	if password != "" && !secure(cfg.URL) {
		o.Username, o.Password = nickOf(id), []byte(password)
	}
	c, err := client.Connect(ctx, cfg.URL, o)
	if err != nil {
		return nil, err
	}
	p.c = c
	if err := p.subscribe(ctx, actionsPrefix+id); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// subscribe subscribes to topics with QoS 0: the protocol's inbox and Ack
// carry the delivery guarantee.
func (p *peer) subscribe(ctx context.Context, topics ...string) error {
	s := &paho.Subscribe{}
	for _, t := range topics {
		s.Subscriptions = append(s.Subscriptions, paho.SubscribeOptions{Topic: t, QoS: 0})
	}
	ack, err := p.c.Subscribe(ctx, s)
	if err != nil {
		return fmt.Errorf("chat: %s: subscribe %v: %w", p.id, topics, err)
	}
	for i, r := range ack.Reasons {
		if r >= 0x80 {
			return fmt.Errorf("chat: %s: subscribe %s: refused with reason %#x", p.id, topics[i], r)
		}
	}
	return nil
}

func (p *peer) close() {
	_ = p.c.Disconnect(&paho.Disconnect{})
	<-p.c.Done()
}

// receive handles one PUBLISH; it runs in the client's reading path.
func (p *peer) receive(pub *paho.Publish) {
	m, err := chatclient.DecodeNoCopy(pub.Payload) // a buffer of its own per PUBLISH
	if err != nil {
		p.mu.Lock()
		p.bad++
		p.mu.Unlock()
		return
	}
	if pub.Topic == actionsPrefix+p.id && m.No != 0 {
		p.mu.Lock()
		ch := p.waiting[m.No]
		delete(p.waiting, m.No)
		p.mu.Unlock()
		if ch != nil {
			ch <- m.Body
		}
		return
	}
	if p.onPush != nil {
		p.onPush(pub.Topic, m)
	}
}

// request sends body and returns the body of its reply; an ERROR reply is
// returned as an error wrapping errRefused.
func (p *peer) request(ctx context.Context, body wire.CHATProtocol) (wire.CHATProtocol, error) {
	ch := make(chan wire.CHATProtocol, 1)
	p.mu.Lock()
	p.no++
	no := p.no
	p.waiting[no] = ch
	p.mu.Unlock()
	forget := func() {
		p.mu.Lock()
		delete(p.waiting, no)
		p.mu.Unlock()
	}
	payload := chatclient.Encode(p.format, &wire.CHATMessage{No: no, Body: body})
	if _, err := p.c.Publish(ctx, &paho.Publish{Topic: eventsPrefix + p.id, QoS: p.qos, Payload: payload}); err != nil {
		forget()
		return nil, fmt.Errorf("chat: %s: publish: %w", p.id, err)
	}
	select {
	case r := <-ch:
		if e, ok := r.(*wire.CHATProtocol_Error); ok {
			return nil, fmt.Errorf("%w: %s: ERROR %s", errRefused, p.id, e.Value.Code)
		}
		return r, nil
	case <-ctx.Done():
		forget()
		return nil, fmt.Errorf("chat: %s: no reply to request %d: %w", p.id, no, ctx.Err())
	case <-p.c.Done():
		forget()
		return nil, fmt.Errorf("chat: %s: connection lost awaiting request %d", p.id, no)
	}
}

// notify sends body as a request that wants no reply (number 0), as the
// client library sends inbox Acks.
func (p *peer) notify(ctx context.Context, body wire.CHATProtocol) error {
	payload := chatclient.Encode(p.format, &wire.CHATMessage{No: 0, Body: body})
	if _, err := p.c.Publish(ctx, &paho.Publish{Topic: eventsPrefix + p.id, QoS: p.qos, Payload: payload}); err != nil {
		return fmt.Errorf("chat: %s: publish: %w", p.id, err)
	}
	return nil
}

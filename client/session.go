package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/chatim/chat/generated/chat"
)

// Backoff bounds of a Session's reconnects.
const (
	MinBackoff = 500 * time.Millisecond
	MaxBackoff = 30 * time.Second
)

// Session keeps one user connected: it dials, follows the user's friends
// and rooms, forwards every event of the connection, and when the
// connection is lost dials again with exponential backoff (MinBackoff
// doubling to MaxBackoff, with jitter), reporting each change as a
// StateEvent. It follows new friends and rooms as the server announces
// them on devices/<nick>.
type Session struct {
	cfg    Config
	events chan Event

	mu   sync.Mutex
	conn *Conn
}

// NewSession returns a session for cfg; Run connects it.
func NewSession(cfg Config) *Session {
	if cfg.EventQueue <= 0 {
		cfg.EventQueue = DefaultEventQueue
	}
	return &Session{cfg: cfg, events: make(chan Event, cfg.EventQueue)}
}

// Events returns the events of every connection of the session, and its
// StateEvents. It is closed when Run returns.
func (s *Session) Events() <-chan Event { return s.events }

// Conn returns the current connection, or nil while there is none.
func (s *Session) Conn() *Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn
}

// ErrNoConnection is returned by Session requests while disconnected.
var ErrNoConnection = errors.New("client: not connected")

// Run connects and reconnects until ctx ends or the server refuses the
// credentials (then the last StateEvent is Closed with the error).
func (s *Session) Run(ctx context.Context) error {
	defer close(s.events)
	backoff := MinBackoff
	for {
		s.emit(ctx, StateEvent{State: Connecting})
		c, err := Dial(ctx, s.cfg)
		if err != nil {
			if ctx.Err() != nil {
				s.emit(ctx, StateEvent{State: Closed, Err: ctx.Err()})
				return ctx.Err()
			}
			if errors.Is(err, ErrRejected) || errors.Is(err, ErrUnknownServer) {
				s.emit(ctx, StateEvent{State: Closed, Err: err})
				return err
			}
			s.emit(ctx, StateEvent{State: Disconnected, Err: err})
		} else {
			backoff = MinBackoff
			s.serve(ctx, c)
			if ctx.Err() != nil {
				s.emit(ctx, StateEvent{State: Closed, Err: ctx.Err()})
				return ctx.Err()
			}
			s.emit(ctx, StateEvent{State: Disconnected, Err: c.Err()})
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		backoff = min(backoff*2, MaxBackoff)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			s.emit(ctx, StateEvent{State: Closed, Err: ctx.Err()})
			return ctx.Err()
		}
	}
}

// serve runs one connection until it ends.
func (s *Session) serve(ctx context.Context, c *Conn) {
	s.mu.Lock()
	s.conn = c
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.conn = nil
		s.mu.Unlock()
		c.Close()
	}()
	s.emit(ctx, StateEvent{State: Connected})
	fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	roster, err := c.Follow(fctx)
	cancel()
	if err == nil {
		s.emit(ctx, NoticeEvent{Topic: DevicesPrefix + s.cfg.Nick, Body: &chat.CHATProtocol_Roster{Value: roster}})
	}
	for {
		select {
		case e := <-c.Events():
			s.follow(ctx, c, e)
			s.emit(ctx, e)
		case <-c.Done():
			// Drain what arrived before the end.
			for {
				select {
				case e := <-c.Events():
					s.emit(ctx, e)
				default:
					return
				}
			}
		case <-ctx.Done():
			return
		}
	}
}

// follow subscribes to the feeds of new friends and rooms announced on
// devices/<nick>, and to the feed of a message that arrived through the
// inbox from a feed not yet followed (a room one was just added to).
func (s *Session) follow(ctx context.Context, c *Conn, e Event) {
	fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if m, ok := e.(MessageEvent); ok {
		if !c.Subscribed(m.Feed.Topic()) {
			if m.Feed.IsRoom() {
				_ = c.FollowRoom(fctx, m.Feed.Room)
			} else {
				_ = c.FollowFriend(fctx, m.Feed.Other(s.cfg.Nick))
			}
		}
		return
	}
	n, ok := e.(NoticeEvent)
	if !ok || n.Topic != DevicesPrefix+s.cfg.Nick {
		return
	}
	switch b := n.Body.(type) {
	case *chat.CHATProtocol_Roster:
		for _, ct := range b.Value.Contacts {
			if ct.Status == chat.ContactStatusFriend {
				_ = c.FollowFriend(fctx, string(ct.Nickname))
			}
		}
		for _, r := range b.Value.Topics {
			_ = c.FollowRoom(fctx, string(r.Id))
		}
	case *chat.CHATProtocol_Room:
		if st := b.Value.Status; st != chat.RoomStatusLeave && st != chat.RoomStatusRemove &&
			st != chat.RoomStatusRemoved && st != chat.RoomStatusDelete {
			_ = c.FollowRoom(fctx, string(b.Value.Id))
		}
	}
}

func (s *Session) emit(ctx context.Context, e Event) {
	select {
	case s.events <- e:
	case <-ctx.Done():
	}
}

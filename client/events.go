package client

import (
	"strings"

	"github.com/chatim/chat/generated/chat"
)

// Event is something the server pushed: one of MessageEvent, TypingEvent,
// PresenceEvent, ReceiptEvent, NoticeEvent, Undecodable, or (from a
// Session) StateEvent.
type Event interface{ isEvent() }

// MessageEvent is a message published to a feed, or redelivered from the
// user's inbox.
type MessageEvent struct {
	Topic   string
	Feed    Feed
	Message chat.Message
}

// TypingEvent says that someone is typing in a feed.
type TypingEvent struct {
	Topic string
	Feed  Feed
	Nick  string
}

// PresenceEvent is a contact going online or offline.
type PresenceEvent struct {
	Nick   string
	Online bool
}

// ReceiptEvent says that a message of the feed with this id reached a
// device of its recipient Nick and was acknowledged there: an Ack the
// server pushed, or a delivery receipt a recipient sent with Delivered.
type ReceiptEvent struct {
	Topic string
	Feed  Feed
	ID    string
	Nick  string // who acknowledged; "" when the server does not say
}

// NoticeEvent is any other pushed value: friend requests, roster and room
// changes, session changes, errors without a request.
type NoticeEvent struct {
	Topic string
	Body  chat.CHATProtocol
}

// Undecodable is a payload that is not a CHATMessage.
type Undecodable struct {
	Topic string
	Err   error
}

// ConnState is the state of a Session's connection.
type ConnState uint8

// The states of a Session.
const (
	Connecting ConnState = iota
	Connected
	Disconnected // lost; a reconnect is scheduled
	Closed       // the session was closed, or cannot authenticate
)

// String returns the state's name.
func (s ConnState) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	}
	return "closed"
}

// StateEvent reports a change of a Session's connection state.
type StateEvent struct {
	State ConnState
	Err   error // why, for Disconnected and Closed
}

func (MessageEvent) isEvent()  {}
func (TypingEvent) isEvent()   {}
func (PresenceEvent) isEvent() {}
func (ReceiptEvent) isEvent()  {}
func (NoticeEvent) isEvent()   {}
func (Undecodable) isEvent()   {}
func (StateEvent) isEvent()    {}

// classify turns one pushed CHATMessage into an Event.
func classify(nick, topic string, m *chat.CHATMessage) Event {
	topicFeed, onFeed := FeedOfTopic(topic)
	switch b := m.Body.(type) {
	case *chat.CHATProtocol_Message:
		f, ok := FeedOfMessage(&b.Value)
		if !ok {
			f = topicFeed
		}
		return MessageEvent{Topic: topic, Feed: f, Message: b.Value}
	case *chat.CHATProtocol_Typing:
		if len(b.Value.Comments) == 1 && strings.HasPrefix(string(b.Value.Comments[0]), deliveredPrefix) {
			f, ok := ParseTable(string(b.Value.Session))
			if !ok {
				f = topicFeed
			}
			return ReceiptEvent{Topic: topic, Feed: f, Nick: string(b.Value.Nickname),
				ID: strings.TrimPrefix(string(b.Value.Comments[0]), deliveredPrefix)}
		}
		f := topicFeed
		if t, ok := ParseTable(string(b.Value.Session)); ok {
			f = t
		} else if !onFeed {
			break
		}
		return TypingEvent{Topic: topic, Feed: f, Nick: string(b.Value.Nickname)}
	case *chat.CHATProtocol_Presence:
		n := string(b.Value.Nickname)
		if n == "" {
			n = strings.TrimPrefix(topic, ContactsPrefix)
		}
		return PresenceEvent{Nick: n, Online: b.Value.Status == chat.PresenceTypeOnline}
	case *chat.CHATProtocol_Ack:
		f, ok := ParseTable(string(b.Value.Table))
		if !ok {
			f = topicFeed
		}
		return ReceiptEvent{Topic: topic, Feed: f, ID: string(b.Value.Id)}
	}
	return NoticeEvent{Topic: topic, Body: m.Body}
}

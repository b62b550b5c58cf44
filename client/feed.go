package client

import (
	"strings"

	"github.com/chatim/chat/generated/chat"
)

// Feed names one conversation: the private feed of two users or a room.
type Feed struct {
	Room string // the room id, for a room feed
	A, B string // the parties of a private feed, A < B
}

// Private returns the private feed of x and y.
func Private(x, y string) Feed {
	if y < x {
		x, y = y, x
	}
	return Feed{A: x, B: y}
}

// RoomFeed returns the feed of a room.
func RoomFeed(id string) Feed { return Feed{Room: id} }

// IsRoom reports whether f is a room feed.
func (f Feed) IsRoom() bool { return f.Room != "" }

// Table returns the feed's name as it travels in Ack.table:
// "p2p/<a>/<b>" or "muc/<room>".
func (f Feed) Table() string {
	if f.IsRoom() {
		return "muc/" + f.Room
	}
	return "p2p/" + f.A + "/" + f.B
}

// Topic returns the MQTT topic the feed is published on:
// private/<a>/<b> or room/<id>.
func (f Feed) Topic() string {
	if f.IsRoom() {
		return RoomPrefix + f.Room
	}
	return PrivatePrefix + f.A + "/" + f.B
}

// Other returns the party of a private feed that is not nick.
func (f Feed) Other(nick string) string {
	if f.A == nick {
		return f.B
	}
	return f.A
}

// String names the feed for people: "#room" or "a/b".
func (f Feed) String() string {
	if f.IsRoom() {
		return "#" + f.Room
	}
	return f.A + "/" + f.B
}

// name reports whether s can be one segment of a table or topic name.
func name(s string) bool { return s != "" && !strings.ContainsAny(s, "/+#") }

// ParseTable parses a feed table name ("p2p/a/b" or "muc/room").
func ParseTable(t string) (Feed, bool) {
	switch {
	case strings.HasPrefix(t, "p2p/"):
		a, b, ok := strings.Cut(t[4:], "/")
		if !ok || !name(a) || !name(b) {
			return Feed{}, false
		}
		return Private(a, b), true
	case strings.HasPrefix(t, "muc/") && name(t[4:]):
		return RoomFeed(t[4:]), true
	}
	return Feed{}, false
}

// FeedOfTopic returns the feed published on topic, if it is one.
func FeedOfTopic(topic string) (Feed, bool) {
	switch {
	case strings.HasPrefix(topic, PrivatePrefix):
		a, b, ok := strings.Cut(topic[len(PrivatePrefix):], "/")
		if !ok || !name(a) || !name(b) {
			return Feed{}, false
		}
		return Private(a, b), true
	case strings.HasPrefix(topic, RoomPrefix) && name(topic[len(RoomPrefix):]):
		return RoomFeed(topic[len(RoomPrefix):]), true
	}
	return Feed{}, false
}

// FeedOfMessage returns the feed a Message names.
func FeedOfMessage(m *chat.Message) (Feed, bool) {
	switch f := m.Feed.(type) {
	case *chat.MessageFeed_P2p:
		if len(f.Value.From) == 0 || len(f.Value.To) == 0 {
			return Feed{}, false
		}
		return Private(string(f.Value.From), string(f.Value.To)), true
	case *chat.MessageFeed_Muc:
		if len(f.Value.Room) == 0 {
			return Feed{}, false
		}
		return RoomFeed(string(f.Value.Room)), true
	}
	return Feed{}, false
}

// messageFeed returns the Message.feed value addressing f from nick.
func messageFeed(nick string, f Feed) chat.MessageFeed {
	if f.IsRoom() {
		return &chat.MessageFeed_Muc{Value: chat.MUC{Room: []byte(f.Room)}}
	}
	return &chat.MessageFeed_P2p{Value: chat.P2P{From: []byte(nick), To: []byte(f.Other(nick))}}
}

// historyFeed returns the History.feed value addressing f from nick.
func historyFeed(nick string, f Feed) chat.HistoryFeed {
	if f.IsRoom() {
		return &chat.HistoryFeed_Muc{Value: chat.MUC{Room: []byte(f.Room)}}
	}
	return &chat.HistoryFeed_P2p{Value: chat.P2P{From: []byte(nick), To: []byte(f.Other(nick))}}
}

package chat

import (
	"strings"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/auth"
)

// feed is a conversation: the private feed of two users or the feed of a
// room. Its table is the name clients see in Ack.table and Typing.session:
// "p2p/<a>/<b>" with a < b, or "muc/<room>".
type feed struct {
	table string
	topic string // private/<a>/<b> or room/<id>
	a, b  string // the parties of a private feed, a < b
	room  string // the room of a room feed
}

func (f feed) isRoom() bool { return f.room != "" }

// p2pFeed returns the private feed of x and y (x != y).
func p2pFeed(x, y string) feed {
	if y < x {
		x, y = y, x
	}
	return feed{table: "p2p/" + x + "/" + y, topic: auth.PrivatePrefix + x + "/" + y, a: x, b: y}
}

// mucFeed returns the feed of a room.
func mucFeed(room string) feed {
	return feed{table: "muc/" + room, topic: auth.RoomPrefix + room, room: room}
}

// other returns the party of a private feed that is not nick.
func (f feed) other(nick string) string {
	if f.a == nick {
		return f.b
	}
	return f.a
}

// parseTable parses a feed table name. It checks the syntax only.
func parseTable(t string) (feed, bool) {
	switch {
	case strings.HasPrefix(t, "p2p/"):
		a, b, ok := strings.Cut(t[4:], "/")
		if !ok || !auth.ValidNickname(a) || !auth.ValidNickname(b) || a >= b {
			return feed{}, false
		}
		return p2pFeed(a, b), true
	case strings.HasPrefix(t, "muc/"):
		if !validRoomID(t[4:]) {
			return feed{}, false
		}
		return mucFeed(t[4:]), true
	}
	return feed{}, false
}

// feedOf resolves the feed named by a P2P or MUC value sent by nick. A
// private feed must name nick as one party and a different valid nickname
// as the other.
func feedOf(nick string, p2p *wire.P2P, muc *wire.MUC) (feed, error) {
	if muc != nil {
		room := string(muc.Room)
		if !validRoomID(room) {
			return feed{}, refuse(CodeInvalidData, "room id %q", room)
		}
		return mucFeed(room), nil
	}
	from, to := string(p2p.From), string(p2p.To)
	if from != nick && to != nick {
		return feed{}, refuse(CodeNotAuthorized, "%s is no party of %s/%s", nick, from, to)
	}
	if !auth.ValidNickname(from) || !auth.ValidNickname(to) || from == to {
		return feed{}, refuse(CodeInvalidData, "private feed %q/%q", from, to)
	}
	return p2pFeed(from, to), nil
}

// messageFeed resolves Message.feed.
func messageFeed(nick string, f wire.MessageFeed) (feed, error) {
	switch x := f.(type) {
	case *wire.MessageFeed_P2p:
		return feedOf(nick, &x.Value, nil)
	case *wire.MessageFeed_Muc:
		return feedOf(nick, nil, &x.Value)
	}
	return feed{}, refuse(CodeInvalidData, "message without feed")
}

// historyFeed resolves History.feed.
func historyFeed(nick string, f wire.HistoryFeed) (feed, error) {
	switch x := f.(type) {
	case *wire.HistoryFeed_P2p:
		return feedOf(nick, &x.Value, nil)
	case *wire.HistoryFeed_Muc:
		return feedOf(nick, nil, &x.Value)
	}
	return feed{}, refuse(CodeInvalidData, "history without feed")
}

// MaxRoomIDLen is the longest room id.
const MaxRoomIDLen = 64

// validRoomID reports whether s is a well-formed room id: 1 to 64 bytes of
// [a-z0-9_-]. Room ids appear in topic names and store keys.
func validRoomID(s string) bool {
	if len(s) == 0 || len(s) > MaxRoomIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

package main

import (
	"sort"
	"strconv"
	"time"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
)

// Marks of one's own messages.
const (
	markPending   = iota // sent, no answer yet
	markStored           // the server stored it (its Ack)
	markDelivered        // a device of the recipient acknowledged it
	markFailed           // the server refused it
)

// line is one message of a conversation as the interface shows it.
type line struct {
	id      string // "" while pending
	from    string
	text    string
	created time.Time
	mark    int
	sys     bool
	local   int // the key of a message being sent, 0 otherwise
}

// conv is one conversation: a friend or a room.
type conv struct {
	feed     client.Feed
	title    string // the friend's nick, or "#id name"
	online   bool
	status   chat.ContactStatus // for friends: the contact status
	lines    []line
	unread   int
	loaded   bool // the newest history page was read
	complete bool // the history reaches the first message
	typing   map[string]time.Time
	scroll   int // lines scrolled up from the bottom
}

// idNum orders message ids, which are decimal.
func idNum(id string) uint64 {
	n, _ := strconv.ParseUint(id, 10, 64)
	return n
}

// add merges a message into the conversation, keeping lines in id order
// (pending ones last). It reports whether it is new.
func (c *conv) add(m *chat.Message, me string) bool {
	id := string(m.Id)
	text := client.Text(m)
	switch m.Status {
	case chat.MessageStatusDelete:
		text = "(deleted)"
	case chat.MessageStatusEdit, chat.MessageStatusUpdate:
		text += " (edited)"
	}
	for i := range c.lines {
		if c.lines[i].id == id {
			c.lines[i].text = text
			return false
		}
	}
	l := line{id: id, from: string(m.From), text: text, created: time.UnixMilli(m.Created), sys: m.Type == chat.MessageTypeSys}
	if l.from == me && !l.sys {
		l.mark = markStored
		// The echo of a message being sent: attach the id to it.
		for i := range c.lines {
			if c.lines[i].local != 0 && c.lines[i].id == "" && c.lines[i].text == text {
				c.lines[i].id, c.lines[i].mark, c.lines[i].created = id, max(c.lines[i].mark, markStored), l.created
				c.sort()
				return false
			}
		}
	}
	c.lines = append(c.lines, l)
	c.sort()
	return true
}

func (c *conv) sort() {
	sort.SliceStable(c.lines, func(i, j int) bool {
		a, b := c.lines[i], c.lines[j]
		if (a.id == "") != (b.id == "") {
			return b.id == ""
		}
		return idNum(a.id) < idNum(b.id)
	})
}

// oldest returns the smallest message id held, 0 when none.
func (c *conv) oldest() int64 {
	for _, l := range c.lines {
		if l.id != "" {
			return int64(idNum(l.id))
		}
	}
	return 0
}

// sent records the server's answer to the message being sent with key.
func (c *conv) sent(key int, id string, failed bool) {
	for i := range c.lines {
		if c.lines[i].local != key {
			continue
		}
		if failed {
			c.lines[i].mark = markFailed
			return
		}
		// The echo may have arrived first as a line of its own.
		for j := range c.lines {
			if j != i && c.lines[j].id == id {
				c.lines[i].mark = max(c.lines[i].mark, c.lines[j].mark)
				c.lines = append(c.lines[:j], c.lines[j+1:]...)
				if j < i {
					i--
				}
				break
			}
		}
		c.lines[i].id = id
		c.lines[i].mark = max(c.lines[i].mark, markStored)
		c.sort()
		return
	}
}

// delivered marks message id as delivered.
func (c *conv) delivered(id string) {
	for i := range c.lines {
		if c.lines[i].id == id && c.lines[i].mark < markDelivered {
			c.lines[i].mark = markDelivered
		}
	}
}

// typers returns who typed in the last typingFor, sorted.
func (c *conv) typers(now time.Time) []string {
	var out []string
	for n, t := range c.typing {
		if now.Sub(t) < typingFor {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// typingFor is how long a typing notice shows.
const typingFor = 5 * time.Second

package chat

import (
	"fmt"

	"github.com/cockroachdb/pebble"

	wire "github.com/chatim/chat/generated/chat"
)

// history serves HISTORY: History{feed, size, entity} returns at most
// |size| messages of the feed (capped at DefaultHistorySize). With size > 0
// it pages backwards: the messages older than entity, newest first, or the
// newest messages when entity is 0. With size < 0 it pages forwards: the
// messages newer than entity, oldest first. Only the parties of a private
// feed and the members of a room may read it.
func (h *Hook) history(rq *request, q *wire.History) (wire.CHATProtocol, error) {
	f, err := historyFeed(rq.nick, q.Feed)
	if err != nil {
		return nil, err
	}
	if f.isRoom() && !h.facts.IsMember(f.room, rq.nick) {
		return nil, refuse(CodeNotAuthorized, "%s is no member of %s", rq.nick, f.room)
	}
	if q.Entity < 0 {
		return nil, refuse(CodeInvalidData, "entity %d", q.Entity)
	}
	size, forward := q.Size, false
	if size < 0 {
		size, forward = -size, true
	}
	if size == 0 || size > DefaultHistorySize {
		size = DefaultHistorySize
	}
	msgs, err := h.page(f, uint64(q.Entity), int(size), forward)
	if err != nil {
		return nil, err
	}
	out := wire.History{
		Nickname: []byte(rq.nick), Feed: q.Feed, Size: q.Size, Entity: q.Entity,
		Data: msgs, Roster: q.Roster, Status: wire.HistoryStatusGet,
	}
	if len(msgs) < int(size) {
		out.Status = wire.HistoryStatusLastloaded
	}
	return &wire.CHATProtocol_History{Value: out}, nil
}

// page reads at most n messages of f next to entity: older ones newest
// first, or with forward newer ones oldest first.
func (h *Hook) page(f feed, entity uint64, n int, forward bool) ([]wire.Message, error) {
	prefix := feedPrefix(f.table)
	opts := &pebble.IterOptions{LowerBound: prefix, UpperBound: append(append([]byte(nil), prefix...), 0xff)}
	if forward {
		opts.LowerBound = feedKey(f.table, entity+1)
	} else if entity > 0 {
		opts.UpperBound = feedKey(f.table, entity)
	}
	it, err := h.st.DB().NewIter(opts)
	if err != nil {
		return nil, fmt.Errorf("chat: history %s: %w", f.table, err)
	}
	var out []wire.Message
	valid := it.Last()
	if forward {
		valid = it.First()
	}
	for ; valid && len(out) < n; valid = step(it, forward) {
		var m wire.Message
		if err := m.UnmarshalDER(it.Value()); err != nil {
			_ = it.Close()
			return nil, fmt.Errorf("chat: history %s: record %q: %w", f.table, it.Key(), err)
		}
		out = append(out, m)
	}
	if err := it.Close(); err != nil {
		return nil, fmt.Errorf("chat: history %s: %w", f.table, err)
	}
	return out, nil
}

func step(it *pebble.Iterator, forward bool) bool {
	if forward {
		return it.Next()
	}
	return it.Prev()
}

package chat

import (
	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
	"github.com/chatim/chat/server/store"
)

// message serves MESSAGE: a new message (no id), or an edit (status edit
// or update) or deletion (status delete) of an earlier one by its author.
// A new message is stored in its feed and in every recipient's inbox in
// one synced batch, then published on the feed topic; the sender's reply
// is Ack{table, id} with the id the server assigned.
func (h *Hook) message(rq *request, m *wire.Message) (wire.CHATProtocol, error) {
	if !eq(m.From, rq.nick) {
		return nil, refuse(CodeNotAuthorized, "from %q is not %s", m.From, rq.nick)
	}
	if m.Type == wire.MessageTypeSys {
		return nil, refuse(CodeNotAuthorized, "system messages come from the server")
	}
	f, err := messageFeed(rq.nick, m.Feed)
	if err != nil {
		return nil, err
	}
	recipients, err := h.recipients(rq.nick, f)
	if err != nil {
		return nil, err
	}
	if err := h.checkFiles(m.Files); err != nil {
		return nil, err
	}
	switch m.Status {
	case wire.MessageStatusEdit, wire.MessageStatusUpdate:
		return h.rewrite(rq, f, m, recipients, false)
	case wire.MessageStatusDelete:
		return h.rewrite(rq, f, m, recipients, true)
	}
	stored := *m
	stored.From = []byte(rq.nick)
	if f.isRoom() {
		stored.To = []byte(f.room)
	} else {
		stored.To = []byte(f.other(rq.nick))
	}
	id, err := h.post(f, &stored, recipients, rq.format)
	if err != nil {
		return nil, err
	}
	return &wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(f.table), Id: formatID(id)}}, nil
}

// recipients checks that nick may write to feed f and returns who
// receives it: the other party of a private feed (who must be a friend),
// or every other member of a room (nick must be a member).
func (h *Hook) recipients(nick string, f feed) ([]string, error) {
	if f.isRoom() {
		if !h.facts.RoomExists(f.room) {
			return nil, refuse(CodeNotFound, "room %s", f.room)
		}
		if !h.facts.IsMember(f.room, nick) {
			return nil, refuse(CodeNotAuthorized, "%s is no member of %s", nick, f.room)
		}
		var out []string
		for _, n := range h.facts.Members(f.room) {
			if n != nick {
				out = append(out, n)
			}
		}
		return out, nil
	}
	other := f.other(nick)
	if !h.facts.IsFriend(nick, other) {
		return nil, refuse(CodeNotAuthorized, "%s and %s are not friends", nick, other)
	}
	return []string{other}, nil
}

// post assigns the next id of feed f to m, stores it with the inbox
// entries of the recipients in one synced batch, and publishes it on the
// feed topic in format pf. It returns the id.
func (h *Hook) post(f feed, m *wire.Message, recipients []string, pf Format) (uint64, error) {
	mu := h.feedLock(f.table)
	mu.Lock()
	defer mu.Unlock()
	b := h.st.NewBatch()
	id, err := h.stage(b, f, m, recipients)
	if err != nil {
		b.Discard()
		return 0, err
	}
	if err := b.Commit(); err != nil {
		return 0, err
	}
	h.announce(f, m, id, recipients, pf)
	return id, nil
}

// stage adds a new message of feed f to batch b: the id and created time
// are the server's. The caller holds the feed lock.
func (h *Hook) stage(b *store.Batch, f feed, m *wire.Message, recipients []string) (uint64, error) {
	id, err := b.NextSeq(seqName(f.table))
	if err != nil {
		return 0, err
	}
	m.Id = formatID(id)
	m.Created = h.millis()
	fill.Message(m)
	if err := put(b, feedKey(f.table, id), m); err != nil {
		return 0, err
	}
	for _, r := range recipients {
		if _, err := h.addInbox(b, r, f.table, id, false); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// announce publishes a committed message on its feed topic and starts the
// acknowledgement clock of the recipients that are online.
func (h *Hook) announce(f feed, m *wire.Message, id uint64, recipients []string, pf Format) {
	for _, r := range recipients {
		h.dlv.published(r, f.table, id)
	}
	h.send(f.topic, pf, 0, &wire.CHATProtocol_Message{Value: *m})
}

// rewrite edits or deletes message m.Id of feed f, which nick wrote. The
// stored message keeps its id and created time; a deletion keeps a
// tombstone (status delete, no files) so that every device learns of it.
// Recipients that acknowledged the original get a new inbox entry.
func (h *Hook) rewrite(rq *request, f feed, m *wire.Message, recipients []string, del bool) (wire.CHATProtocol, error) {
	id, ok := parseID(m.Id)
	if !ok {
		return nil, refuse(CodeInvalidData, "message id %q", m.Id)
	}
	mu := h.feedLock(f.table)
	mu.Lock()
	defer mu.Unlock()
	var old wire.Message
	found, err := h.load(feedKey(f.table, id), &old)
	if err != nil {
		return nil, err
	}
	if !found || old.Status == wire.MessageStatusDelete {
		return nil, refuse(CodeNotFound, "message %s/%d", f.table, id)
	}
	if !eq(old.From, rq.nick) {
		return nil, refuse(CodeNotAuthorized, "%s is not the author of %s/%d", rq.nick, f.table, id)
	}
	next := old
	if del {
		next.Files, next.Mentioned, next.Link = nil, nil, &wire.MessageLink_Empty{}
		next.Status = wire.MessageStatusDelete
	} else {
		next.Files, next.Mentioned = m.Files, m.Mentioned
		if m.Link != nil {
			next.Link = m.Link
		}
		next.Type, next.Status = wire.MessageTypeEdited, wire.MessageStatusEdit
	}
	fill.Message(&next)
	b := h.st.NewBatch()
	if err := put(b, feedKey(f.table, id), &next); err != nil {
		b.Discard()
		return nil, err
	}
	for _, r := range recipients {
		if _, err := h.addInbox(b, r, f.table, id, true); err != nil {
			b.Discard()
			return nil, err
		}
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
	h.announce(f, &next, id, recipients, rq.format)
	return &wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(f.table), Id: formatID(id)}}, nil
}

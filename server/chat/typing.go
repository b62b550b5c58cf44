package chat

import wire "github.com/chatim/chat/generated/chat"

// MaxTypingComments bounds the comments of one Typing notice.
const MaxTypingComments = 16

// typing serves TYPING: Typing{session: feed table, comments} is
// forwarded to the feed topic with nickname set to the sender, and never
// stored. The sender must be allowed to write to the feed.
func (h *Hook) typing(rq *request, t *wire.Typing) (wire.CHATProtocol, error) {
	f, ok := parseTable(string(t.Session))
	if !ok {
		return nil, refuse(CodeInvalidData, "typing in %q", t.Session)
	}
	if !f.isRoom() && f.a != rq.nick && f.b != rq.nick {
		return nil, refuse(CodeNotAuthorized, "%s is no party of %s", rq.nick, f.table)
	}
	if _, err := h.recipients(rq.nick, f); err != nil {
		return nil, err
	}
	if len(t.Comments) > MaxTypingComments {
		return nil, refuse(CodeTooLarge, "%d comments", len(t.Comments))
	}
	fwd := wire.Typing{Session: []byte(f.table), Nickname: []byte(rq.nick), Comments: t.Comments}
	h.send(f.topic, rq.format, 0, &wire.CHATProtocol_Typing{Value: fwd})
	return okReply("typing"), nil
}

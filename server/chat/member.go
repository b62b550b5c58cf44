package chat

import (
	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/auth"
)

// member serves MEMBER: Member{feed muc{room}, alias nickname, status}
// adds the user with role member or admin, changes the role of a member,
// or removes the member (status removed). Admins only, except that anyone
// may remove themselves. The reply is the room.
func (h *Hook) member(rq *request, m *wire.Member) (wire.CHATProtocol, error) {
	muc, ok := m.Feed.(*wire.MemberFeed_Muc)
	if !ok {
		return nil, refuse(CodeInvalidData, "member of a private feed")
	}
	id, nick := string(muc.Value.Room), string(m.Alias)
	if !validRoomID(id) || !auth.ValidNickname(nick) {
		return nil, refuse(CodeInvalidData, "member %q of %q", nick, id)
	}
	if !h.facts.RoomExists(id) {
		return nil, refuse(CodeNotFound, "room %s", id)
	}
	role, member := h.facts.Role(id, rq.nick)
	admin := member && (role == wire.MemberStatusAdmin || role == wire.MemberStatusOwner)
	switch m.Status {
	case wire.MemberStatusMember, wire.MemberStatusAdmin:
		if !admin {
			return nil, refuse(CodeNotAuthorized, "%s is no admin of %s", rq.nick, id)
		}
		event := "add"
		if h.facts.IsMember(id, nick) {
			event = "role"
		}
		return h.changeMembers(rq, id, []memberChange{{nick, m.Status}}, event, wire.RoomStatusAdd)
	case wire.MemberStatusRemoved:
		if !admin && nick != rq.nick {
			return nil, refuse(CodeNotAuthorized, "%s is no admin of %s", rq.nick, id)
		}
		event := "remove"
		if nick == rq.nick {
			event = "leave"
		}
		return h.changeMembers(rq, id, []memberChange{{nick, 0}}, event, wire.RoomStatusRemove)
	}
	return nil, refuse(CodeNotImplemented, "member status %v", m.Status)
}

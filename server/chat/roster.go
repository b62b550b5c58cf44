package chat

import (
	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
	"github.com/chatim/chat/server/auth"
)

// roster serves ROSTER, by Roster.status:
//
//	get, list  the contacts (with presence) and the rooms (id and name)
//	add        a friend request to each of Roster.contacts
//	del,remove drop each contact from one's roster; a friendship ends
//	           (the other side sees the contact as deleted)
//	patch,nick one's own names, surnames, avatar and settings of each
//	           contact (the status is the server's)
func (h *Hook) roster(rq *request, r *wire.Roster) (wire.CHATProtocol, error) {
	if n := string(r.Nickname); n != "" && n != rq.nick {
		return nil, refuse(CodeNotAuthorized, "roster of %s", n)
	}
	if len(r.Contacts) > MaxRoomChange {
		return nil, refuse(CodeTooLarge, "%d contacts", len(r.Contacts))
	}
	switch r.Status {
	case wire.RosterStatusGet, wire.RosterStatusList:
		ro, err := h.rosterOf(rq.nick)
		if err != nil {
			return nil, err
		}
		ro.Status = r.Status
		return &wire.CHATProtocol_Roster{Value: ro}, nil
	case wire.RosterStatusAdd:
		var out []wire.Contact
		for _, c := range r.Contacts {
			reply, err := h.friend(rq, &wire.Friend{Nickname: []byte(rq.nick), Friend: c.Nickname, Type: wire.FriendshipRequest})
			if err != nil {
				return nil, err
			}
			out = append(out, reply.(*wire.CHATProtocol_Roster).Value.Contacts...)
		}
		return &wire.CHATProtocol_Roster{Value: wire.Roster{Nickname: []byte(rq.nick), Contacts: out, Status: wire.RosterStatusAdd}}, nil
	case wire.RosterStatusDel, wire.RosterStatusRemove:
		return h.dropContacts(rq, r)
	case wire.RosterStatusPatch, wire.RosterStatusNick:
		return h.patchContacts(rq, r)
	}
	return nil, refuse(CodeNotImplemented, "roster status %v", r.Status)
}

// rosterOf is nick's roster: every contact record with presence, and the
// rooms nick is a member of.
func (h *Hook) rosterOf(nick string) (wire.Roster, error) {
	r := wire.Roster{Nickname: []byte(nick), Status: wire.RosterStatusList}
	err := h.st.Scan(contactPrefix(nick), func(_, v []byte) error {
		var c wire.Contact
		if err := c.UnmarshalDER(v); err != nil {
			return err
		}
		c.Presence = wire.PresenceTypeOffline
		if h.facts.IsFriend(nick, string(c.Nickname)) {
			c.Presence = h.presence(string(c.Nickname))
		}
		r.Contacts = append(r.Contacts, c)
		return nil
	})
	if err != nil {
		return r, err
	}
	for _, id := range h.facts.Rooms(nick) {
		room := wire.Room{Id: []byte(id), Status: wire.RoomStatusInfo}
		if v, err := h.st.Get(roomIndexKey(id)); err == nil {
			room.Name = v
		}
		r.Topics = append(r.Topics, room)
	}
	return r, nil
}

func (h *Hook) dropContacts(rq *request, r *wire.Roster) (wire.CHATProtocol, error) {
	h.userLock.Lock()
	defer h.userLock.Unlock()
	var out []wire.Contact
	for _, c := range r.Contacts {
		other := string(c.Nickname)
		mine := h.facts.Contact(rq.nick, other)
		if mine == 0 {
			return nil, refuse(CodeNotFound, "contact %s", other)
		}
		theirs := h.facts.Contact(other, rq.nick)
		newTheirs := theirs
		if theirs == wire.ContactStatusFriend || theirs == wire.ContactStatusRequest || theirs == wire.ContactStatusAuthorization {
			newTheirs = wire.ContactStatusDeleted
		}
		cm, ct, err := h.setContacts(rq.nick, other, 0, newTheirs)
		if err != nil {
			return nil, err
		}
		if newTheirs != theirs {
			h.notifyContact(other, ct, rq.format)
		}
		out = append(out, cm)
	}
	return &wire.CHATProtocol_Roster{Value: wire.Roster{Nickname: []byte(rq.nick), Contacts: out, Status: r.Status}}, nil
}

func (h *Hook) patchContacts(rq *request, r *wire.Roster) (wire.CHATProtocol, error) {
	h.userLock.Lock()
	defer h.userLock.Unlock()
	b := h.st.NewBatch()
	var out []wire.Contact
	for _, p := range r.Contacts {
		other := string(p.Nickname)
		var c wire.Contact
		found, err := h.load(contactKey(rq.nick, other), &c)
		if err != nil || !found {
			b.Discard()
			return nil, orRefuse(err, refuse(CodeNotFound, "contact %s", other))
		}
		c.Names, c.Surnames, c.Avatar, c.Settings, c.Update = p.Names, p.Surnames, p.Avatar, p.Settings, h.millis()
		fill.Contact(&c)
		if err := put(b, contactKey(rq.nick, other), &c); err != nil {
			b.Discard()
			return nil, err
		}
		out = append(out, c)
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
	reply := &wire.CHATProtocol_Roster{Value: wire.Roster{Nickname: []byte(rq.nick), Contacts: out, Status: r.Status}}
	h.send(auth.DevicesPrefix+rq.nick, rq.format, 0, reply)
	return reply, nil
}

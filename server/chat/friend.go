package chat

import (
	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
	"github.com/chatim/chat/server/auth"
)

// friend serves FRIEND. Each user holds a view of the other as a contact
// (user/<owner>/contact/<other>):
//
//	request  a → b: a sees b as request, b sees a as authorization
//	                (a request to a user who already asked confirms)
//	confirm  b → a: both see each other as friend
//	ignore   b → a: b sees a as ignore; a's request stays pending
//	ban      b → a: b sees a as ban; a's messages to b are refused
//	unban    b → a: b's view returns to friend if a still sees b as one,
//	                and is removed otherwise
//
// The reply and the notices on devices/<nickname> of both users are a
// Roster with status update holding the changed contact.
func (h *Hook) friend(rq *request, fr *wire.Friend) (wire.CHATProtocol, error) {
	if !eq(fr.Nickname, rq.nick) {
		return nil, refuse(CodeNotAuthorized, "friend request names %q, not %s", fr.Nickname, rq.nick)
	}
	other := string(fr.Friend)
	if other == rq.nick || !auth.ValidNickname(other) {
		return nil, refuse(CodeInvalidData, "friend %q", other)
	}
	if ok, err := h.userExists(other); err != nil {
		return nil, err
	} else if !ok {
		return nil, refuse(CodeNotFound, "user %s", other)
	}
	h.userLock.Lock()
	defer h.userLock.Unlock()
	mine, theirs := h.facts.Contact(rq.nick, other), h.facts.Contact(other, rq.nick)
	newMine, newTheirs := mine, theirs
	switch fr.Type {
	case wire.FriendshipRequest:
		switch {
		case theirs == wire.ContactStatusBan:
			return nil, refuse(CodeNotAuthorized, "%s banned %s", other, rq.nick)
		case mine == wire.ContactStatusFriend && theirs == wire.ContactStatusFriend:
			return nil, refuse(CodeConflict, "%s and %s are friends", rq.nick, other)
		case mine == wire.ContactStatusAuthorization:
			newMine, newTheirs = wire.ContactStatusFriend, wire.ContactStatusFriend
		case theirs == wire.ContactStatusIgnore:
			newMine = wire.ContactStatusRequest
		default:
			newMine, newTheirs = wire.ContactStatusRequest, wire.ContactStatusAuthorization
		}
	case wire.FriendshipConfirm:
		if mine != wire.ContactStatusAuthorization && mine != wire.ContactStatusIgnore {
			return nil, refuse(CodeNotFound, "no request of %s to %s", other, rq.nick)
		}
		if theirs != wire.ContactStatusRequest {
			return nil, refuse(CodeNotFound, "%s withdrew the request", other)
		}
		newMine, newTheirs = wire.ContactStatusFriend, wire.ContactStatusFriend
	case wire.FriendshipIgnore:
		if mine != wire.ContactStatusAuthorization {
			return nil, refuse(CodeNotFound, "no request of %s to %s", other, rq.nick)
		}
		newMine = wire.ContactStatusIgnore
	case wire.FriendshipBan:
		newMine = wire.ContactStatusBan
	case wire.FriendshipUnban:
		if mine != wire.ContactStatusBan {
			return nil, refuse(CodeNotFound, "%s did not ban %s", rq.nick, other)
		}
		newMine = 0
		if theirs == wire.ContactStatusFriend {
			newMine = wire.ContactStatusFriend
		}
	default:
		return nil, refuse(CodeNotImplemented, "friendship %v", fr.Type)
	}
	cm, ct, err := h.setContacts(rq.nick, other, newMine, newTheirs)
	if err != nil {
		return nil, err
	}
	if newTheirs != theirs {
		h.notifyContact(other, ct, rq.format)
	}
	h.notifyContact(rq.nick, cm, rq.format)
	return rosterUpdate(rq.nick, cm), nil
}

// setContacts writes a's view of b and b's view of a in one batch (a
// status of 0 deletes the view) and updates the facts. It returns the new
// views.
func (h *Hook) setContacts(a, b string, ab, ba wire.ContactStatus) (wire.Contact, wire.Contact, error) {
	batch := h.st.NewBatch()
	now := h.millis()
	var views [2]wire.Contact
	for i, v := range []struct {
		owner, other string
		st           wire.ContactStatus
	}{{a, b, ab}, {b, a, ba}} {
		var c wire.Contact
		found, err := h.load(contactKey(v.owner, v.other), &c)
		if err != nil {
			batch.Discard()
			return views[0], views[1], err
		}
		if found && c.Status == v.st {
			views[i] = c
			continue
		}
		if v.st == 0 {
			if err := batch.Delete(contactKey(v.owner, v.other)); err != nil {
				batch.Discard()
				return views[0], views[1], err
			}
			c.Nickname, c.Status = []byte(v.other), wire.ContactStatusDeleted
			views[i] = c
			continue
		}
		if !found {
			c = wire.Contact{Nickname: []byte(v.other), Created: now}
		}
		c.Status, c.Update = v.st, now
		fill.Contact(&c)
		if err := put(batch, contactKey(v.owner, v.other), &c); err != nil {
			batch.Discard()
			return views[0], views[1], err
		}
		views[i] = c
	}
	if err := batch.Commit(); err != nil {
		return views[0], views[1], err
	}
	for _, v := range []struct {
		owner, other string
		st           wire.ContactStatus
	}{{a, b, ab}, {b, a, ba}} {
		if v.st == 0 {
			h.facts.delContact(v.owner, v.other)
		} else {
			h.facts.setContact(v.owner, v.other, v.st)
		}
	}
	views[0].Presence, views[1].Presence = h.presence(b), h.presence(a)
	return views[0], views[1], nil
}

// rosterUpdate is a Roster of owner carrying one changed contact.
func rosterUpdate(owner string, c wire.Contact) wire.CHATProtocol {
	return &wire.CHATProtocol_Roster{Value: wire.Roster{
		Nickname: []byte(owner), Contacts: []wire.Contact{c}, Status: wire.RosterStatusUpdate,
	}}
}

// notifyContact tells every device of owner that a contact changed.
func (h *Hook) notifyContact(owner string, c wire.Contact, f Format) {
	h.send(auth.DevicesPrefix+owner, f, 0, rosterUpdate(owner, c))
}

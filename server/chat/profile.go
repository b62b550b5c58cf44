package chat

import (
	"errors"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
	"github.com/chatim/chat/server/auth"
)

// Profile.status values of PROFILE requests.
const (
	ProfileGet    = 1 // Profile.status: read (own profile, or a friend's public one)
	ProfileUpdate = 2 // Profile.status: update phone, settings, keys, servers
)

// MaxPhoneLen bounds a phone number.
const MaxPhoneLen = 32

// profile serves PROFILE. Get (status 1) with an empty nickname or one's
// own returns the full profile with the roster; with a friend's nickname
// the friend's public profile (nickname, phone, keys, update). Update
// (status 2) replaces phone, settings, keys and servers, keeps the phone
// index in the same batch, and notifies devices/<nickname> (the full
// profile) and contacts/<nickname> (the public one).
func (h *Hook) profile(rq *request, p *wire.Profile) (wire.CHATProtocol, error) {
	switch p.Status {
	case ProfileGet:
		nick := string(p.Nickname)
		if nick == "" || nick == rq.nick {
			return h.ownProfile(rq.nick)
		}
		if !h.facts.IsFriend(rq.nick, nick) {
			return nil, refuse(CodeNotAuthorized, "%s is no friend of %s", nick, rq.nick)
		}
		var other wire.Profile
		found, err := h.load(profileKey(nick), &other)
		if err != nil || !found {
			return nil, orRefuse(err, refuse(CodeNotFound, "profile of %s", nick))
		}
		pub := publicProfile(other)
		return &wire.CHATProtocol_Profile{Value: pub}, nil
	case ProfileUpdate:
		return h.updateProfile(rq, p)
	}
	return nil, refuse(CodeNotImplemented, "profile status %d", p.Status)
}

func publicProfile(p wire.Profile) wire.Profile {
	return wire.Profile{Nickname: p.Nickname, Phone: p.Phone, Keys: p.Keys, Update: p.Update, Status: ProfileGet}
}

func (h *Hook) ownProfile(nick string) (wire.CHATProtocol, error) {
	var p wire.Profile
	if _, err := h.load(profileKey(nick), &p); err != nil {
		return nil, err
	}
	p.Nickname = []byte(nick)
	r, err := h.rosterOf(nick)
	if err != nil {
		return nil, err
	}
	p.Roster, p.Contacts, p.Status = r, r.Contacts, ProfileGet
	return &wire.CHATProtocol_Profile{Value: p}, nil
}

func validPhone(s string) bool {
	if len(s) > MaxPhoneLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || c == '+' || c == '-' || c == ' ' || c == '(' || c == ')') {
			return false
		}
	}
	return true
}

func (h *Hook) updateProfile(rq *request, p *wire.Profile) (wire.CHATProtocol, error) {
	if n := string(p.Nickname); n != "" && n != rq.nick {
		return nil, refuse(CodeNotAuthorized, "profile of %s", n)
	}
	phone := string(p.Phone)
	if !validPhone(phone) {
		return nil, refuse(CodeInvalidData, "phone %q", phone)
	}
	h.userLock.Lock()
	defer h.userLock.Unlock()
	var cur wire.Profile
	if _, err := h.load(profileKey(rq.nick), &cur); err != nil {
		return nil, err
	}
	b := h.st.NewBatch()
	var errs []error
	if old := string(cur.Phone); old != phone {
		if old != "" {
			errs = append(errs, b.Delete(phoneIndexKey(old, rq.nick)))
		}
		if phone != "" {
			errs = append(errs, b.Set(phoneIndexKey(phone, rq.nick), nil))
		}
	}
	cur.Nickname, cur.Phone, cur.Settings, cur.Keys, cur.Servers = []byte(rq.nick), p.Phone, p.Settings, p.Keys, p.Servers
	cur.Update = h.millis()
	cur.Chats, cur.Contacts, cur.Roster = nil, nil, wire.Roster{Nickname: []byte(rq.nick)}
	fill.Profile(&cur)
	errs = append(errs, put(b, profileKey(rq.nick), &cur), b.Set(userIndexKey(rq.nick), nil))
	if err := errors.Join(errs...); err != nil {
		b.Discard()
		return nil, err
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
	full, err := h.ownProfile(rq.nick)
	if err != nil {
		return nil, err
	}
	h.send(auth.DevicesPrefix+rq.nick, rq.format, 0, full)
	h.send(auth.ContactsPrefix+rq.nick, rq.format, 0, &wire.CHATProtocol_Profile{Value: publicProfile(cur)})
	return full, nil
}

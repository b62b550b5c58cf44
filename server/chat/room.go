package chat

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
	"github.com/chatim/chat/server/auth"
	"github.com/chatim/chat/server/store"
)

// MaxRoomChange bounds the members one request may add or remove.
const MaxRoomChange = 1000

// EventMime is the mime type of the FileDesc that says what a system
// message reports: its data hold Feature{key "event", value create, add,
// remove, join, leave or role}, and the message's mentioned field lists
// the members concerned.
const EventMime = "application/x-chat-event"

// room serves ROOM, by Room.status:
//
//	create   a new room (id chosen by the server when empty); the creator
//	         is its owner, Room.members become members, Room.admins admins
//	get,info the room with its members and admins (members only)
//	patch    name, description, links, settings, tos (admins only)
//	add      Room.members as members, Room.admins as admins (admins only)
//	remove   Room.members leave the room (admins only; never the owner)
//	join     the sender becomes a member
//	leave    the sender leaves (the owner deletes instead)
//	mute     the sender's member record says muted (unmute: not)
//	delete   the room, its members and its feed (owner only)
//
// Membership changes are stored with a system message in the room's feed
// in one batch and broadcast on room/<id>.
func (h *Hook) room(rq *request, r *wire.Room) (wire.CHATProtocol, error) {
	if r.Status == wire.RoomStatusCreate {
		return h.createRoom(rq, r)
	}
	id := string(r.Id)
	if !validRoomID(id) {
		return nil, refuse(CodeInvalidData, "room id %q", r.Id)
	}
	if !h.facts.RoomExists(id) {
		return nil, refuse(CodeNotFound, "room %s", id)
	}
	role, member := h.facts.Role(id, rq.nick)
	admin := member && (role == wire.MemberStatusAdmin || role == wire.MemberStatusOwner)
	switch r.Status {
	case wire.RoomStatusGet, wire.RoomStatusInfo:
		if !member {
			return nil, refuse(CodeNotAuthorized, "%s is no member of %s", rq.nick, id)
		}
		return h.roomReply(id, r.Status)
	case wire.RoomStatusPatch:
		if !admin {
			return nil, refuse(CodeNotAuthorized, "%s is no admin of %s", rq.nick, id)
		}
		return h.patchRoom(rq, id, r)
	case wire.RoomStatusAdd:
		if !admin {
			return nil, refuse(CodeNotAuthorized, "%s is no admin of %s", rq.nick, id)
		}
		ch, err := changesOf(r.Members, r.Admins)
		if err != nil {
			return nil, err
		}
		return h.changeMembers(rq, id, ch, "add", r.Status)
	case wire.RoomStatusRemove:
		if !admin {
			return nil, refuse(CodeNotAuthorized, "%s is no admin of %s", rq.nick, id)
		}
		ch, err := changesOf(r.Members, nil)
		if err != nil {
			return nil, err
		}
		for i := range ch {
			ch[i].role = 0
		}
		return h.changeMembers(rq, id, ch, "remove", r.Status)
	case wire.RoomStatusJoin:
		if member {
			return nil, refuse(CodeConflict, "%s is a member of %s", rq.nick, id)
		}
		return h.changeMembers(rq, id, []memberChange{{rq.nick, wire.MemberStatusMember}}, "join", wire.RoomStatusJoined)
	case wire.RoomStatusLeave:
		if !member {
			return nil, refuse(CodeNotFound, "%s is no member of %s", rq.nick, id)
		}
		return h.changeMembers(rq, id, []memberChange{{rq.nick, 0}}, "leave", r.Status)
	case wire.RoomStatusMute, wire.RoomStatusUnmute:
		if !member {
			return nil, refuse(CodeNotAuthorized, "%s is no member of %s", rq.nick, id)
		}
		return h.mute(rq, id, r.Status == wire.RoomStatusMute)
	case wire.RoomStatusDelete:
		if role != wire.MemberStatusOwner || !member {
			return nil, refuse(CodeNotAuthorized, "%s is not the owner of %s", rq.nick, id)
		}
		return h.deleteRoom(rq, id)
	}
	return nil, refuse(CodeNotImplemented, "room status %v", r.Status)
}

// memberChange gives nick a role in a room; role 0 removes nick.
type memberChange struct {
	nick string
	role wire.MemberStatus
}

// changesOf reads the nicknames (Member.alias) of members and admins.
func changesOf(members, admins []wire.Member) ([]memberChange, error) {
	if len(members)+len(admins) > MaxRoomChange {
		return nil, refuse(CodeTooLarge, "%d members in one request", len(members)+len(admins))
	}
	var out []memberChange
	for _, l := range []struct {
		ms   []wire.Member
		role wire.MemberStatus
	}{{members, wire.MemberStatusMember}, {admins, wire.MemberStatusAdmin}} {
		for _, m := range l.ms {
			n := string(m.Alias)
			if !auth.ValidNickname(n) {
				return nil, refuse(CodeInvalidData, "member %q", n)
			}
			out = append(out, memberChange{n, l.role})
		}
	}
	return out, nil
}

func (h *Hook) createRoom(rq *request, r *wire.Room) (wire.CHATProtocol, error) {
	id := string(r.Id)
	if id == "" {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		id = hex.EncodeToString(b[:])
	}
	if !validRoomID(id) {
		return nil, refuse(CodeInvalidData, "room id %q", id)
	}
	ch, err := changesOf(r.Members, r.Admins)
	if err != nil {
		return nil, err
	}
	ch = append(ch, memberChange{rq.nick, wire.MemberStatusOwner})
	h.roomLock.Lock()
	defer h.roomLock.Unlock()
	if taken, err := h.exists(roomInfoKey(id)); err != nil {
		return nil, err
	} else if taken {
		return nil, refuse(CodeConflict, "room %s exists", id)
	}
	now := h.millis()
	info := wire.Room{
		Id: []byte(id), Name: r.Name, Links: r.Links, Description: r.Description, Settings: r.Settings,
		Type: r.Type, Tos: r.Tos, Tosupdate: r.Tosupdate, Created: now, Update: now, Status: wire.RoomStatusCreate,
	}
	fill.Room(&info)
	extra := func(b *store.Batch) error {
		return errors.Join(put(b, roomInfoKey(id), &info), b.Set(roomIndexKey(id), r.Name))
	}
	if err := h.applyMembers(rq, id, ch, "create", extra); err != nil {
		return nil, err
	}
	return h.roomReply(id, wire.RoomStatusCreate)
}

// changeMembers applies membership changes with their system message and
// answers with the room.
func (h *Hook) changeMembers(rq *request, id string, ch []memberChange, event string, status wire.RoomStatus) (wire.CHATProtocol, error) {
	h.roomLock.Lock()
	defer h.roomLock.Unlock()
	for _, c := range ch {
		role, member := h.facts.Role(id, c.nick)
		switch {
		case member && role == wire.MemberStatusOwner && c.nick != rq.nick:
			return nil, refuse(CodeNotAuthorized, "the owner of %s cannot be changed", id)
		case member && role == wire.MemberStatusOwner && c.role == 0:
			return nil, refuse(CodeNotAuthorized, "the owner of %s cannot leave; delete the room", id)
		case !member && c.role == 0:
			return nil, refuse(CodeNotFound, "%s is no member of %s", c.nick, id)
		}
	}
	if err := h.applyMembers(rq, id, ch, event, nil); err != nil {
		return nil, err
	}
	if event == "leave" {
		return okReply("left " + id), nil
	}
	return h.roomReply(id, status)
}

// applyMembers stores membership changes, the writes of extra and a
// system message reporting event in one batch, updates the facts and
// broadcasts the message. The caller holds roomLock.
func (h *Hook) applyMembers(rq *request, id string, ch []memberChange, event string, extra func(*store.Batch) error) error {
	now := h.millis()
	var mentioned []wire.CHATString
	var removed []string
	for _, c := range ch {
		if c.role != 0 && c.nick != rq.nick {
			ok, err := h.userExists(c.nick)
			if err != nil {
				return err
			}
			if !ok {
				return refuse(CodeNotFound, "user %s", c.nick)
			}
		}
		mentioned = append(mentioned, wire.CHATString(c.nick))
		if c.role == 0 {
			removed = append(removed, c.nick)
		}
	}
	f := mucFeed(id)
	mu := h.feedLock(f.table)
	mu.Lock()
	defer mu.Unlock()
	b := h.st.NewBatch()
	fail := func(err error) error { b.Discard(); return err }
	if extra != nil {
		if err := extra(b); err != nil {
			return fail(err)
		}
	}
	for _, c := range ch {
		if c.role == 0 {
			if err := errors.Join(b.Delete(memberKey(id, c.nick)), b.Delete(userRoomKey(c.nick, id))); err != nil {
				return fail(err)
			}
			continue
		}
		var m wire.Member
		found, err := h.load(memberKey(id, c.nick), &m)
		if err != nil {
			return fail(err)
		}
		if !found {
			m = wire.Member{Id: now, Feed: &wire.MemberFeed_Muc{Value: wire.MUC{Room: []byte(id)}}, Alias: []byte(c.nick)}
		}
		m.Status, m.Update = c.role, now
		fill.Member(&m)
		if err := errors.Join(put(b, memberKey(id, c.nick), &m), b.Set(userRoomKey(c.nick, id), nil)); err != nil {
			return fail(err)
		}
	}
	// Everybody who is or was a member hears of it, but the actor.
	audience := map[string]bool{}
	for _, n := range h.facts.Members(id) {
		audience[n] = true
	}
	for _, c := range ch {
		audience[c.nick] = true
	}
	delete(audience, rq.nick)
	var recipients []string
	for n := range audience {
		recipients = append(recipients, n)
	}
	slices.Sort(recipients)
	msg := systemMessage(rq.nick, id, event, mentioned)
	mid, err := h.stage(b, f, &msg, recipients)
	if err != nil {
		return fail(err)
	}
	if err := b.Commit(); err != nil {
		return err
	}
	h.facts.addRoom(id)
	for _, c := range ch {
		if c.role == 0 {
			h.facts.delMember(id, c.nick)
		} else {
			h.facts.setMember(id, c.nick, c.role)
		}
	}
	h.announce(f, &msg, mid, recipients, rq.format)
	// Removed members can no longer read room/<id>: tell them directly.
	for _, n := range removed {
		for _, c := range h.online.clients(n) {
			h.send(auth.ActionsPrefix+c, h.formatOf(c), 0, &wire.CHATProtocol_Message{Value: msg})
		}
	}
	return nil
}

// systemMessage reports a membership event of a room.
func systemMessage(actor, room, event string, mentioned []wire.CHATString) wire.Message {
	return wire.Message{
		Feed: &wire.MessageFeed_Muc{Value: wire.MUC{Room: []byte(room)}},
		From: []byte(actor), To: []byte(room), Type: wire.MessageTypeSys,
		Files: []wire.FileDesc{{
			Mime: []byte(EventMime), Payload: []byte{0x05, 0x00}, // NULL
			Data: []wire.Feature{{Key: []byte("event"), Value: []byte(event)}},
		}},
		Link: &wire.MessageLink_Empty{}, Mentioned: mentioned, Status: wire.MessageStatusAsync,
	}
}

// roomReply is the room with its members (every member) and admins
// (owner and admins).
func (h *Hook) roomReply(id string, status wire.RoomStatus) (wire.CHATProtocol, error) {
	var r wire.Room
	found, err := h.load(roomInfoKey(id), &r)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, refuse(CodeNotFound, "room %s", id)
	}
	err = h.st.Scan(memberPrefix(id), func(_, v []byte) error {
		var m wire.Member
		if err := m.UnmarshalDER(v); err != nil {
			return err
		}
		m.Presence = h.presence(string(m.Alias))
		r.Members = append(r.Members, m)
		if m.Status == wire.MemberStatusOwner || m.Status == wire.MemberStatusAdmin {
			r.Admins = append(r.Admins, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.Status = status
	return &wire.CHATProtocol_Room{Value: r}, nil
}

func (h *Hook) patchRoom(rq *request, id string, p *wire.Room) (wire.CHATProtocol, error) {
	h.roomLock.Lock()
	defer h.roomLock.Unlock()
	var r wire.Room
	if found, err := h.load(roomInfoKey(id), &r); err != nil || !found {
		return nil, orRefuse(err, refuse(CodeNotFound, "room %s", id))
	}
	if len(p.Name) > 0 {
		r.Name = p.Name
	}
	if len(p.Description) > 0 {
		r.Description = p.Description
	}
	if p.Links != nil {
		r.Links = p.Links
	}
	if p.Settings != nil {
		r.Settings = p.Settings
	}
	if len(p.Tos) > 0 {
		r.Tos, r.Tosupdate = p.Tos, h.millis()
	}
	r.Update = h.millis()
	fill.Room(&r)
	b := h.st.NewBatch()
	if err := errors.Join(put(b, roomInfoKey(id), &r), b.Set(roomIndexKey(id), r.Name)); err != nil {
		b.Discard()
		return nil, err
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
	reply, err := h.roomReply(id, wire.RoomStatusPatch)
	if err == nil {
		h.send(mucFeed(id).topic, rq.format, 0, reply)
	}
	return reply, err
}

func (h *Hook) mute(rq *request, id string, on bool) (wire.CHATProtocol, error) {
	h.roomLock.Lock()
	defer h.roomLock.Unlock()
	var m wire.Member
	if found, err := h.load(memberKey(id, rq.nick), &m); err != nil || !found {
		return nil, orRefuse(err, refuse(CodeNotFound, "%s in %s", rq.nick, id))
	}
	m.Settings = slices.DeleteFunc(m.Settings, func(f wire.Feature) bool { return eq(f.Key, "mute") })
	if on {
		m.Settings = append(m.Settings, wire.Feature{Key: []byte("mute"), Value: []byte("true")})
	}
	m.Update = h.millis()
	if err := h.st.Set(memberKey(id, rq.nick), m.AppendDER(nil)); err != nil {
		return nil, err
	}
	return &wire.CHATProtocol_Member{Value: m}, nil
}

// deleteRoom deletes the room's records, its members' index entries, the
// name index and the feed in one batch; the sequence key stays, so that a
// room created later with the same id never reuses a message id. Inbox
// entries of the feed are dropped when next delivered.
func (h *Hook) deleteRoom(rq *request, id string) (wire.CHATProtocol, error) {
	h.roomLock.Lock()
	defer h.roomLock.Unlock()
	f := mucFeed(id)
	mu := h.feedLock(f.table)
	mu.Lock()
	defer mu.Unlock()
	b := h.st.NewBatch()
	del := func(prefix []byte) error {
		return h.st.Scan(prefix, func(k, _ []byte) error { return b.Delete(append([]byte(nil), k...)) })
	}
	var errs []error
	errs = append(errs, del(roomPrefix(id)), del(feedPrefix(f.table)), b.Delete(roomIndexKey(id)))
	for _, n := range h.facts.Members(id) {
		errs = append(errs, b.Delete(userRoomKey(n, id)))
	}
	if err := errors.Join(errs...); err != nil {
		b.Discard()
		return nil, err
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
	notice := &wire.CHATProtocol_Room{Value: wire.Room{Id: []byte(id), Status: wire.RoomStatusDelete}}
	h.send(f.topic, rq.format, 0, notice)
	h.facts.delRoom(id)
	return notice, nil
}

package chat

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/store"
)

// Facts is the in-memory copy of the relationships the authorisation
// decisions depend on: each user's view of their contacts (friend,
// request, ban, ...) and the members of every room with their role. It is
// loaded from the store by New and updated by the handlers after every
// committed change, so that it never claims more than the store holds. It
// implements auth.Facts. Its methods are safe for concurrent use.
type Facts struct {
	mu        sync.RWMutex
	contacts  map[string]map[string]wire.ContactStatus // owner → other → owner's view
	rooms     map[string]map[string]wire.MemberStatus  // room → nick → role
	userRooms map[string]map[string]struct{}           // nick → rooms
}

func newFacts() *Facts {
	return &Facts{
		contacts:  map[string]map[string]wire.ContactStatus{},
		rooms:     map[string]map[string]wire.MemberStatus{},
		userRooms: map[string]map[string]struct{}{},
	}
}

// IsFriend reports whether a and b are friends: each holds the other as a
// contact with status friend. It takes a read lock and does not allocate.
func (f *Facts) IsFriend(a, b string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.contacts[a][b] == wire.ContactStatusFriend && f.contacts[b][a] == wire.ContactStatusFriend
}

// IsMember reports whether nick is a member of room (any role).
func (f *Facts) IsMember(room, nick string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	_, ok := f.rooms[room][nick]
	return ok
}

// Role returns nick's role in room.
func (f *Facts) Role(room, nick string) (wire.MemberStatus, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	r, ok := f.rooms[room][nick]
	return r, ok
}

// RoomExists reports whether the room exists.
func (f *Facts) RoomExists(room string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	_, ok := f.rooms[room]
	return ok
}

// Contact returns owner's view of other; 0 when other is no contact.
func (f *Facts) Contact(owner, other string) wire.ContactStatus {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.contacts[owner][other]
}

// Banned reports whether by has banned who.
func (f *Facts) Banned(by, who string) bool { return f.Contact(by, who) == wire.ContactStatusBan }

// Members returns the members of room, sorted.
func (f *Facts) Members(room string) []string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]string, 0, len(f.rooms[room]))
	for n := range f.rooms[room] {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Rooms returns the rooms nick is a member of, sorted.
func (f *Facts) Rooms(nick string) []string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]string, 0, len(f.userRooms[nick]))
	for r := range f.userRooms[nick] {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// Contacts returns the nicknames owner holds as contacts, sorted.
func (f *Facts) Contacts(owner string) []string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]string, 0, len(f.contacts[owner]))
	for n := range f.contacts[owner] {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Friends returns owner's friends, sorted.
func (f *Facts) Friends(owner string) []string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	var out []string
	for n, st := range f.contacts[owner] {
		if st == wire.ContactStatusFriend && f.contacts[n][owner] == wire.ContactStatusFriend {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func (f *Facts) setContact(owner, other string, st wire.ContactStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.contacts[owner]
	if m == nil {
		m = map[string]wire.ContactStatus{}
		f.contacts[owner] = m
	}
	m[other] = st
}

func (f *Facts) delContact(owner, other string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.contacts[owner], other)
}

// addRoom records an empty room, so that RoomExists knows it.
func (f *Facts) addRoom(room string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rooms[room] == nil {
		f.rooms[room] = map[string]wire.MemberStatus{}
	}
}

func (f *Facts) setMember(room, nick string, role wire.MemberStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.rooms[room]
	if m == nil {
		m = map[string]wire.MemberStatus{}
		f.rooms[room] = m
	}
	m[nick] = role
	u := f.userRooms[nick]
	if u == nil {
		u = map[string]struct{}{}
		f.userRooms[nick] = u
	}
	u[room] = struct{}{}
}

func (f *Facts) delMember(room, nick string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.rooms[room], nick)
	delete(f.userRooms[nick], room)
}

func (f *Facts) delRoom(room string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for n := range f.rooms[room] {
		delete(f.userRooms[n], room)
	}
	delete(f.rooms, room)
}

// load reads every contact and room member record from the store.
func (f *Facts) load(st *store.Store) error {
	err := st.Scan([]byte("user/"), func(k, v []byte) error {
		owner, rest, ok := strings.Cut(string(k[len("user/"):]), "/")
		if !ok {
			return nil
		}
		other, ok := strings.CutPrefix(rest, "contact/")
		if !ok {
			return nil
		}
		var c wire.Contact
		if err := c.UnmarshalDER(v); err != nil {
			return fmt.Errorf("chat: facts: contact %q: %w", k, err)
		}
		f.setContact(owner, other, c.Status)
		return nil
	})
	if err != nil {
		return err
	}
	return st.Scan([]byte("room/"), func(k, v []byte) error {
		room, rest, ok := strings.Cut(string(k[len("room/"):]), "/")
		if !ok {
			return nil
		}
		if rest == "info" {
			f.addRoom(room)
			return nil
		}
		nick, ok := strings.CutPrefix(rest, "member/")
		if !ok {
			return nil
		}
		var m wire.Member
		if err := m.UnmarshalDER(v); err != nil {
			return fmt.Errorf("chat: facts: member %q: %w", k, err)
		}
		if !bytes.Equal(m.Alias, []byte(nick)) {
			return fmt.Errorf("chat: facts: member %q names %q: %w", k, m.Alias, store.ErrCorrupt)
		}
		f.setMember(room, nick, m.Status)
		return nil
	})
}

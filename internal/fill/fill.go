// Package fill gives the fields of a CHAT value that Go's zero values
// leave undecodable a valid placeholder. The generated encoders write
// whatever a value holds, but the decoders refuse an absent CHOICE and an
// ENUMERATED value outside its list, and a zero value is often both. The
// server fills every value it stores or sends, the client library every
// request, so that every peer can decode what they produce.
//
// A placeholder is the alternative or item that means "nothing in
// particular" for its field: an empty p2p feed, an empty link, status
// clear, presence offline, and so on.
package fill

import "github.com/chatim/chat/generated/chat"

// Body fills the value of a CHATProtocol alternative in place.
func Body(b chat.CHATProtocol) {
	switch x := b.(type) {
	case *chat.CHATProtocol_Message:
		Message(&x.Value)
	case *chat.CHATProtocol_Roster:
		Roster(&x.Value)
	case *chat.CHATProtocol_Room:
		Room(&x.Value)
	case *chat.CHATProtocol_Member:
		Member(&x.Value)
	case *chat.CHATProtocol_Profile:
		Profile(&x.Value)
	case *chat.CHATProtocol_Auth:
		Auth(&x.Value)
	case *chat.CHATProtocol_History:
		History(&x.Value)
	case *chat.CHATProtocol_Presence:
		Presence(&x.Value.Status)
	case *chat.CHATProtocol_Friend:
		if x.Value.Type < chat.FriendshipRequest || x.Value.Type > chat.FriendshipUnban {
			x.Value.Type = chat.FriendshipRequest
		}
	}
}

// Message fills m and the message it links to. An unknown type becomes
// sys, which only the server may send.
func Message(m *chat.Message) {
	if m.Feed == nil {
		m.Feed = &chat.MessageFeed_P2p{}
	}
	if m.Link == nil {
		m.Link = &chat.MessageLink_Empty{}
	}
	if l, ok := m.Link.(*chat.MessageLink_Message); ok {
		Message(&l.Value)
	}
	if m.Type < chat.MessageTypeSys || m.Type > chat.MessageTypeEdited {
		m.Type = chat.MessageTypeSys
	}
	if m.Status < chat.MessageStatusAsync || m.Status > chat.MessageStatusEdit {
		m.Status = chat.MessageStatusClear
	}
}

// Presence makes anything but online offline.
func Presence(p *chat.PresenceType) {
	if *p != chat.PresenceTypeOnline {
		*p = chat.PresenceTypeOffline
	}
}

// Contact fills c.
func Contact(c *chat.Contact) {
	Message(&c.Lastmsg)
	Presence(&c.Presence)
	if c.Status < chat.ContactStatusRequest || c.Status > chat.ContactStatusNonexised {
		c.Status = chat.ContactStatusNonexised
	}
	services(c.Services)
}

func services(s []chat.Service) {
	for i := range s {
		if s[i].Type < chat.ServiceTypeSynrc || s[i].Type > chat.ServiceTypeAzure {
			s[i].Type = chat.ServiceTypeSynrc
		}
		if s[i].Status < chat.ServiceStatusVerified || s[i].Status > chat.ServiceStatusRemove {
			s[i].Status = chat.ServiceStatusVerified
		}
	}
}

// Member fills m.
func Member(m *chat.Member) {
	if m.Feed == nil {
		m.Feed = &chat.MemberFeed_Muc{}
	}
	Presence(&m.Presence)
	if m.Status < chat.MemberStatusAdmin || m.Status > chat.MemberStatusOwner {
		m.Status = chat.MemberStatusMember
	}
	services(m.Services)
}

// Room fills r, its members and admins, and its last message.
func Room(r *chat.Room) {
	for i := range r.Members {
		Member(&r.Members[i])
	}
	for i := range r.Admins {
		Member(&r.Admins[i])
	}
	if r.Type < chat.RoomTypeGroup || r.Type > chat.RoomTypeCall {
		r.Type = chat.RoomTypeGroup
	}
	Message(&r.Lastmsg)
	if r.Status < chat.RoomStatusCreate || r.Status > chat.RoomStatusUnmute {
		r.Status = chat.RoomStatusInfo
	}
}

// Roster fills r, its contacts and its rooms.
func Roster(r *chat.Roster) {
	for i := range r.Contacts {
		Contact(&r.Contacts[i])
	}
	for i := range r.Topics {
		Room(&r.Topics[i])
	}
	if r.Status < chat.RosterStatusGet || r.Status > chat.RosterStatusLastmsg {
		r.Status = chat.RosterStatusList
	}
}

// Profile fills p, its chats, contacts and roster.
func Profile(p *chat.Profile) {
	for i := range p.Chats {
		Contact(&p.Chats[i])
	}
	for i := range p.Contacts {
		Contact(&p.Contacts[i])
	}
	Roster(&p.Roster)
}

// Auth fills a.
func Auth(a *chat.Auth) {
	if a.Type < chat.AuthTypeReg || a.Type > chat.AuthTypeRenew {
		a.Type = chat.AuthTypeAuth
	}
	if a.Os < chat.OSApple || a.Os > chat.OSEricsson {
		a.Os = chat.OSApple
	}
}

// History fills h and its messages.
func History(h *chat.History) {
	if h.Feed == nil {
		h.Feed = &chat.HistoryFeed_P2p{}
	}
	for i := range h.Data {
		Message(&h.Data[i])
	}
	if h.Status < chat.HistoryStatusUpdated || h.Status > chat.HistoryStatusText {
		h.Status = chat.HistoryStatusGet
	}
}

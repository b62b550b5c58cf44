package client

import "github.com/chatim/chat/generated/chat"

// The decoders refuse an absent CHOICE and an ENUMERATED value outside
// its list, and Go's zero values are often both. The norm functions give
// every such field of an outgoing request a valid placeholder, so that
// the server can decode it.

func normMessage(m *chat.Message) {
	if m.Feed == nil {
		m.Feed = &chat.MessageFeed_P2p{}
	}
	if m.Link == nil {
		m.Link = &chat.MessageLink_Empty{}
	}
	if l, ok := m.Link.(*chat.MessageLink_Message); ok {
		normMessage(&l.Value)
	}
	if m.Type < chat.MessageTypeSys || m.Type > chat.MessageTypeEdited {
		m.Type = chat.MessageTypeReply
	}
	if m.Status < chat.MessageStatusAsync || m.Status > chat.MessageStatusEdit {
		m.Status = chat.MessageStatusClear
	}
}

func normPresence(p *chat.PresenceType) {
	if *p != chat.PresenceTypeOnline {
		*p = chat.PresenceTypeOffline
	}
}

func normServices(s []chat.Service) {
	for i := range s {
		if s[i].Type < chat.ServiceTypeSynrc || s[i].Type > chat.ServiceTypeAzure {
			s[i].Type = chat.ServiceTypeSynrc
		}
		if s[i].Status < chat.ServiceStatusVerified || s[i].Status > chat.ServiceStatusRemove {
			s[i].Status = chat.ServiceStatusVerified
		}
	}
}

func normContact(c *chat.Contact) {
	normMessage(&c.Lastmsg)
	normPresence(&c.Presence)
	if c.Status < chat.ContactStatusRequest || c.Status > chat.ContactStatusNonexised {
		c.Status = chat.ContactStatusNonexised
	}
	normServices(c.Services)
}

func normMember(m *chat.Member) {
	if m.Feed == nil {
		m.Feed = &chat.MemberFeed_Muc{}
	}
	normPresence(&m.Presence)
	if m.Status < chat.MemberStatusAdmin || m.Status > chat.MemberStatusOwner {
		m.Status = chat.MemberStatusMember
	}
	normServices(m.Services)
}

func normRoom(r *chat.Room) {
	for i := range r.Members {
		normMember(&r.Members[i])
	}
	for i := range r.Admins {
		normMember(&r.Admins[i])
	}
	if r.Type < chat.RoomTypeGroup || r.Type > chat.RoomTypeCall {
		r.Type = chat.RoomTypeGroup
	}
	normMessage(&r.Lastmsg)
	if r.Status < chat.RoomStatusCreate || r.Status > chat.RoomStatusUnmute {
		r.Status = chat.RoomStatusInfo
	}
}

func normRoster(r *chat.Roster) {
	for i := range r.Contacts {
		normContact(&r.Contacts[i])
	}
	for i := range r.Topics {
		normRoom(&r.Topics[i])
	}
	if r.Status < chat.RosterStatusGet || r.Status > chat.RosterStatusLastmsg {
		r.Status = chat.RosterStatusList
	}
}

func normAuth(a *chat.Auth) {
	if a.Type < chat.AuthTypeReg || a.Type > chat.AuthTypeRenew {
		a.Type = chat.AuthTypeAuth
	}
	if a.Os < chat.OSApple || a.Os > chat.OSEricsson {
		a.Os = chat.OSEricsson
	}
}

// norm makes every request body encodable into a value that decodes.
func norm(b chat.CHATProtocol) {
	switch x := b.(type) {
	case *chat.CHATProtocol_Message:
		normMessage(&x.Value)
	case *chat.CHATProtocol_Roster:
		normRoster(&x.Value)
	case *chat.CHATProtocol_Room:
		normRoom(&x.Value)
	case *chat.CHATProtocol_Member:
		normMember(&x.Value)
	case *chat.CHATProtocol_Profile:
		for i := range x.Value.Chats {
			normContact(&x.Value.Chats[i])
		}
		for i := range x.Value.Contacts {
			normContact(&x.Value.Contacts[i])
		}
		normRoster(&x.Value.Roster)
	case *chat.CHATProtocol_Auth:
		normAuth(&x.Value)
	case *chat.CHATProtocol_History:
		if x.Value.Feed == nil {
			x.Value.Feed = &chat.HistoryFeed_P2p{}
		}
		for i := range x.Value.Data {
			normMessage(&x.Value.Data[i])
		}
		if x.Value.Status < chat.HistoryStatusUpdated || x.Value.Status > chat.HistoryStatusText {
			x.Value.Status = chat.HistoryStatusGet
		}
	case *chat.CHATProtocol_Presence:
		normPresence(&x.Value.Status)
	case *chat.CHATProtocol_Friend:
		if x.Value.Type < chat.FriendshipRequest || x.Value.Type > chat.FriendshipUnban {
			x.Value.Type = chat.FriendshipRequest
		}
	}
}

package chat

import wire "github.com/chatim/chat/generated/chat"

// The generated encoders write whatever a value holds, and the decoders
// refuse an absent CHOICE or an ENUMERATED value outside its list. The
// norm functions give every such field of a value the server emits a valid
// placeholder, so that every reply decodes.

func normMessage(m *wire.Message) {
	if m.Feed == nil {
		m.Feed = &wire.MessageFeed_P2p{}
	}
	if m.Link == nil {
		m.Link = &wire.MessageLink_Empty{}
	}
	if l, ok := m.Link.(*wire.MessageLink_Message); ok {
		normMessage(&l.Value)
	}
	if m.Type < wire.MessageTypeSys || m.Type > wire.MessageTypeEdited {
		m.Type = wire.MessageTypeSys
	}
	if m.Status < wire.MessageStatusAsync || m.Status > wire.MessageStatusEdit {
		m.Status = wire.MessageStatusClear
	}
}

func normPresence(p *wire.PresenceType) {
	if *p != wire.PresenceTypeOnline {
		*p = wire.PresenceTypeOffline
	}
}

func normContact(c *wire.Contact) {
	normMessage(&c.Lastmsg)
	normPresence(&c.Presence)
	if c.Status < wire.ContactStatusRequest || c.Status > wire.ContactStatusNonexised {
		c.Status = wire.ContactStatusNonexised
	}
	normServices(c.Services)
}

func normServices(s []wire.Service) {
	for i := range s {
		if s[i].Type < wire.ServiceTypeSynrc || s[i].Type > wire.ServiceTypeAzure {
			s[i].Type = wire.ServiceTypeSynrc
		}
		if s[i].Status < wire.ServiceStatusVerified || s[i].Status > wire.ServiceStatusRemove {
			s[i].Status = wire.ServiceStatusVerified
		}
	}
}

func normMember(m *wire.Member) {
	if m.Feed == nil {
		m.Feed = &wire.MemberFeed_Muc{}
	}
	normPresence(&m.Presence)
	if m.Status < wire.MemberStatusAdmin || m.Status > wire.MemberStatusOwner {
		m.Status = wire.MemberStatusMember
	}
	normServices(m.Services)
}

func normRoom(r *wire.Room) {
	for i := range r.Members {
		normMember(&r.Members[i])
	}
	for i := range r.Admins {
		normMember(&r.Admins[i])
	}
	if r.Type < wire.RoomTypeGroup || r.Type > wire.RoomTypeCall {
		r.Type = wire.RoomTypeGroup
	}
	normMessage(&r.Lastmsg)
	if r.Status < wire.RoomStatusCreate || r.Status > wire.RoomStatusUnmute {
		r.Status = wire.RoomStatusInfo
	}
}

func normRoster(r *wire.Roster) {
	for i := range r.Contacts {
		normContact(&r.Contacts[i])
	}
	for i := range r.Topics {
		normRoom(&r.Topics[i])
	}
	if r.Status < wire.RosterStatusGet || r.Status > wire.RosterStatusLastmsg {
		r.Status = wire.RosterStatusList
	}
}

func normProfile(p *wire.Profile) {
	for i := range p.Chats {
		normContact(&p.Chats[i])
	}
	for i := range p.Contacts {
		normContact(&p.Contacts[i])
	}
	normRoster(&p.Roster)
}

func normAuth(a *wire.Auth) {
	if a.Type < wire.AuthTypeReg || a.Type > wire.AuthTypeRenew {
		a.Type = wire.AuthTypeAuth
	}
	if a.Os < wire.OSApple || a.Os > wire.OSEricsson {
		a.Os = wire.OSApple
	}
}

func normHistory(h *wire.History) {
	if h.Feed == nil {
		h.Feed = &wire.HistoryFeed_P2p{}
	}
	for i := range h.Data {
		normMessage(&h.Data[i])
	}
	if h.Status < wire.HistoryStatusUpdated || h.Status > wire.HistoryStatusText {
		h.Status = wire.HistoryStatusGet
	}
}

// norm makes every reply body encodable into a value that decodes.
func norm(b wire.CHATProtocol) {
	switch x := b.(type) {
	case *wire.CHATProtocol_Message:
		normMessage(&x.Value)
	case *wire.CHATProtocol_Roster:
		normRoster(&x.Value)
	case *wire.CHATProtocol_Room:
		normRoom(&x.Value)
	case *wire.CHATProtocol_Member:
		normMember(&x.Value)
	case *wire.CHATProtocol_Profile:
		normProfile(&x.Value)
	case *wire.CHATProtocol_Auth:
		normAuth(&x.Value)
	case *wire.CHATProtocol_History:
		normHistory(&x.Value)
	case *wire.CHATProtocol_Presence:
		normPresence(&x.Value.Status)
	}
}

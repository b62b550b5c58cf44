package client

import "github.com/chatim/chat/generated/chat"

// BodyName returns the name of the CHATProtocol alternative b holds, as
// the spec spells it ("message", "error", ...), or "" for nil.
func BodyName(b chat.CHATProtocol) string {
	switch b.(type) {
	case *chat.CHATProtocol_Register:
		return "register"
	case *chat.CHATProtocol_Auth:
		return "auth"
	case *chat.CHATProtocol_Feature:
		return "feature"
	case *chat.CHATProtocol_Service:
		return "service"
	case *chat.CHATProtocol_Message:
		return "message"
	case *chat.CHATProtocol_Profile:
		return "profile"
	case *chat.CHATProtocol_Room:
		return "room"
	case *chat.CHATProtocol_Member:
		return "member"
	case *chat.CHATProtocol_Search:
		return "search"
	case *chat.CHATProtocol_File:
		return "file"
	case *chat.CHATProtocol_Typing:
		return "typing"
	case *chat.CHATProtocol_Friend:
		return "friend"
	case *chat.CHATProtocol_Presence:
		return "presence"
	case *chat.CHATProtocol_History:
		return "history"
	case *chat.CHATProtocol_Roster:
		return "roster"
	case *chat.CHATProtocol_Ack:
		return "ack"
	case *chat.CHATProtocol_Io:
		return "io"
	case *chat.CHATProtocol_Ok:
		return "ok"
	case *chat.CHATProtocol_Error:
		return "error"
	}
	return ""
}

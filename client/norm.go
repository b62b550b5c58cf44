package client

import (
	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
)

// norm makes every request body encodable into a value that decodes. A
// Message of unknown type is a reply: sys is the server's.
func norm(b chat.CHATProtocol) {
	if m, ok := b.(*chat.CHATProtocol_Message); ok {
		if t := m.Value.Type; t < chat.MessageTypeSys || t > chat.MessageTypeEdited {
			m.Value.Type = chat.MessageTypeReply
		}
	}
	fill.Body(b)
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
)

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// messageOut is a message as --json prints it.
type messageOut struct {
	ID      string    `json:"id"`
	Feed    string    `json:"feed"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Created time.Time `json:"created"`
	Text    string    `json:"text"`
	Status  string    `json:"status,omitempty"`
	Type    string    `json:"type,omitempty"`
}

func toMessageOut(m *chat.Message) messageOut {
	f, _ := client.FeedOfMessage(m)
	return messageOut{
		ID: string(m.Id), Feed: f.Table(), From: string(m.From), To: string(m.To),
		Created: time.UnixMilli(m.Created).UTC(), Text: client.Text(m),
		Status: m.Status.String(), Type: m.Type.String(),
	}
}

// formatMessage renders one message on one line (continuation lines
// indented) for people.
func formatMessage(m *chat.Message, room bool) string {
	t := time.UnixMilli(m.Created).Local().Format("2006-01-02 15:04:05")
	text := client.Text(m)
	switch m.Status {
	case chat.MessageStatusDelete:
		text = "(deleted)"
	case chat.MessageStatusEdit, chat.MessageStatusUpdate:
		text += " (edited)"
	}
	if m.Type == chat.MessageTypeSys {
		return fmt.Sprintf("%s  #%-4s * %s", t, string(m.Id), strings.ReplaceAll(text, "\n", "\n                              "))
	}
	where := ""
	if room {
		f, _ := client.FeedOfMessage(m)
		where = f.String() + " "
	}
	return fmt.Sprintf("%s  #%-4s %s%s: %s", t, string(m.Id), where, m.From, strings.ReplaceAll(text, "\n", "\n                              "))
}

// contactOut is a contact as --json prints it.
type contactOut struct {
	Nick     string `json:"nick"`
	Status   string `json:"status"`
	Presence string `json:"presence"`
}

func toContactOut(c *chat.Contact) contactOut {
	return contactOut{Nick: string(c.Nickname), Status: c.Status.String(), Presence: c.Presence.String()}
}

// roomOut is a room as --json prints it.
type roomOut struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members,omitempty"`
	Admins  []string `json:"admins,omitempty"`
}

func memberNick(m *chat.Member) string {
	if len(m.Alias) > 0 {
		return string(m.Alias)
	}
	if len(m.Names) > 0 {
		return string(m.Names[0])
	}
	return ""
}

func toRoomOut(r *chat.Room) roomOut {
	o := roomOut{ID: string(r.Id), Name: string(r.Name)}
	for i := range r.Members {
		o.Members = append(o.Members, memberNick(&r.Members[i]))
	}
	for i := range r.Admins {
		o.Admins = append(o.Admins, memberNick(&r.Admins[i]))
	}
	return o
}

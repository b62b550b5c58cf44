package main

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
)

func msg(id, from string, f client.Feed, text string) chat.Message {
	m := chat.Message{Id: chat.CHATString(id), From: chat.CHATString(from), Created: time.Now().UnixMilli(),
		Files: []chat.FileDesc{client.TextFile(text)}, Type: chat.MessageTypeReply, Status: chat.MessageStatusAsync}
	if f.IsRoom() {
		m.Feed = &chat.MessageFeed_Muc{Value: chat.MUC{Room: []byte(f.Room)}}
	} else {
		m.Feed = &chat.MessageFeed_P2p{Value: chat.P2P{From: []byte(f.A), To: []byte(f.B)}}
	}
	return m
}

// TestView checks the model without a terminal: conversations, unread
// counts, presence, marks, typing and the width of every line.
func TestView(t *testing.T) {
	m := newModel(context.Background(), "alice", "tls://example:8883", nil, time.Second)
	m.Update(tea.WindowSizeMsg{Width: 90, Height: 20})
	m.event(client.StateEvent{State: client.Connected})
	m.roster(chat.Roster{
		Contacts: []chat.Contact{
			{Nickname: []byte("bob"), Status: chat.ContactStatusFriend, Presence: chat.PresenceTypeOnline},
			{Nickname: []byte("carol"), Status: chat.ContactStatusFriend, Presence: chat.PresenceTypeOffline},
			{Nickname: []byte("dave"), Status: chat.ContactStatusAuthorization},
		},
		Topics: []chat.Room{{Id: []byte("lunch"), Name: []byte("Lunch Club")}},
	}, true)
	bob, carol := client.Private("alice", "bob"), client.Private("alice", "carol")
	for i, text := range []string{"one", "two"} {
		mm := msg(string(rune('1'+i)), "carol", carol, text)
		m.event(client.MessageEvent{Feed: carol, Message: mm})
	}
	m.event(client.MessageEvent{Feed: bob, Message: msg("1", "bob", bob, "hi alice, a long line that must wrap "+strings.Repeat("word ", 20))})
	m.byTable[bob.Table()].lines = append(m.byTable[bob.Table()].lines, line{from: "alice", text: "pending one", local: 7})
	m.Update(sentMsg{table: bob.Table(), key: 7, id: "2"})
	m.event(client.ReceiptEvent{Feed: bob, ID: "2", Nick: "bob"})
	m.event(client.TypingEvent{Feed: bob, Nick: "bob"})

	view := m.View()
	lines := strings.Split(view, "\n")
	if len(lines) != 20 {
		t.Errorf("%d lines, want 20", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 90 {
			t.Errorf("line %d is %d cells wide: %q", i, w, ansi.Strip(l))
		}
	}
	plain := ansi.Strip(view)
	for _, want := range []string{"● connected", "● bob", "○ carol              (2)│", "? dave (wants you)", "#lunch Lunch Club",
		"bob: hi alice", "alice: pending one ✓✓", "bob is typing…", "bob> █"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the screen lacks %q:\n%s", want, plain)
		}
	}
	if testing.Verbose() {
		t.Logf("\n%s", plain)
	}

	// Opening carol's conversation clears its unread count.
	m.key(tea.KeyMsg{Type: tea.KeyTab})
	if c := m.current(); c.title != "carol" || c.unread != 0 {
		t.Fatalf("after tab: %s with %d unread", c.title, c.unread)
	}
	m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("?")})
	if !strings.Contains(m.View(), "Keyboard") {
		t.Fatal("? on an empty line shows no help")
	}
}

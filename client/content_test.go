package client_test

import (
	"strings"
	"testing"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
)

func TestText(t *testing.T) {
	data := []byte(strings.Repeat("x", 250))
	m := chat.Message{
		From: chat.CHATString("alice"),
		Files: []chat.FileDesc{
			client.TextFile("héllo ✓"),
			client.FilePart("f1", "a.bin", 250, 0, data[:100]),
			client.FilePart("f1", "a.bin", 250, 100, data[100:250]),
			{Mime: []byte(client.MimeEvent), Payload: []byte{5, 0}, Data: []chat.Feature{{Key: []byte("event"), Value: []byte("add")}}},
		},
		Mentioned: []chat.CHATString{chat.CHATString("bob"), chat.CHATString("carol")},
	}
	want := "héllo ✓\nalice: add bob, carol\n[file a.bin: bytes 0-250 of 250]"
	if got := client.Text(&m); got != want {
		t.Fatalf("Text = %q, want %q", got, want)
	}
	b, err := client.PayloadBytes(&m.Files[1])
	if err != nil || len(b) != 100 {
		t.Fatalf("PayloadBytes: %d bytes, %v", len(b), err)
	}
	for _, bad := range [][]byte{{0x04}, {0x04, 0x05, 'a'}, {0x02, 0x01, 0x00}, {0x04, 0x81, 0x01, 'a'}} {
		if _, err := client.PayloadBytes(&chat.FileDesc{Payload: bad}); err == nil {
			t.Errorf("PayloadBytes(% x) accepted", bad)
		}
	}
}

func TestFeeds(t *testing.T) {
	f := client.Private("bob", "alice")
	if f.Table() != "p2p/alice/bob" || f.Topic() != "private/alice/bob" || f.Other("alice") != "bob" {
		t.Fatalf("private feed %+v: %s %s", f, f.Table(), f.Topic())
	}
	if g, ok := client.ParseTable("p2p/alice/bob"); !ok || g != f {
		t.Fatalf("ParseTable = %+v %v", g, ok)
	}
	if g, ok := client.FeedOfTopic("room/r1"); !ok || g != client.RoomFeed("r1") || g.Table() != "muc/r1" {
		t.Fatalf("FeedOfTopic(room/r1) = %+v %v", g, ok)
	}
	for _, bad := range []string{"", "p2p/", "p2p/a", "p2p//b", "muc/", "x/y"} {
		if _, ok := client.ParseTable(bad); ok {
			t.Errorf("ParseTable(%q) accepted", bad)
		}
	}
}

// FuzzText feeds arbitrary DER to the Message decoder and renders what
// decodes: Text never panics.
func FuzzText(f *testing.F) {
	m := chat.Message{Feed: &chat.MessageFeed_P2p{}, Link: &chat.MessageLink_Empty{}, Type: chat.MessageTypeReply,
		Status: chat.MessageStatusAsync, Files: []chat.FileDesc{client.TextFile("hi"), client.FilePart("f", "n", 3, 0, []byte("abc"))}}
	f.Add(m.AppendDER(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m chat.Message
		if m.UnmarshalDER(b) == nil {
			_ = client.Text(&m)
		}
		_, _ = client.PayloadBytes(&chat.FileDesc{Payload: b})
	})
}

// FuzzParseTable checks that a parsed table names itself.
func FuzzParseTable(f *testing.F) {
	for _, s := range []string{"p2p/alice/bob", "muc/room-1", "p2p/b/a", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if g, ok := client.ParseTable(s); ok {
			if h, ok := client.ParseTable(g.Table()); !ok || h != g {
				t.Fatalf("%q → %+v → %q does not parse back", s, g, g.Table())
			}
		}
	})
}

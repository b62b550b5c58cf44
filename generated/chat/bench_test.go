package chat_test

import (
	"fmt"
	"testing"

	"github.com/chatim/chat/codecs/der"
	"github.com/chatim/chat/generated/chat"
)

// benchMessage is a text Message of about 200 bytes of DER.
func benchMessage(i int) chat.Message {
	return chat.Message{
		Id:        chat.CHATString(fmt.Sprintf("01HZX3M4Q7R8S9T0V1W2X3%04d", i)),
		Feed:      &chat.MessageFeed_P2p{Value: chat.P2P{From: []byte("alice"), To: []byte("bob")}},
		Signature: chat.CHATString(fmt.Sprintf("%064x", i)),
		From:      chat.CHATString("alice"),
		To:        chat.CHATString("bob"),
		Created:   1700000000123 + int64(i),
		Type:      chat.MessageTypeReply,
		Link:      &chat.MessageLink_Empty{},
		Seenby:    chat.CHATString("bob"),
		Repliedby: chat.CHATString(""),
		Mentioned: []chat.CHATString{chat.CHATString("bob")},
		Status:    chat.MessageStatusAsync,
		Files: []chat.FileDesc{{
			Id: []byte("text"), Mime: []byte("text/plain"),
			Payload: der.AppendOctetString(nil, der.TagOctetString, []byte("See you tomorrow at the usual place, around noon: bring the slides.")),
		}},
	}
}

// benchRoster is a Roster of 50 contacts, about 22 KB of DER.
func benchRoster() *chat.Roster {
	r := &chat.Roster{Id: []byte("roster-1"), Nickname: []byte("alice"), Update: 1700000000000, Status: chat.RosterStatusList}
	for i := 0; i < 50; i++ {
		r.Contacts = append(r.Contacts, chat.Contact{
			Nickname: []byte(fmt.Sprintf("friend%02d", i)),
			Avatar:   []byte("https://cdn.example.org/avatars/0123456789abcdef0123456789abcdef.png"),
			Names:    [][]byte{[]byte("Friend"), []byte("Number")},
			Phone:    []byte("+380501234567"),
			Surnames: [][]byte{[]byte("Example")},
			Lastmsg:  benchMessage(i),
			Presence: chat.PresenceTypeOnline,
			Update:   1700000000000 + int64(i),
			Created:  1600000000000,
			Settings: []chat.Feature{{Id: []byte("f1"), Key: []byte("notify"), Value: []byte("all"), Group: []byte("chat")}},
			Status:   chat.ContactStatusFriend,
		})
	}
	return r
}

// benchHistory is a History of 100 messages, about 25 KB of DER.
func benchHistory() *chat.History {
	h := &chat.History{Nickname: []byte("alice"), Feed: &chat.HistoryFeed_P2p{Value: chat.P2P{From: []byte("alice"), To: []byte("bob")}},
		Size: 100, Entity: 0, Roster: "alice", Status: chat.HistoryStatusGet}
	for i := 0; i < 100; i++ {
		h.Data = append(h.Data, benchMessage(i))
	}
	return h
}

type benchCase struct {
	name string
	v    chat.Value
}

func benchCases() []benchCase {
	return []benchCase{
		{"Message", textMessage()},
		{"Roster50", benchRoster()},
		{"History100", benchHistory()},
	}
}

func BenchmarkEncodeDER(b *testing.B) {
	for _, c := range benchCases() {
		b.Run(c.name, func(b *testing.B) {
			buf := c.v.AppendDER(nil)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				buf = c.v.AppendDER(buf[:0])
			}
		})
	}
}

func BenchmarkDecodeDER(b *testing.B) {
	for _, c := range benchCases() {
		b.Run(c.name, func(b *testing.B) {
			data := c.v.AppendDER(nil)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				v, _ := chat.New(c.v.ASN1Type())
				if err := v.UnmarshalDER(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncodeETF(b *testing.B) {
	for _, c := range benchCases() {
		b.Run(c.name, func(b *testing.B) {
			buf := c.v.AppendETF(nil)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				buf = c.v.AppendETF(buf[:0])
			}
		})
	}
}

func BenchmarkDecodeETF(b *testing.B) {
	for _, c := range benchCases() {
		b.Run(c.name, func(b *testing.B) {
			data := c.v.AppendETF(nil)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				v, _ := chat.New(c.v.ASN1Type())
				if err := v.UnmarshalETF(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestBenchSizes(t *testing.T) {
	for _, c := range benchCases() {
		d := c.v.AppendDER(nil)
		e := c.v.AppendETF(nil)
		t.Logf("%s: DER %d bytes, ETF %d bytes", c.name, len(d), len(e))
		if err := mustNew(t, c.v.ASN1Type()).UnmarshalDER(d); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(textMessage().AppendDER(nil)); n != 260 {
		t.Errorf("text message is %d bytes of DER, want 260", n)
	}
	buf := make([]byte, 0, 64<<10)
	m := textMessage()
	if a := testing.AllocsPerRun(100, func() { buf = m.AppendDER(buf[:0]) }); a != 0 {
		t.Errorf("AppendDER into a reused buffer: %.0f allocations", a)
	}
	if a := testing.AllocsPerRun(100, func() { buf = m.AppendETF(buf[:0]) }); a != 0 {
		t.Errorf("AppendETF into a reused buffer: %.0f allocations", a)
	}
}

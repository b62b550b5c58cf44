// Package conformance checks the generated CHAT codecs against Erlang/OTP,
// the reference implementation: its tests compare our DER and ETF bytes with
// what Erlang's asn1 compiler and term_to_binary produce, and replay golden
// vectors Erlang produced. The package itself exports the sample values the
// benchmarks of the project share.
package conformance

import (
	"fmt"

	"github.com/chatim/chat/generated/chat"
)

// sampleEpoch is the creation time, in milliseconds, of the sample values.
const sampleEpoch int64 = 1_700_000_000_000

// SmallMessage returns a text message from alice to bob wrapped in a
// CHATMessage, about 260 bytes of DER. The value is the same on every call.
func SmallMessage() *chat.CHATMessage {
	return &chat.CHATMessage{
		No:      42,
		Headers: [][]byte{[]byte("client: chat/1.0")},
		Body: &chat.CHATProtocol_Message{
			Value: textMessage(1, "alice", "bob", "Hello Bob! Are we still on for lunch tomorrow at noon? I booked a table by the window, the one near the old fountain in the square."),
		},
	}
}

// Roster50 returns alice's roster with 50 contacts, each carrying its last
// message, about 22 KB of DER. The value is the same on every call.
func Roster50() *chat.Roster {
	contacts := make([]chat.Contact, 50)
	for i := range contacts {
		nick := fmt.Sprintf("user%03d", i)
		presence := chat.PresenceTypeOnline
		if i%3 == 0 {
			presence = chat.PresenceTypeOffline
		}
		contacts[i] = chat.Contact{
			Nickname: []byte(nick),
			Avatar:   []byte("https://chat.example.org/avatar/" + nick + ".png"),
			Names:    [][]byte{[]byte(fmt.Sprintf("Name%03d", i))},
			Phone:    []byte(fmt.Sprintf("+38050%07d", 1000000+i)),
			Surnames: [][]byte{[]byte(fmt.Sprintf("Surname%03d", i))},
			Lastmsg: textMessage(int64(1000+i), nick, "alice",
				fmt.Sprintf("Message %d from %s: see you at the meeting tomorrow morning, I will bring the documents we talked about.", i, nick)),
			Presence: presence,
			Update:   sampleEpoch + int64(i)*60_000,
			Created:  sampleEpoch - 86_400_000,
			Settings: []chat.Feature{{
				Id:    []byte(fmt.Sprintf("feature-%03d", i)),
				Key:   []byte("notifications"),
				Value: []byte("on"),
				Group: []byte("privacy"),
			}, {
				Id:    []byte(fmt.Sprintf("feature-%03d-theme", i)),
				Key:   []byte("theme"),
				Value: []byte("dark"),
				Group: []byte("appearance"),
			}},
			Status: chat.ContactStatusFriend,
		}
	}
	return &chat.Roster{
		Id:       []byte("roster-alice"),
		Nickname: []byte("alice"),
		Update:   sampleEpoch,
		Contacts: contacts,
		Status:   chat.RosterStatusList,
	}
}

// History100 returns a page of 100 messages of the p2p feed between alice
// and bob, about 25 KB of DER. The value is the same on every call.
func History100() *chat.History {
	msgs := make([]chat.Message, 100)
	for i := range msgs {
		from, to := "alice", "bob"
		if i%2 == 1 {
			from, to = to, from
		}
		msgs[i] = textMessage(int64(2000+i), from, to,
			fmt.Sprintf("Message number %03d of the conversation: nothing urgent, just keeping in touch and checking how the project is going this week, no need to reply today.", i))
	}
	return &chat.History{
		Nickname: []byte("alice"),
		Feed:     &chat.HistoryFeed_P2p{Value: chat.P2P{From: []byte("alice"), To: []byte("bob")}},
		Size:     100,
		Entity:   0,
		Data:     msgs,
		Status:   chat.HistoryStatusGet,
	}
}

// textMessage is a p2p message whose text travels as the UTF8String payload
// of one FileDesc, as the chat client sends it.
func textMessage(id int64, from, to, text string) chat.Message {
	payload := append([]byte{0x0c}, derLength(len(text))...)
	payload = append(payload, text...)
	return chat.Message{
		Id:        chat.CHATString(fmt.Sprintf("%s-%06d", from, id)),
		Feed:      &chat.MessageFeed_P2p{Value: chat.P2P{From: []byte(from), To: []byte(to)}},
		Signature: nil,
		From:      chat.CHATString(from),
		To:        chat.CHATString(to),
		Created:   sampleEpoch + id*1000,
		Files: []chat.FileDesc{{
			Id:      []byte(fmt.Sprintf("text-%06d", id)),
			Mime:    []byte("text/plain"),
			Payload: payload,
		}},
		Type:   chat.MessageTypeReply,
		Link:   &chat.MessageLink_Empty{},
		Status: chat.MessageStatusAsync,
	}
}

// derLength is the DER length octets of n, for n < 65536.
func derLength(n int) []byte {
	switch {
	case n < 0x80:
		return []byte{byte(n)}
	case n <= 0xff:
		return []byte{0x81, byte(n)}
	default:
		return []byte{0x82, byte(n >> 8), byte(n)}
	}
}

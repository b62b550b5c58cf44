package fill_test

import (
	"testing"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
)

// TestZeroBodiesDecode checks that every request and reply alternative,
// left at its zero value and filled, encodes into DER and ETF that decode:
// without the fill most of them do not.
func TestZeroBodiesDecode(t *testing.T) {
	bodies := []chat.CHATProtocol{
		&chat.CHATProtocol_Message{}, &chat.CHATProtocol_Roster{}, &chat.CHATProtocol_Room{},
		&chat.CHATProtocol_Member{}, &chat.CHATProtocol_Profile{}, &chat.CHATProtocol_Auth{},
		&chat.CHATProtocol_History{}, &chat.CHATProtocol_Presence{}, &chat.CHATProtocol_Friend{},
	}
	refused := 0
	for _, b := range bodies {
		raw := (&chat.CHATMessage{Body: b}).AppendDER(nil)
		if (&chat.CHATMessage{}).UnmarshalDER(raw) != nil {
			refused++
		}
		fill.Body(b)
		m := &chat.CHATMessage{No: 1, Body: b}
		var d, e chat.CHATMessage
		if err := d.UnmarshalDER(m.AppendDER(nil)); err != nil {
			t.Errorf("%T: DER after fill: %v", b, err)
		}
		if err := e.UnmarshalETF(m.AppendETF(nil)); err != nil {
			t.Errorf("%T: ETF after fill: %v", b, err)
		}
	}
	if refused < len(bodies)-1 {
		t.Errorf("only %d of %d zero bodies were refused before filling: the test no longer shows what fill is for", refused, len(bodies))
	}
}

// TestKeepsValidValues checks that fill changes only what would not decode.
func TestKeepsValidValues(t *testing.T) {
	m := chat.Message{
		Feed:   &chat.MessageFeed_Muc{Value: chat.MUC{Room: []byte("r")}},
		Link:   &chat.MessageLink_Empty{},
		Type:   chat.MessageTypeForward,
		Status: chat.MessageStatusEdit,
	}
	fill.Message(&m)
	if _, ok := m.Feed.(*chat.MessageFeed_Muc); !ok || m.Type != chat.MessageTypeForward || m.Status != chat.MessageStatusEdit {
		t.Fatalf("fill changed valid fields: %+v", m)
	}
	var p chat.PresenceType = chat.PresenceTypeOnline
	fill.Presence(&p)
	if p != chat.PresenceTypeOnline {
		t.Fatal("fill changed online")
	}
	var zero chat.Message
	fill.Message(&zero)
	if zero.Type != chat.MessageTypeSys || zero.Status != chat.MessageStatusClear {
		t.Fatalf("zero message filled as type %v status %v", zero.Type, zero.Status)
	}
}

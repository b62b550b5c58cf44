package chat_test

import (
	"strconv"
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

func historyReq(from, to string, size, entity int64) *wire.CHATProtocol_History {
	return &wire.CHATProtocol_History{Value: wire.History{
		Feed: &wire.HistoryFeed_P2p{Value: wire.P2P{From: []byte(from), To: []byte(to)}},
		Size: size, Entity: entity, Status: wire.HistoryStatusGet,
	}}
}

func ids(t *testing.T, body wire.CHATProtocol) string {
	t.Helper()
	h, ok := body.(*wire.CHATProtocol_History)
	if !ok {
		t.Fatalf("reply %#v, want History", body)
	}
	s := ""
	for _, m := range h.Value.Data {
		s += string(m.Id) + ","
	}
	return s
}

func TestHistory(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn, cn := "alice-"+f.String(), "bob-"+f.String(), "carol-"+f.String()
		for _, n := range []string{an, bn, cn} {
			e.user(n)
		}
		a, b, c := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f), e.connect(t, cn, "d1", f)
		befriend(t, a, b)
		for i := 1; i <= 10; i++ {
			wantAck(t, a.call(p2pMessage(an, bn, "m"+strconv.Itoa(i))), "p2p/"+an+"/"+bn)
		}
		for _, tc := range []struct {
			d            *dev
			from, to     string
			size, entity int64
			want         string
		}{
			{a, an, bn, 4, 0, "10,9,8,7,"},
			{b, bn, an, 4, 7, "6,5,4,3,"},
			{b, bn, an, 4, 3, "2,1,"},
			{a, an, bn, -3, 3, "4,5,6,"},
			{a, an, bn, -3, 9, "10,"},
			{a, an, bn, 0, 0, "10,9,8,7,6,5,4,3,2,1,"},
			{a, an, bn, 5, 1, ""},
		} {
			if got := ids(t, tc.d.call(historyReq(tc.from, tc.to, tc.size, tc.entity))); got != tc.want {
				t.Errorf("history size %d entity %d = %s, want %s", tc.size, tc.entity, got, tc.want)
			}
		}
		wantError(t, c.call(historyReq(an, bn, 4, 0)), chat.CodeNotAuthorized)
		wantError(t, a.call(historyReq(an, bn, 4, -1)), chat.CodeInvalidData)
		wantError(t, a.call(&wire.CHATProtocol_History{Value: wire.History{
			Feed: &wire.HistoryFeed_Muc{Value: wire.MUC{Room: []byte("nowhere")}}, Status: wire.HistoryStatusGet,
		}}), chat.CodeNotAuthorized)
	})
}

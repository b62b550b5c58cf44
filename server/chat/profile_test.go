package chat_test

import (
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

func profileOf(t *testing.T, body wire.CHATProtocol) wire.Profile {
	t.Helper()
	p, ok := body.(*wire.CHATProtocol_Profile)
	if !ok {
		t.Fatalf("reply %#v, want Profile", body)
	}
	return p.Value
}

func profileReq(nick string, status int64) *wire.CHATProtocol_Profile {
	return &wire.CHATProtocol_Profile{Value: wire.Profile{Nickname: []byte(nick), Status: status, Roster: wire.Roster{Status: wire.RosterStatusGet}}}
}

func TestProfile(t *testing.T) {
	e := newEnv(t, chat.Options{})
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		an, bn, cn := "alice-"+f.String(), "bob-"+f.String(), "carol-"+f.String()
		for _, n := range []string{an, bn, cn} {
			e.user(n)
		}
		a, b, c := e.connect(t, an, "d1", f), e.connect(t, bn, "d1", f), e.connect(t, cn, "d1", f)
		befriend(t, a, b)
		b.sub("contacts/" + an)

		up := profileReq("", chat.ProfileUpdate)
		phone := "+1 555 010" + map[chat.Format]string{chat.DER: "0", chat.ETF: "1"}[f]
		up.Value.Phone = []byte(phone)
		up.Value.Keys = [][]byte{[]byte("public key")}
		up.Value.Settings = []wire.Feature{{Key: []byte("lang"), Value: []byte("en")}}
		p := profileOf(t, a.call(up))
		if string(p.Phone) != phone || len(p.Keys) != 1 || len(p.Roster.Contacts) != 1 || p.Update == 0 {
			t.Fatalf("updated profile %+v", p)
		}
		// The friend sees the public profile on contacts/, the other
		// device of the user the full one on devices/.
		r := b.await(func(r received) bool {
			_, ok := r.msg.Body.(*wire.CHATProtocol_Profile)
			return ok && r.topic == "contacts/"+an
		})
		if pub := r.msg.Body.(*wire.CHATProtocol_Profile).Value; string(pub.Phone) != phone || len(pub.Settings) != 0 {
			t.Fatalf("public profile %+v", pub)
		}
		a.await(func(r received) bool {
			_, ok := r.msg.Body.(*wire.CHATProtocol_Profile)
			return ok && r.topic == "devices/"+an
		})

		if p := profileOf(t, a.call(profileReq("", chat.ProfileGet))); len(p.Settings) != 1 || string(p.Nickname) != an {
			t.Fatalf("own profile %+v", p)
		}
		if p := profileOf(t, b.call(profileReq(an, chat.ProfileGet))); len(p.Keys) != 1 || len(p.Settings) != 0 {
			t.Fatalf("friend's profile %+v", p)
		}
		wantError(t, c.call(profileReq(an, chat.ProfileGet)), chat.CodeNotAuthorized)
		wantError(t, c.call(profileReq(an, chat.ProfileUpdate)), chat.CodeNotAuthorized)
		bad := profileReq("", chat.ProfileUpdate)
		bad.Value.Phone = []byte("555/0100")
		wantError(t, c.call(bad), chat.CodeInvalidData)
		wantError(t, c.call(profileReq("", 99)), chat.CodeNotImplemented)

		// The phone number is searchable, equal and like.
		for _, s := range []wire.Search{
			{Field: []byte("phone"), Value: []byte(phone), Criteria: wire.CriteriaEqual, Type: wire.ScopeContact},
			{Field: []byte("phone"), Value: []byte("%555%10" + phone[len(phone)-1:]), Criteria: wire.CriteriaLike, Type: wire.ScopeContact},
		} {
			ro := c.call(&wire.CHATProtocol_Search{Value: s})
			if got := contactIn(t, ro); string(got.Nickname) != an || string(got.Phone) != phone {
				t.Fatalf("search %s: %+v", s.Value, got)
			}
		}
	})
}

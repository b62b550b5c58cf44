package auth

import "testing"

// fakeFacts: alice is bob's friend (may read contacts/bob); alice is in room r1.
type fakeFacts struct{}

func (fakeFacts) IsFriend(a, b string) bool       { return a == "alice" && b == "bob" }
func (fakeFacts) IsMember(room, nick string) bool { return room == "r1" && nick == "alice" }

func TestCanPublish(t *testing.T) {
	for _, tc := range []struct {
		client, topic string
		want          bool
	}{
		{"alice.phone", "events/alice.phone", true},
		{"anon.x", "events/anon.x", true},
		{"alice.phone", "events/alice.phone2", false},
		{"alice.phone", "events/alice.phon", false},
		{"alice.phone", "events/bob.phone", false},
		{"alice.phone", "actions/alice.phone", false},
		{"alice.phone", "events/alice.phone/x", false},
		{"alice.phone", "private/alice/bob", false},
		{"alice.phone", "events/", false},
		{"alice.phone", "", false},
	} {
		if got := CanPublish(tc.client, tc.topic); got != tc.want {
			t.Errorf("CanPublish(%q, %q) = %v, want %v", tc.client, tc.topic, got, tc.want)
		}
	}
}

func TestCanSubscribe(t *testing.T) {
	for _, tc := range []struct {
		client, filter string
		want           bool
	}{
		{"alice.phone", "actions/alice.phone", true},
		{"alice.phone", "actions/alice.laptop", false},
		{"alice.phone", "actions/bob.phone", false},
		{"alice.phone", "events/alice.phone", false},
		{"alice.phone", "devices/alice", true},
		{"alice.phone", "devices/bob", false},
		{"alice.phone", "contacts/alice", true},
		{"alice.phone", "contacts/bob", true}, // friend
		{"alice.phone", "contacts/carol", false},
		{"bob.phone", "contacts/alice", false}, // friendship as Facts says, one way here
		{"alice.phone", "private/alice/bob", true},
		{"bob.phone", "private/alice/bob", true},
		{"alice.phone", "private/alice/alice", true},
		{"alice.phone", "private/bob/alice", false}, // a ≤ b
		{"carol.phone", "private/alice/bob", false},
		{"alice.phone", "private/alice", false},
		{"alice.phone", "private/alice/bob/x", false},
		{"alice.phone", "room/r1", true},
		{"alice.phone", "room/r2", false},
		{"bob.phone", "room/r1", false},
		{"alice.phone", "room/", false},
		{"alice.phone", "room/r1/x", false},
		{"alice.phone", "#", false},
		{"alice.phone", "+/x", false},
		{"alice.phone", "actions/+", false},
		{"alice.phone", "actions/#", false},
		{"alice.phone", "private/alice/+", false},
		{"alice.phone", "devices/#", false},
		{"alice.phone", "$SYS/broker/uptime", false},
		{"alice.phone", "$share/g/actions/alice.phone", false},
		{"anon.x", "actions/anon.x", true},
		{"anon.x", "devices/anon", false},
		{"anon.x", "contacts/anon", false},
		{"anon.x", "actions/anon.y", false},
	} {
		nick, _, _ := SplitClientID(tc.client)
		got := CanSubscribe(fakeFacts{}, tc.client, nick, nick == AnonymousNickname, tc.filter)
		if got != tc.want {
			t.Errorf("CanSubscribe(%q, %q) = %v, want %v", tc.client, tc.filter, got, tc.want)
		}
	}
	if CanSubscribe(NoFacts{}, "alice.phone", "alice", false, "contacts/bob") ||
		CanSubscribe(NoFacts{}, "alice.phone", "alice", false, "room/r1") {
		t.Error("NoFacts granted a friendship or a membership")
	}
}

func BenchmarkCanSubscribe(b *testing.B) {
	for b.Loop() {
		CanSubscribe(fakeFacts{}, "alice.phone", "alice", false, "private/alice/bob")
	}
}

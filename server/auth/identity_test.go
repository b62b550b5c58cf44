package auth

import "testing"

func TestSplitClientID(t *testing.T) {
	for _, tc := range []struct {
		id, nick, device string
		ok               bool
	}{
		{"alice.phone", "alice", "phone", true},
		{"anon.dev_1-X", "anon", "dev_1-X", true},
		{"a.b", "a", "b", true},
		{"alice", "", "", false},
		{"alice.", "", "", false},
		{".phone", "", "", false},
		{"alice.ph.one", "", "", false},
		{"Alice.phone", "", "", false}, // nicknames are lower case
		{"al/ice.phone", "", "", false},
		{"alice.ph+one", "", "", false},
		{"alice.ph#", "", "", false},
		{"alice.phone\x00", "", "", false},
		{"", "", "", false},
		{"alice." + string(make([]byte, 65)), "", "", false},
	} {
		nick, device, ok := SplitClientID(tc.id)
		if ok != tc.ok || nick != tc.nick || device != tc.device {
			t.Errorf("SplitClientID(%q) = %q, %q, %v; want %q, %q, %v", tc.id, nick, device, ok, tc.nick, tc.device, tc.ok)
		}
	}
}

func TestValidNames(t *testing.T) {
	for _, s := range []string{"alice", "bob_2", "x-y", "0"} {
		if !ValidNickname(s) {
			t.Errorf("ValidNickname(%q) = false", s)
		}
	}
	for _, s := range []string{"", "anon", "Alice", "a.b", "a/b", "a+b", "a#", "é", "averyveryveryveryveryverylongnickname"} {
		if ValidNickname(s) {
			t.Errorf("ValidNickname(%q) = true", s)
		}
	}
	long := make([]byte, MaxDeviceLen)
	for i := range long {
		long[i] = 'd'
	}
	if !ValidDevice(string(long)) || ValidDevice(string(long)+"d") || ValidDevice("") || ValidDevice("a.b") {
		t.Error("ValidDevice length or alphabet bounds wrong")
	}
}

func FuzzSplitClientID(f *testing.F) {
	for _, s := range []string{"alice.phone", "anon.x", "a.b.c", "", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		nick, device, ok := SplitClientID(id)
		if !ok {
			return
		}
		if nick+"."+device != id || !ValidDevice(device) || nick != AnonymousNickname && !ValidNickname(nick) {
			t.Fatalf("SplitClientID(%q) accepted %q, %q", id, nick, device)
		}
	})
}

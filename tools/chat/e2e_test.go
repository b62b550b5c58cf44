package main

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMessenger drives two users through registration, friendship and a
// conversation over TLS and QUIC in both wire formats, offline delivery,
// history and the refusals a user meets.
func TestMessenger(t *testing.T) {
	s := startServer(t)
	alice, bob, carol := newUser(t, "alice"), newUser(t, "bob"), newUser(t, "carol")

	alice.must("register", "alice", "--server", s.url("tls"), "--ca", s.caPath())
	bob.must("register", "bob", "--server", s.url("quic"), "--format", "etf", "--ca", s.caPath())
	carol.must("register", "carol", "--server", s.url("tcp"))
	for _, u := range []*user{alice, bob} {
		if fi, err := os.Stat(filepath.Join(u.config, "chat", u.nick, "key.pem")); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s key.pem: %v, mode %v; want 0600", u.nick, err, fi.Mode().Perm())
		}
	}
	who := jsonOf[map[string]any](t, bob.must("whoami", "--json"))
	if who["nick"] != "bob" || who["format"] != "etf" || !strings.HasPrefix(who["client_id"].(string), "bob.") {
		t.Fatalf("bob whoami: %v", who)
	}

	// Registration refusals.
	newUser(t, "alice2").fails(1, "nickname is taken", "register", "alice", "--server", s.url("tls"), "--ca", s.caPath())
	newUser(t, "x").fails(2, "--server", "register", "x")

	// Strangers may not write; friendship needs both sides.
	alice.fails(1, "not allowed", "send", "bob", "too early")
	alice.must("friend", "add", "bob")
	alice.fails(1, "no pending request", "friend", "accept", "bob")
	if out := bob.must("friend", "accept", "alice"); !strings.Contains(out, "alice: friend") {
		t.Fatalf("bob friend accept alice: %q", out)
	}

	// Alice writes while Bob is offline; Bob gets it when he returns.
	alice.must("send", "bob", "Hello", "Bob!")
	alice.runIn("second line from stdin\n", "send", "bob")
	out := bob.must("listen", "--count", "2", "--wait", "30s")
	if !strings.Contains(out, "alice: Hello Bob!") || !strings.Contains(out, "alice: second line from stdin") {
		t.Fatalf("bob listen: %q", out)
	}

	// Bob answers over TLS in DER, Alice over QUIC in ETF: each overrides
	// the profile's transport and format.
	bob.must("send", "alice", "Hi Alice, over TLS in DER", "--server", s.url("tls"), "--format", "der")
	alice.must("send", "bob", "and back over QUIC in ETF", "--server", s.url("quic"), "--format", "etf")
	hist := jsonOf[[]messageOut](t, alice.must("history", "bob", "--json"))
	var texts []string
	for _, m := range hist {
		texts = append(texts, m.From+": "+m.Text)
	}
	want := []string{"alice: Hello Bob!", "alice: second line from stdin", "bob: Hi Alice, over TLS in DER", "alice: and back over QUIC in ETF"}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Fatalf("history:\n%s\nwant\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
	if out := bob.must("history", "alice", "--limit", "1"); !strings.Contains(out, "and back over QUIC") || strings.Contains(out, "Hello") {
		t.Fatalf("history --limit 1: %q", out)
	}
	carol.fails(1, "not allowed", "history", "#nowhere")

	// A file larger than one message travels in parts with a progress bar.
	data := make([]byte, 700<<10)
	_, _ = rand.Read(data)
	path := filepath.Join(t.TempDir(), "blob.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := alice.run("send", "bob", "--file", path)
	if r.code != 0 || !strings.Contains(r.stderr, "blob.bin [") || !strings.Contains(r.stderr, "100%") {
		t.Fatalf("send --file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if out := bob.must("history", "alice", "--limit", "1"); !strings.Contains(out, "[file blob.bin: bytes") {
		t.Fatalf("history after the file: %q", out)
	}

	// A room with a third user: Carol talks over TCP with a password.
	if out := alice.must("room", "create", "Lunch Club", "bob", "carol"); !strings.Contains(out, "created #lunch-club") {
		t.Fatalf("room create: %q", out)
	}
	carol.must("send", "#lunch-club", "count me in")
	bob.must("send", "#lunch-club", "me too", "--server", s.url("ws"))
	roomHist := jsonOf[[]messageOut](t, alice.must("history", "#lunch-club", "--json"))
	if n := len(roomHist); n != 3 || roomHist[1].Text != "count me in" || roomHist[2].From != "bob" ||
		!strings.Contains(roomHist[0].Text, "create") {
		t.Fatalf("room history: %+v", roomHist)
	}
	if out := carol.must("rooms"); !strings.Contains(out, "#lunch-club") || !strings.Contains(out, "Lunch Club") {
		t.Fatalf("carol rooms: %q", out)
	}
	info := jsonOf[roomOut](t, bob.must("room", "info", "#lunch-club", "--json"))
	if strings.Join(info.Members, ",") != "alice,bob,carol" || strings.Join(info.Admins, ",") != "alice" {
		t.Fatalf("room info: %+v", info)
	}
	bob.fails(1, "only the room's admins", "room", "remove", "#lunch-club", "carol")
	carol.must("room", "leave", "#lunch-club")
	carol.fails(1, "not allowed", "send", "#lunch-club", "still here?")
	// Bob's inbox still holds the private messages since his last listen
	// (4 to 7) and the room's: its creation, Carol's message, her leaving.
	if out := bob.must("listen", "--count", "7", "--wait", "30s"); !strings.Contains(out, "carol: count me in") ||
		!strings.Contains(out, "leave carol") {
		t.Fatalf("bob listen in the room: %q", out)
	}
	found := jsonOf[map[string][]messageOut](t, bob.must("search", "count me", "--in", "messages", "--json"))
	if len(found["messages"]) != 1 || found["messages"][0].From != "carol" {
		t.Fatalf("search: %+v", found)
	}
	all := jsonOf[map[string]any](t, bob.must("search", "lunch", "--json"))
	if rooms, _ := all["rooms"].([]any); len(rooms) != 1 || rooms[0].(map[string]any)["id"] != "lunch-club" {
		t.Fatalf("search lunch: %v", all)
	}
	if out := bob.must("search", "car", "--in", "contacts"); !strings.Contains(out, "carol") {
		t.Fatalf("search car: %q", out)
	}
	if out := bob.must("friends"); !strings.Contains(out, "alice") || !strings.Contains(out, "friend") {
		t.Fatalf("bob friends: %q", out)
	}

	// Sessions and logout.
	// One-shot commands leave no session behind: only the registration.
	if out := alice.must("sessions"); strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "(this profile)") {
		t.Fatalf("sessions: %q", out)
	}
	alice.must("logout")
	alice.fails(1, "no profile", "whoami")
}

// TestUnreachableAndUnknownCertificate checks the messages of the two
// ways of not reaching a server.
func TestUnreachableAndUnknownCertificate(t *testing.T) {
	s := startServer(t)
	u := newUser(t, "dave")
	u.fails(1, "not signed by a CA", "register", "dave", "--server", s.url("tls"))
	u.fails(1, "cannot reach the server", "register", "dave", "--server", "tls://127.0.0.1:1", "--ca", s.caPath(), "--timeout", "5s")
	r := u.run("register", "dave", "--server", s.url("tls"), "--tofu")
	if r.code != 0 || !strings.Contains(r.stderr, "SHA-256 fingerprint") {
		t.Fatalf("register --tofu: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	u.must("whoami")
}

// TestProfiles keeps two users in one configuration directory.
func TestProfiles(t *testing.T) {
	s := startServer(t)
	u := newUser(t, "erin")
	u.must("register", "erin", "--server", s.url("ws"))
	u.must("register", "frank", "--server", s.url("tls"), "--ca", s.caPath())
	u.must("friend", "add", "erin") // frank is the default: the last registered
	u.must("friend", "accept", "frank", "--as", "erin")
	u.must("send", "frank", "hi frank", "--as", "erin")
	if out := u.must("history", "erin"); !strings.Contains(out, "erin: hi frank") {
		t.Fatalf("frank's history: %q", out)
	}
	if out := u.must("profiles"); !strings.Contains(out, "* frank") || !strings.Contains(out, "  erin") {
		t.Fatalf("profiles: %q", out)
	}
	u.fails(1, `no profile "nobody"`, "whoami", "--as", "nobody")
}

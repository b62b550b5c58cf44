package main

import (
	"errors"
	"strings"
	"testing"
)

func TestFlags(t *testing.T) {
	fs := newFlags()
	as, limit, js := fs.str("as", ""), fs.str("limit", "20"), fs.boolean("json")
	if err := fs.parse([]string{"bob", "--as", "alice", "hello", "--json", "--limit=5", "--", "--as"}); err != nil {
		t.Fatal(err)
	}
	if *as != "alice" || *limit != "5" || !*js || strings.Join(fs.args, " ") != "bob hello --as" {
		t.Fatalf("as %q limit %q json %v args %q", *as, *limit, *js, fs.args)
	}
	for _, bad := range [][]string{{"--nope"}, {"--as"}, {"--json=maybe"}} {
		fs := newFlags()
		fs.str("as", "")
		fs.boolean("json")
		var ue *usageError
		if err := fs.parse(bad); !errors.As(err, &ue) {
			t.Errorf("parse(%q) = %v, want a usage error", bad, err)
		}
	}
}

func TestRunUsage(t *testing.T) {
	var out, errb strings.Builder
	if code := run(t.Context(), []string{"frobnicate"}, strings.NewReader(""), &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := run(t.Context(), []string{"--config", t.TempDir(), "send"}, strings.NewReader(""), &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "usage: chat send") {
		t.Fatalf("send without target: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := run(t.Context(), []string{"--config", t.TempDir(), "whoami"}, strings.NewReader(""), &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "register first") {
		t.Fatalf("whoami without profile: exit %d, %q", code, errb.String())
	}
	if slug("Lunch Club!") != "lunch-club" || slug("...") != "" {
		t.Fatalf("slug: %q %q", slug("Lunch Club!"), slug("..."))
	}
}

// FuzzFlags checks that the flag parser never panics and keeps every
// argument it does not take as a flag.
func FuzzFlags(f *testing.F) {
	f.Add("send\x00bob\x00--as\x00alice\x00--json\x00--limit=3\x00--\x00-x")
	f.Add("--as")
	f.Fuzz(func(t *testing.T, s string) {
		fs := newFlags()
		fs.str("as", "")
		fs.str("limit", "")
		fs.boolean("json")
		args := strings.Split(s, "\x00")
		if err := fs.parse(args); err == nil && len(fs.args) > len(args) {
			t.Fatalf("%d positional arguments from %d", len(fs.args), len(args))
		}
	})
}

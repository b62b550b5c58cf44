package auth

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/chatim/chat/server/store"
)

func TestHashPassword(t *testing.T) {
	h, err := HashPassword([]byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(h, []byte("$argon2id$v=19$m=19456,t=2,p=1$")) {
		t.Fatalf("hash %q is not a PHC argon2id string with the expected parameters", h)
	}
	h2, _ := HashPassword([]byte("correct horse"))
	if bytes.Equal(h, h2) {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct hors": false, "": false, "Correct horse": false} {
		ok, err := CheckPassword(h, []byte(pw))
		if err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	if _, err := HashPassword(nil); !errors.Is(err, ErrBadPassword) {
		t.Errorf("HashPassword(empty) error = %v, want ErrBadPassword", err)
	}
	if _, err := HashPassword(make([]byte, MaxPasswordLen+1)); !errors.Is(err, ErrBadPassword) {
		t.Errorf("HashPassword(too long) error = %v, want ErrBadPassword", err)
	}
}

func TestCheckPasswordBadHash(t *testing.T) {
	for name, h := range map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":        "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
		"version":        "$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
		"huge memory":    "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
		"huge time":      "$argon2id$v=19$m=19456,t=1000,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
		"zero threads":   "$argon2id$v=19$m=19456,t=2,p=0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
		"param order":    "$argon2id$v=19$t=2,m=19456,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
		"short salt":     "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
		"bad base64":     "$argon2id$v=19$m=19456,t=2,p=1$!!!!!!!!!!!!$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
		"short hash":     "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
		"extra field":    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo$x",
		"negative param": "$argon2id$v=19$m=-1,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
	} {
		if _, err := CheckPassword([]byte(h), []byte("pw")); !errors.Is(err, ErrBadHash) {
			t.Errorf("%s: CheckPassword error = %v, want ErrBadHash", name, err)
		}
	}
}

func TestSetPassword(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := SetPassword(st, "alice", []byte("s3cret")); err != nil {
		t.Fatal(err)
	}
	h, err := st.Get([]byte("user/alice/password"))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := CheckPassword(h, []byte("s3cret")); !ok || err != nil {
		t.Fatalf("stored hash does not verify: %v, %v", ok, err)
	}
	if err := SetPassword(st, "anon", []byte("x")); err == nil {
		t.Error("SetPassword accepted the reserved nickname anon")
	}
	if err := SetPassword(st, "al/ice", []byte("x")); err == nil {
		t.Error("SetPassword accepted an invalid nickname")
	}
}

func FuzzParseHash(f *testing.F) {
	h, _ := HashPassword([]byte("seed"))
	f.Add(string(h))
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseHash(s)
		if err != nil {
			if !errors.Is(err, ErrBadHash) {
				t.Fatalf("error %v does not wrap ErrBadHash", err)
			}
			return
		}
		if p.time < 1 || p.time > maxArgonTime || p.memory > maxArgonMemory || p.threads < 1 || p.threads > maxArgonThreads ||
			len(p.salt) < 8 || len(p.key) < 16 {
			t.Fatalf("parseHash(%q) accepted out-of-range parameters %+v", s, p)
		}
	})
}

func BenchmarkCheckPassword(b *testing.B) {
	h, _ := HashPassword([]byte("pw"))
	for b.Loop() {
		_, _ = CheckPassword(h, []byte("pw"))
	}
}

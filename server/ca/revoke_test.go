package ca

import (
	"errors"
	"math/big"
	"testing"
	"time"
)

func TestRevoke(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	at := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	c, err := LoadOrCreate(dir, Options{Records: st, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	alice := issueClient(t, c, "alice", IssueOptions{}).Leaf
	bob := issueClient(t, c, "bob", IssueOptions{}).Leaf

	if err := c.Revoke(big.NewInt(12345)); !errors.Is(err, ErrUnknownSerial) {
		t.Fatalf("Revoke(unknown) = %v, want ErrUnknownSerial", err)
	}
	if err := c.Revoke(big.NewInt(0)); !errors.Is(err, ErrBadSerial) {
		t.Fatalf("Revoke(0) = %v, want ErrBadSerial", err)
	}
	if c.IsRevoked(alice.SerialNumber) {
		t.Fatal("revoked before Revoke")
	}
	if err := c.Revoke(alice.SerialNumber); err != nil {
		t.Fatal(err)
	}
	if !c.IsRevoked(alice.SerialNumber) || c.IsRevoked(bob.SerialNumber) {
		t.Fatal("IsRevoked wrong after Revoke")
	}

	// The record: 8-byte big-endian Unix nanoseconds.
	v, err := st.Get([]byte("ca/revoked/" + alice.SerialNumber.Text(16)))
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 8 || int64(big.NewInt(0).SetBytes(v).Uint64()) != at.UnixNano() {
		t.Fatalf("revocation record %x, want %016x", v, at.UnixNano())
	}

	// Revoking again keeps the first time.
	later := at.Add(time.Hour)
	c.now = func() time.Time { return later }
	if err := c.Revoke(alice.SerialNumber); err != nil {
		t.Fatal(err)
	}

	recs, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("List has %d records", len(recs))
	}
	for _, r := range recs {
		switch r.Serial.Cmp(alice.SerialNumber) {
		case 0:
			if !r.Revoked || !r.RevokedAt.Equal(at) || r.CN != "alice" {
				t.Errorf("alice record %+v", r)
			}
		default:
			if r.Revoked || r.CN != "bob" || !r.NotAfter.Equal(bob.NotAfter) || !r.NotBefore.Equal(bob.NotBefore) {
				t.Errorf("bob record %+v", r)
			}
		}
	}

	// Another CA instance on the same store sees the revocation after Refresh.
	other, err := LoadOrCreate(dir, Options{Records: st})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Revoke(bob.SerialNumber); err != nil {
		t.Fatal(err)
	}
	if c.IsRevoked(bob.SerialNumber) {
		t.Fatal("revocation by another instance visible before Refresh")
	}
	if err := c.Refresh(); err != nil {
		t.Fatal(err)
	}
	if !c.IsRevoked(bob.SerialNumber) || !c.IsRevoked(alice.SerialNumber) {
		t.Fatal("Refresh lost a revocation")
	}
}

func TestRevokedSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	c, err := LoadOrCreate(dir, Options{Records: st})
	if err != nil {
		t.Fatal(err)
	}
	alice := issueClient(t, c, "alice", IssueOptions{}).Leaf
	if err := c.Revoke(alice.SerialNumber); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st2 := openStore(t, dir)
	c2, err := LoadOrCreate(dir, Options{Records: st2})
	if err != nil {
		t.Fatal(err)
	}
	if !c2.IsRevoked(alice.SerialNumber) {
		t.Fatal("revocation lost across reopen")
	}
}

func TestRevokeConcurrentReads(t *testing.T) {
	c, _, _ := newCA(t)
	var serials []*big.Int
	for _, cn := range []string{"a", "b", "c", "d"} {
		serials = append(serials, issueClient(t, c, cn, IssueOptions{}).Leaf.SerialNumber)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, s := range serials {
			if err := c.Revoke(s); err != nil {
				t.Error(err)
			}
		}
	}()
	for {
		select {
		case <-done:
			for _, s := range serials {
				if !c.IsRevoked(s) {
					t.Errorf("%s not revoked", FormatSerial(s))
				}
			}
			return
		default:
			for _, s := range serials {
				c.IsRevoked(s)
			}
		}
	}
}

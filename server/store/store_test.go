package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
)

// backends runs f against a store on the real disk and one on vfs.NewMem.
func backends(t *testing.T, f func(t *testing.T, open func() *Store)) {
	t.Run("disk", func(t *testing.T) {
		dir := t.TempDir()
		f(t, func() *Store { return mustOpen(t, dir, nil) })
	})
	t.Run("mem", func(t *testing.T) {
		fs := vfs.NewMem()
		f(t, func() *Store { return mustOpen(t, "db", &Options{FS: fs}) })
	})
}

func mustOpen(t testing.TB, dir string, opts *Options) *Store {
	t.Helper()
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestGetSetDelete(t *testing.T) {
	backends(t, func(t *testing.T, open func() *Store) {
		s := open()
		if _, err := s.Get([]byte("user/alice")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get missing: err = %v, want ErrNotFound", err)
		}
		if err := s.Set([]byte("user/alice"), []byte("v1")); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get([]byte("user/alice"))
		if err != nil || string(got) != "v1" {
			t.Fatalf("Get = %q, %v; want v1", got, err)
		}
		if err := s.Set([]byte("user/alice"), []byte("v2")); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get([]byte("user/alice")); string(got) != "v2" {
			t.Fatalf("Get after overwrite = %q, want v2", got)
		}
		if err := s.Delete([]byte("user/alice")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get([]byte("user/alice")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get deleted: err = %v, want ErrNotFound", err)
		}
		if err := s.Delete([]byte("user/nobody")); err != nil {
			t.Fatalf("Delete missing key: %v", err)
		}
		if err := s.Set([]byte("user/empty"), nil); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get([]byte("user/empty")); err != nil || len(got) != 0 {
			t.Fatalf("Get empty value = %q, %v", got, err)
		}
	})
}

func TestGetReturnsCopy(t *testing.T) {
	s := mustOpen(t, t.TempDir(), nil)
	if err := s.Set([]byte("k"), []byte("original")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	copy(got, "XXXXXXXX")
	// Churn the memtable so a value aliasing Pebble's memory would change.
	for i := range 1000 {
		if err := s.db.Set(fmt.Appendf(nil, "churn/%04d", i), bytes.Repeat([]byte{'z'}, 100), pebble.NoSync); err != nil {
			t.Fatal(err)
		}
	}
	again, err := s.Get([]byte("k"))
	if err != nil || string(again) != "original" {
		t.Fatalf("stored value changed through returned slice: %q, %v", again, err)
	}
	if string(got) != "XXXXXXXX" {
		t.Fatalf("returned slice was modified by later writes: %q", got)
	}
}

func TestPersistsAcrossReopen(t *testing.T) {
	backends(t, func(t *testing.T, open func() *Store) {
		s := open()
		if err := s.Set([]byte("room/1"), []byte("general")); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = open()
		if got, err := s.Get([]byte("room/1")); err != nil || string(got) != "general" {
			t.Fatalf("after reopen Get = %q, %v", got, err)
		}
		if got := s.DB().FormatMajorVersion(); got != FormatMajorVersion {
			t.Fatalf("format major version = %v, want %v", got, FormatMajorVersion)
		}
	})
}

func TestFormatMajorVersionIsNewest(t *testing.T) {
	if FormatMajorVersion != pebble.FormatNewest {
		t.Fatalf("FormatMajorVersion = %v, Pebble's newest is %v: review and update the pin", FormatMajorVersion, pebble.FormatNewest)
	}
}

func TestBatchAtomic(t *testing.T) {
	backends(t, func(t *testing.T, open func() *Store) {
		s := open()
		if err := s.Set([]byte("dev/old"), []byte("x")); err != nil {
			t.Fatal(err)
		}
		b := s.NewBatch()
		for i := range 10 {
			if err := b.Set(fmt.Appendf(nil, "dev/%02d", i), []byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Delete([]byte("dev/old")); err != nil {
			t.Fatal(err)
		}
		if b.Len() != 11 {
			t.Fatalf("Len = %d, want 11", b.Len())
		}
		// Nothing is visible before Commit.
		if _, err := s.Get([]byte("dev/00")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("uncommitted write visible: %v", err)
		}
		if err := b.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(); !errors.Is(err, ErrBatchDone) {
			t.Fatalf("second Commit: %v, want ErrBatchDone", err)
		}
		if err := b.Set([]byte("dev/late"), nil); !errors.Is(err, ErrBatchDone) {
			t.Fatalf("Set after Commit: %v, want ErrBatchDone", err)
		}
		var keys []string
		if err := s.Scan([]byte("dev/"), func(k, v []byte) error {
			keys = append(keys, string(k))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(keys) != 10 || keys[0] != "dev/00" || keys[9] != "dev/09" {
			t.Fatalf("keys after commit = %q", keys)
		}

		d := s.NewBatch()
		if err := d.Set([]byte("dev/discarded"), nil); err != nil {
			t.Fatal(err)
		}
		d.Discard()
		if _, err := s.Get([]byte("dev/discarded")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("discarded batch applied: %v", err)
		}
	})
}

func TestScan(t *testing.T) {
	s := mustOpen(t, t.TempDir(), nil)
	keys := []string{"feed/a/1", "feed/a/2", "feed/a/3", "feed/b/1", "feed/a", "fee", "feed/a\xff", "inbox/x"}
	for _, k := range keys {
		if err := s.Set([]byte(k), []byte("v:"+k)); err != nil {
			t.Fatal(err)
		}
	}
	collect := func(prefix string, reverse bool) []string {
		t.Helper()
		var got []string
		fn := func(k, v []byte) error {
			if string(v) != "v:"+string(k) {
				t.Fatalf("value of %q = %q", k, v)
			}
			got = append(got, string(k))
			return nil
		}
		var err error
		if reverse {
			err = s.ScanReverse([]byte(prefix), fn)
		} else {
			err = s.Scan([]byte(prefix), fn)
		}
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := []string{"feed/a/1", "feed/a/2", "feed/a/3"}
	if got := collect("feed/a/", false); !slices.Equal(got, want) {
		t.Fatalf("Scan feed/a/ = %q, want %q", got, want)
	}
	slices.Reverse(want)
	if got := collect("feed/a/", true); !slices.Equal(got, want) {
		t.Fatalf("ScanReverse feed/a/ = %q, want %q", got, want)
	}
	if got := collect("feed/a", false); !slices.Equal(got, []string{"feed/a", "feed/a/1", "feed/a/2", "feed/a/3", "feed/a\xff"}) {
		t.Fatalf("Scan feed/a = %q", got)
	}
	if got := collect("", false); len(got) != len(keys) {
		t.Fatalf("Scan of everything found %d keys, want %d", len(got), len(keys))
	}
	if got := collect("zzz", false); len(got) != 0 {
		t.Fatalf("Scan of absent prefix = %q", got)
	}

	// ErrStop ends early without error; other errors come back unchanged.
	n := 0
	if err := s.Scan([]byte("feed/"), func(k, v []byte) error { n++; return ErrStop }); err != nil || n != 1 {
		t.Fatalf("ErrStop: n=%d err=%v", n, err)
	}
	boom := errors.New("boom")
	if err := s.ScanReverse([]byte("feed/"), func(k, v []byte) error { return boom }); err != boom {
		t.Fatalf("callback error = %v, want boom", err)
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, tc := range []struct{ in, want []byte }{
		{[]byte("a"), []byte("b")},
		{[]byte("a\xff"), []byte("b")},
		{[]byte("a\xff\xff"), []byte("b")},
		{[]byte("\xff\xff"), nil},
		{[]byte("feed/"), []byte("feed0")},
	} {
		if got := PrefixEnd(tc.in); !bytes.Equal(got, tc.want) {
			t.Errorf("PrefixEnd(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestClosed(t *testing.T) {
	s, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b := s.NewBatch()
	if err := b.Set([]byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"Get":    func() error { _, err := s.Get([]byte("k")); return err }(),
		"Set":    s.Set([]byte("k"), nil),
		"Delete": s.Delete([]byte("k")),
		"Scan":   s.Scan(nil, func(k, v []byte) error { return nil }),
		"Commit": b.Commit(),
		"Close":  s.Close(),
		"Seq":    func() error { _, err := s.NextSeq([]byte("f")); return err }(),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s on closed store: %v, want ErrClosed", name, err)
		}
	}
}

// TestBatchCommitNoSync checks that an unsynced commit is applied at once,
// atomically, and kept by a clean close.
func TestBatchCommitNoSync(t *testing.T) {
	backends(t, func(t *testing.T, open func() *Store) {
		s := open()
		if err := s.Set([]byte("inbox/1"), []byte("x")); err != nil {
			t.Fatal(err)
		}
		b := s.NewBatch()
		if err := b.Delete([]byte("inbox/1")); err != nil {
			t.Fatal(err)
		}
		if err := b.Set([]byte("inbox/2"), []byte("y")); err != nil {
			t.Fatal(err)
		}
		if err := b.CommitNoSync(); err != nil {
			t.Fatal(err)
		}
		if err := b.CommitNoSync(); !errors.Is(err, ErrBatchDone) {
			t.Fatalf("second CommitNoSync: %v, want ErrBatchDone", err)
		}
		check := func(when string) {
			if _, err := s.Get([]byte("inbox/1")); !errors.Is(err, ErrNotFound) {
				t.Fatalf("%s: deleted key: %v, want ErrNotFound", when, err)
			}
			if v, err := s.Get([]byte("inbox/2")); err != nil || string(v) != "y" {
				t.Fatalf("%s: Get = %q, %v", when, v, err)
			}
		}
		check("after commit")
		late := s.NewBatch()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := late.CommitNoSync(); !errors.Is(err, ErrClosed) {
			t.Fatalf("CommitNoSync on a closed store: %v, want ErrClosed", err)
		}
		s = open()
		check("after reopen")
	})
}

// TestBatchSingleDelete checks that a single deletion hides its key and
// that a Set and its single deletion leave nothing behind once flushed,
// where a Delete leaves a tombstone in a table of its own.
func TestBatchSingleDelete(t *testing.T) {
	backends(t, func(t *testing.T, open func() *Store) {
		s := open()
		setThenDelete := func(key string, del func(*Batch, []byte) error) {
			if err := s.Set([]byte(key), []byte("entry")); err != nil {
				t.Fatal(err)
			}
			b := s.NewBatch()
			if err := del(b, []byte(key)); err != nil {
				t.Fatal(err)
			}
			if err := b.Commit(); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get([]byte(key)); !errors.Is(err, ErrNotFound) {
				t.Fatalf("%s after deletion: %v, want ErrNotFound", key, err)
			}
			if err := s.DB().Flush(); err != nil {
				t.Fatal(err)
			}
		}
		setThenDelete("inbox/a/q/1", (*Batch).SingleDelete)
		if n := s.DB().Metrics().Levels[0].NumFiles; n != 0 {
			t.Fatalf("a Set and its single deletion flushed into %d tables, want 0", n)
		}
		setThenDelete("inbox/a/q/2", (*Batch).Delete)
		if n := s.DB().Metrics().Levels[0].NumFiles; n != 1 {
			t.Fatalf("a Set and its deletion flushed into %d tables, want 1 (the tombstone)", n)
		}
		// A key set again after its single deletion is there.
		if err := s.Set([]byte("inbox/a/q/1"), []byte("again")); err != nil {
			t.Fatal(err)
		}
		if v, err := s.Get([]byte("inbox/a/q/1")); err != nil || string(v) != "again" {
			t.Fatalf("set after single deletion: %q, %v", v, err)
		}
		b := s.NewBatch()
		b.Discard()
		if err := b.SingleDelete([]byte("x")); !errors.Is(err, ErrBatchDone) {
			t.Fatalf("SingleDelete on a discarded batch: %v, want ErrBatchDone", err)
		}
	})
}

package store

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/vfs"
)

func TestNextSeqConcurrentUnique(t *testing.T) {
	s := mustOpen(t, t.TempDir(), nil)
	const workers, each = 8, 100
	var (
		mu  sync.Mutex
		got []uint64
		wg  sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			var mine []uint64
			for range each {
				n, err := s.NextSeq([]byte("room/1"))
				if err != nil {
					t.Error(err)
					return
				}
				if len(mine) > 0 && n <= mine[len(mine)-1] {
					t.Errorf("sequence went backwards for one caller: %d after %d", n, mine[len(mine)-1])
				}
				mine = append(mine, n)
			}
			mu.Lock()
			got = append(got, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(got)
	for i, n := range got {
		if n != uint64(i+1) {
			t.Fatalf("sorted sequence[%d] = %d, want %d (duplicate or gap)", i, n, i+1)
		}
	}
	// Another feed is independent.
	if n, err := s.NextSeq([]byte("room/2")); err != nil || n != 1 {
		t.Fatalf("first seq of another feed = %d, %v; want 1", n, err)
	}
}

func TestNextSeqSurvivesReopen(t *testing.T) {
	fs := vfs.NewMem()
	s := mustOpen(t, "db", &Options{FS: fs})
	for want := uint64(1); want <= 5; want++ {
		if n, err := s.NextSeq([]byte("f")); err != nil || n != want {
			t.Fatalf("NextSeq = %d, %v; want %d", n, err, want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, "db", &Options{FS: fs})
	if n, err := s.NextSeq([]byte("f")); err != nil || n != 6 {
		t.Fatalf("NextSeq after reopen = %d, %v; want 6", n, err)
	}
}

func TestBatchNextSeqOutOfOrderCommit(t *testing.T) {
	fs := vfs.NewMem()
	s := mustOpen(t, "db", &Options{FS: fs})
	feed := []byte("inbox/bob")

	a, b := s.NewBatch(), s.NewBatch()
	na, err := a.NextSeq(feed)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := b.NextSeq(feed)
	if err != nil {
		t.Fatal(err)
	}
	if na != 1 || nb != 2 {
		t.Fatalf("drawn %d, %d; want 1, 2", na, nb)
	}
	// The later number commits first; the earlier commit must not lower the
	// persisted high-water mark.
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	// A discarded draw is skipped, not reused.
	c := s.NewBatch()
	if nc, err := c.NextSeq(feed); err != nil || nc != 3 {
		t.Fatalf("third draw = %d, %v", nc, err)
	}
	c.Discard()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpen(t, "db", &Options{FS: fs})
	v, err := s.Get(SeqKey(feed))
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 8 || v[7] != 2 {
		t.Fatalf("persisted high-water mark = %x, want 2", v)
	}
	if n, err := s.NextSeq(feed); err != nil || n != 3 {
		t.Fatalf("NextSeq after reopen = %d, %v; want 3", n, err)
	}
}

func TestNextSeqCorruptValue(t *testing.T) {
	s := mustOpen(t, t.TempDir(), nil)
	if err := s.Set(SeqKey([]byte("bad")), []byte("xyz")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NextSeq([]byte("bad")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("NextSeq over a corrupt value: %v, want ErrCorrupt", err)
	}
}

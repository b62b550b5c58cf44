package store

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLevelZeroCompaction checks the level-0 threshold: overlapping
// flushes stay in level 0 until half of l0CompactionThreshold sublevels
// exist (Pebble's default would compact after the second), and then one
// compaction moves them down.
func TestLevelZeroCompaction(t *testing.T) {
	backends(t, func(t *testing.T, open func() *Store) {
		s := open()
		flush := func(round int) {
			t.Helper()
			b := s.NewBatch()
			for k := range 100 {
				if err := b.Set([]byte(fmt.Sprintf("feed/p2p/a/b/%03d", k)), []byte(fmt.Sprint(round))); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := s.DB().Flush(); err != nil {
				t.Fatal(err)
			}
		}
		trigger := l0CompactionThreshold / 2
		for round := 1; round < trigger; round++ {
			flush(round)
		}
		m := s.DB().Metrics()
		if n := m.Compact.Count + m.Compact.NumInProgress; n != 0 {
			t.Fatalf("%d compactions after %d overlapping flushes, want 0", n, trigger-1)
		}
		if n := m.Levels[0].Sublevels; n != int32(trigger-1) {
			t.Fatalf("level 0 has %d sublevels after %d overlapping flushes", n, trigger-1)
		}
		flush(trigger)
		deadline := time.Now().Add(30 * time.Second)
		for s.DB().Metrics().Levels[0].NumFiles != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("level 0 still holds %d tables 30 s after the flush that reached the threshold", s.DB().Metrics().Levels[0].NumFiles)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if v, err := s.Get([]byte("feed/p2p/a/b/042")); err != nil || string(v) != fmt.Sprint(trigger) {
			t.Fatalf("after the compaction: %q, %v; want the last round's value", v, err)
		}
	})
}

// TestEventsLogged: with a debug-level logger, the store logs Pebble's
// flushes and compactions.
func TestEventsLogged(t *testing.T) {
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := mustOpen(t, t.TempDir(), &Options{Logger: log})
	if err := s.Set([]byte("feed/p2p/a/b/1"), []byte("m")); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Compact([]byte("feed/"), []byte("feed0"), true); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"flushed 1 memtable", "compacted("} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for Pebble's background goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

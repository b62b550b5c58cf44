package store

import (
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"
)

// fakeClock is a clock that sleeping advances.
type fakeClock struct {
	t     time.Time
	slept time.Duration
}

func (c *fakeClock) now() time.Time { return c.t }
func (c *fakeClock) sleep(d time.Duration) {
	c.t = c.t.Add(d)
	c.slept += d
}

func TestWriteLimiter(t *testing.T) {
	c := &fakeClock{t: time.Unix(1000, 0)}
	l := newWriteLimiter(1<<20, 1<<20) // 1 MiB/s, burst 1 MiB
	l.now, l.sleep = c.now, c.sleep
	for range 16 {
		l.wait(64 << 10) // the first MiB passes at once
	}
	if c.slept != 0 {
		t.Fatalf("slept %v within the burst", c.slept)
	}
	for range 16 * 9 {
		l.wait(64 << 10)
	}
	// 10 MiB at 1 MiB/s with 1 MiB of burst: 9 s, less the last
	// millisecond that is left unslept.
	if c.slept < 9*time.Second-2*time.Millisecond || c.slept > 9*time.Second {
		t.Fatalf("slept %v for 10 MiB at 1 MiB/s after a 1 MiB burst, want 9 s", c.slept)
	}
	// After an idle minute, only the burst passes at once again.
	c.t = c.t.Add(time.Minute)
	before := c.slept
	for range 32 {
		l.wait(64 << 10)
	}
	if d := c.slept - before; d < 990*time.Millisecond || d > time.Second {
		t.Fatalf("slept %v for 2 MiB after an idle minute, want 1 s", d)
	}
}

func TestThrottledFSOnlyTables(t *testing.T) {
	fs := throttledFS{FS: vfs.NewMem(), lim: newWriteLimiter(1<<20, 1<<20)}
	for name, want := range map[string]bool{"000005.sst": true, "000004.log": false, "MANIFEST-000001": false} {
		f, err := fs.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, got := f.(throttledFile); got != want {
			t.Errorf("Create(%q) throttled: %v, want %v", name, got, want)
		}
		if _, err := f.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
	}
}

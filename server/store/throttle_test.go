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

// TestThrottledFSOnlyTables: writes to table files, by Write and by
// WriteAt, are paced; the write-ahead log and the manifest are not.
func TestThrottledFSOnlyTables(t *testing.T) {
	for name, throttled := range map[string]bool{"000005.sst": true, "000004.log": false, "MANIFEST-000001": false} {
		c := &fakeClock{t: time.Unix(1000, 0)}
		lim := newWriteLimiter(1<<20, 1<<20) // 1 MiB/s, burst 1 MiB
		lim.now, lim.sleep = c.now, c.sleep
		fs := throttledFS{FS: vfs.NewMem(), lim: lim}
		f, err := fs.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		chunk := make([]byte, 256<<10)
		for i := range 8 { // 2 MiB: 1 MiB over the burst
			if i%2 == 0 {
				_, err = f.Write(chunk)
			} else {
				_, err = f.WriteAt(chunk, int64(i*len(chunk)))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		_ = f.Close()
		if want := time.Duration(0); !throttled && c.slept != want {
			t.Errorf("%s: slept %v writing 2 MiB, want no pacing", name, c.slept)
		}
		if throttled && (c.slept < 990*time.Millisecond || c.slept > time.Second) {
			t.Errorf("%s: slept %v writing 2 MiB at 1 MiB/s after a 1 MiB burst, want 1 s", name, c.slept)
		}
	}
}

package store

import (
	"strings"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/vfs"
)

// throttledFS writes new table files (the output of flushes and
// compactions, *.sst) no faster than a rate, so that a compaction spreads
// its CPU over time instead of taking a whole core in bursts that delay
// every request served meanwhile. The write-ahead log and the manifest
// are never throttled.
type throttledFS struct {
	vfs.FS
	lim *writeLimiter
}

// Create creates name, throttling its writes if it is a table.
func (fs throttledFS) Create(name string) (vfs.File, error) {
	f, err := fs.FS.Create(name)
	if err != nil || !strings.HasSuffix(name, ".sst") {
		return f, err
	}
	return throttledFile{File: f, lim: fs.lim}, nil
}

type throttledFile struct {
	vfs.File
	lim *writeLimiter
}

func (f throttledFile) Write(p []byte) (int, error) {
	f.lim.wait(len(p))
	return f.File.Write(p)
}

func (f throttledFile) WriteAt(p []byte, off int64) (int, error) {
	f.lim.wait(len(p))
	return f.File.WriteAt(p, off)
}

// writeLimiter paces writes to rate bytes a second, letting a burst of
// up to burst bytes through at once: a flush's table of a few hundred KiB
// is not slowed.
type writeLimiter struct {
	rate  float64 // bytes per second
	burst time.Duration

	mu    sync.Mutex
	next  time.Time // when the bytes admitted so far are paid for
	now   func() time.Time
	sleep func(time.Duration)
}

func newWriteLimiter(rate, burst int64) *writeLimiter {
	return &writeLimiter{
		rate: float64(rate), burst: time.Duration(float64(burst) / float64(rate) * float64(time.Second)),
		now: time.Now, sleep: time.Sleep,
	}
}

// wait admits n bytes, sleeping while the bytes before them exceed the
// rate by more than the burst.
func (l *writeLimiter) wait(n int) {
	l.mu.Lock()
	now := l.now()
	if l.next.Before(now) {
		l.next = now
	}
	l.next = l.next.Add(time.Duration(float64(n) / l.rate * float64(time.Second)))
	d := l.next.Sub(now) - l.burst
	l.mu.Unlock()
	if d > time.Millisecond {
		l.sleep(d)
	}
}

package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
)

// FormatMajorVersion is the on-disk format the store creates and ratchets
// to: the newest format of Pebble v1.1 (pebble.FormatNewest at the time of
// writing, pinned by name so that a Pebble upgrade cannot change it silently).
const FormatMajorVersion = pebble.FormatVirtualSSTables

// Options configures Open. The zero value (or a nil *Options) is valid.
type Options struct {
	// FS is the file system the store lives on. Nil means the operating
	// system's (vfs.Default); tests may pass vfs.NewMem().
	FS vfs.FS

	// Logger receives Pebble's informational messages and, at debug
	// level, its flushes and compactions with their sizes and durations.
	// Nil means slog.Default().
	Logger *slog.Logger

	// CacheSize is the block cache size in bytes. Zero means 64 MiB.
	CacheSize int64

	// TableWriteRate bounds, in bytes per second, how fast new table
	// files (the output of flushes and compactions) are written, allowing
	// a burst of 1 MiB; Pebble v1 has no such limit of its own. Zero means
	// DefaultTableWriteRate; a negative value does not bound it. The
	// write-ahead log is never slowed.
	TableWriteRate int64

	// SyncInterval is the shortest time between two syncs of the
	// write-ahead log. A synced write that arrives sooner waits for the
	// interval to pass and then shares one sync with every write that
	// came in meanwhile: it is still on disk before its commit returns,
	// but concurrent writers pay for fewer fsyncs. Zero means
	// DefaultSyncInterval; a negative value syncs at once.
	SyncInterval time.Duration
}

// DefaultSyncInterval is the default Options.SyncInterval. Measured on
// the chat path (BENCHMARKS.md): at 1,480 messages/s it cut the server's
// CPU per message by about a quarter, for about 1 ms more median latency.
const DefaultSyncInterval = time.Millisecond

// DefaultTableWriteRate is the default Options.TableWriteRate: 16 MiB/s.
// Unbounded, a compaction writes about 45 MB/s on the benchmark machine
// and takes a whole core while it runs; at 16 MiB/s it takes about a
// third of one, for three times as long, and the chat path's paced p99
// halved (BENCHMARKS.md, "Compaction output paced"). Keeping up with
// 4,000 messages/s needs a few MB/s.
const DefaultTableWriteRate = 16 << 20

// tableWriteBurst is how much of a table is written before the rate
// applies: a flush of a few hundred KiB is not slowed.
const tableWriteBurst = 1 << 20

// L0 compaction thresholds, in sublevels of level 0 (Pebble's measure of
// its read amplification). Pebble compacts level 0 into the base level
// once half of l0CompactionThreshold sublevels exist; its default, 4,
// means after every second flush. Almost everything a flush writes here
// is new messages spread over every feed's keys, so each such compaction
// rewrites the whole base level (up to 64 MiB) to add a few hundred KiB:
// on a store of 10 MiB, a 0.2–0.45 s burst of one core every 2 s at 4,000
// messages/s, and the messages sent during those bursts made the chat
// path's p99 latency (BENCHMARKS.md, "Compactions and the tail"). 16
// compacts after eight flushes: a quarter of the rewriting, for up to
// eight level-0 tables for a read to consult, whose recent keys mostly
// still sit in the memtable.
const (
	l0CompactionThreshold = 16
	l0StopWritesThreshold = 3 * l0CompactionThreshold
)

// Store is an open Pebble database. Its methods are safe for concurrent use.
type Store struct {
	mu     sync.RWMutex // read-held by every operation, write-held by Close
	closed bool
	db     *pebble.DB
	lock   *pebble.Lock

	seq seqAllocator
}

// Open opens (creating if needed) the store in directory dir. If the
// directory is held by another Store, in this or another process, Open
// fails at once with an error wrapping ErrLocked.
func Open(dir string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	fsys := opts.FS
	if fsys == nil {
		fsys = vfs.Default
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	cacheSize := opts.CacheSize
	if cacheSize == 0 {
		cacheSize = 64 << 20
	}

	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	lock, err := pebble.LockDirectory(dir, fsys)
	if err != nil {
		if isLockHeld(err) {
			return nil, fmt.Errorf("store: open %s: %w (%v)", dir, ErrLocked, err)
		}
		return nil, fmt.Errorf("store: open %s: lock: %w", dir, err)
	}

	syncInterval := opts.SyncInterval
	switch {
	case syncInterval == 0:
		syncInterval = DefaultSyncInterval
	case syncInterval < 0:
		syncInterval = 0
	}

	if rate := opts.TableWriteRate; rate >= 0 {
		if rate == 0 {
			rate = DefaultTableWriteRate
		}
		fsys = throttledFS{FS: fsys, lim: newWriteLimiter(rate, tableWriteBurst)}
	}

	cache := pebble.NewCache(cacheSize)
	defer cache.Unref()
	popts := &pebble.Options{
		FS:                 fsys,
		Lock:               lock,
		Cache:              cache,
		FormatMajorVersion: FormatMajorVersion,
		Merger:             seqMerger,
		Logger:             pebbleLogger{logger},
		EventListener:      eventListener(logger),
		WALMinSyncInterval: func() time.Duration { return syncInterval },

		L0CompactionThreshold: l0CompactionThreshold,
		L0StopWritesThreshold: l0StopWritesThreshold,
	}
	db, err := pebble.Open(dir, popts)
	if err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	if db.FormatMajorVersion() < FormatMajorVersion {
		if err := db.RatchetFormatMajorVersion(FormatMajorVersion); err != nil {
			_ = db.Close()
			_ = lock.Close()
			return nil, fmt.Errorf("store: open %s: ratchet format: %w", dir, err)
		}
	}
	s := &Store{db: db, lock: lock}
	s.seq.init()
	return s, nil
}

// isLockHeld reports whether err from pebble.LockDirectory means that the
// lock is held elsewhere rather than that the lock file cannot be created.
func isLockHeld(err error) bool {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return false // os.Create of the LOCK file failed: a permission or path problem
	}
	// fcntl(F_SETLK) reports a conflicting lock as EAGAIN or EACCES; Pebble
	// reports a lock already held by this process with a plain message.
	return errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) ||
		err.Error() == "lock held by current process"
}

// Close flushes nothing (every write is already synced), closes the
// database and releases the directory lock. Further calls return ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	err := s.db.Close()
	if lerr := s.lock.Close(); err == nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// DB returns the underlying Pebble database, for components that need
// Pebble directly (the MQTT session hook). It is owned by the Store: do not
// close it, and stop using it before Close.
func (s *Store) DB() *pebble.DB { return s.db }

// Get returns a copy of the value stored under key, or an error wrapping
// ErrNotFound.
func (s *Store) Get(key []byte) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, fmt.Errorf("store: get %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get %q: %w", key, err)
	}
	out := make([]byte, len(v)) // v is valid only until closer.Close
	copy(out, v)
	if err := closer.Close(); err != nil {
		return nil, fmt.Errorf("store: get %q: %w", key, err)
	}
	return out, nil
}

// Set stores val under key and syncs it to disk before returning.
func (s *Store) Set(key, val []byte) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.db.Set(key, val, pebble.Sync); err != nil {
		return fmt.Errorf("store: set %q: %w", key, err)
	}
	return nil
}

// Delete removes key (a missing key is not an error) and syncs the deletion
// to disk before returning.
func (s *Store) Delete(key []byte) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.db.Delete(key, pebble.Sync); err != nil {
		return fmt.Errorf("store: delete %q: %w", key, err)
	}
	return nil
}

// pebbleLogger adapts slog to pebble.Logger.
type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) {
	if p.l.Enabled(context.Background(), slog.LevelDebug) {
		p.l.Debug(fmt.Sprintf(format, args...), "component", "pebble")
	}
}

// eventListener logs Pebble's events through l: background errors at
// error level, write stalls and slow disk operations as warnings, and the
// rest (flushes, compactions, WAL and table files) at debug level.
func eventListener(l *slog.Logger) *pebble.EventListener {
	el := pebble.MakeLoggingEventListener(pebbleLogger{l})
	el.BackgroundError = func(err error) {
		l.Error("pebble background error", "component", "pebble", "error", err)
	}
	el.WriteStallBegin = func(info pebble.WriteStallBeginInfo) {
		l.Warn("pebble write stall", "component", "pebble", "reason", info.Reason)
	}
	el.DiskSlow = func(info pebble.DiskSlowInfo) {
		l.Warn("pebble disk operation slow", "component", "pebble", "info", info.String())
	}
	return &el
}

func (p pebbleLogger) Errorf(format string, args ...any) {
	p.l.Error(fmt.Sprintf(format, args...), "component", "pebble")
}

// Fatalf is called by Pebble when the database can no longer guarantee
// consistency, for example when a write to the write-ahead log fails: the
// batch being committed is neither acknowledged nor durable, and Pebble
// cannot continue. Like Pebble's default logger it ends the process (a
// panic could be recovered by an HTTP handler and leave a broken store
// serving requests); the next Open replays the log up to the last complete
// batch.
func (p pebbleLogger) Fatalf(format string, args ...any) {
	p.l.Error(fmt.Sprintf(format, args...), "component", "pebble", "fatal", true)
	os.Exit(1)
}

package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/cockroachdb/pebble"
)

// seqPrefix starts the keys holding feed sequence high-water marks.
const seqPrefix = "seq/"

// SeqKey returns the key holding the sequence high-water mark of feed.
func SeqKey(feed []byte) []byte {
	return append([]byte(seqPrefix), feed...)
}

// seqMerger merges sequence high-water marks by keeping the largest.
// Pebble records the merger name on disk: it must never change.
var seqMerger = &pebble.Merger{
	Name: "chat.seqmax.v1",
	Merge: func(key, value []byte) (pebble.ValueMerger, error) {
		m := &maxMerger{}
		if err := m.MergeNewer(value); err != nil {
			return nil, err
		}
		return m, nil
	},
}

// maxMerger keeps the largest 8-byte big-endian operand.
type maxMerger struct{ max uint64 }

func (m *maxMerger) merge(v []byte) error {
	if len(v) != 8 {
		return fmt.Errorf("%w: sequence value of %d bytes, want 8", ErrCorrupt, len(v))
	}
	if n := binary.BigEndian.Uint64(v); n > m.max {
		m.max = n
	}
	return nil
}

func (m *maxMerger) MergeNewer(v []byte) error { return m.merge(v) }
func (m *maxMerger) MergeOlder(v []byte) error { return m.merge(v) }

func (m *maxMerger) Finish(bool) ([]byte, io.Closer, error) {
	return binary.BigEndian.AppendUint64(nil, m.max), nil, nil
}

// seqAllocator hands out sequence numbers from memory; the high-water marks
// are loaded from the store on first use of a feed.
type seqAllocator struct {
	mu   sync.Mutex
	last map[string]uint64
}

func (a *seqAllocator) init() { a.last = make(map[string]uint64) }

// next returns the number following the last one handed out for feed.
func (a *seqAllocator) next(s *Store, feed []byte) (uint64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	last, ok := a.last[string(feed)]
	if !ok {
		v, err := s.Get(SeqKey(feed))
		switch {
		case errors.Is(err, ErrNotFound):
			last = 0
		case err != nil:
			return 0, err
		case len(v) != 8:
			return 0, fmt.Errorf("store: sequence %q: %w: %d bytes, want 8", feed, ErrCorrupt, len(v))
		default:
			last = binary.BigEndian.Uint64(v)
		}
	}
	if last == ^uint64(0) {
		return 0, fmt.Errorf("store: sequence %q exhausted", feed)
	}
	last++
	a.last[string(feed)] = last
	return last, nil
}

// NextSeq draws the next sequence number of feed and records it in the
// batch, so that the number is persisted atomically with the batch's other
// writes. Numbers are unique and increasing per feed across concurrent
// callers and restarts; a number drawn by a batch that is discarded or fails
// to commit is never handed out again.
func (b *Batch) NextSeq(feed []byte) (uint64, error) {
	if b.done {
		return 0, ErrBatchDone
	}
	n, err := b.s.seq.next(b.s, feed)
	if err != nil {
		return 0, err
	}
	if err := b.b.Merge(SeqKey(feed), binary.BigEndian.AppendUint64(nil, n), nil); err != nil {
		return 0, fmt.Errorf("store: batch sequence %q: %w", feed, err)
	}
	return n, nil
}

// NextSeq draws the next sequence number of feed and syncs it to disk before
// returning it: the number is never handed out again, even after a crash.
func (s *Store) NextSeq(feed []byte) (uint64, error) {
	b := s.NewBatch()
	n, err := b.NextSeq(feed)
	if err != nil {
		b.Discard()
		return 0, err
	}
	if err := b.Commit(); err != nil {
		return 0, err
	}
	return n, nil
}

package store

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble"
)

// ErrBatchDone is returned by the methods of a Batch that has been
// committed or discarded.
var ErrBatchDone = errors.New("store: batch already committed or discarded")

// Batch collects writes that Commit applies atomically: after a crash either
// all of them are present or none. A Batch is not safe for concurrent use.
type Batch struct {
	s    *Store
	b    *pebble.Batch
	done bool
}

// NewBatch returns an empty batch on s.
func (s *Store) NewBatch() *Batch {
	return &Batch{s: s, b: s.db.NewBatch()}
}

// Set adds the write of val under key to the batch. The batch keeps its own
// copy of key and val.
func (b *Batch) Set(key, val []byte) error {
	if b.done {
		return ErrBatchDone
	}
	if err := b.b.Set(key, val, nil); err != nil {
		return fmt.Errorf("store: batch set %q: %w", key, err)
	}
	return nil
}

// Delete adds the deletion of key to the batch.
func (b *Batch) Delete(key []byte) error {
	if b.done {
		return ErrBatchDone
	}
	if err := b.b.Delete(key, nil); err != nil {
		return fmt.Errorf("store: batch delete %q: %w", key, err)
	}
	return nil
}

// SingleDelete adds the deletion of key to the batch, for a key that was
// Set exactly once since it was last deleted (or ever) and never merged:
// an inbox entry, written once and deleted once. Pebble then drops the
// Set and the deletion together when they meet in a flush or compaction,
// where a Delete would leave a tombstone to carry down the levels. On any
// other key its effect is undefined (an older Set may reappear): use
// Delete.
func (b *Batch) SingleDelete(key []byte) error {
	if b.done {
		return ErrBatchDone
	}
	if err := b.b.SingleDelete(key, nil); err != nil {
		return fmt.Errorf("store: batch single delete %q: %w", key, err)
	}
	return nil
}

// Len reports the number of operations in the batch.
func (b *Batch) Len() int {
	if b.done {
		return 0
	}
	return int(b.b.Count())
}

// Commit applies the batch atomically and syncs it to disk before returning.
// The batch cannot be used afterwards, whatever the outcome. On error none
// of the batch's writes is applied.
func (b *Batch) Commit() error {
	return b.commit(pebble.Sync)
}

// CommitNoSync applies the batch atomically without waiting for the disk:
// for writes that nothing acknowledges to a client. A crash may lose the
// batch, all of it or none. The batch cannot be used afterwards.
func (b *Batch) CommitNoSync() error {
	return b.commit(pebble.NoSync)
}

func (b *Batch) commit(opts *pebble.WriteOptions) error {
	if b.done {
		return ErrBatchDone
	}
	b.done = true
	b.s.mu.RLock()
	defer b.s.mu.RUnlock()
	defer b.b.Close()
	if b.s.closed {
		return ErrClosed
	}
	if err := b.b.Commit(opts); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Discard drops the batch without applying it. Sequence numbers drawn with
// NextSeq are not reused. Discarding a committed batch does nothing.
func (b *Batch) Discard() {
	if b.done {
		return
	}
	b.done = true
	_ = b.b.Close()
}

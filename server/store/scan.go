package store

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble"
)

// Scan calls fn for every key starting with prefix, in ascending key order.
// key and val are valid only during the call: copy them to keep them. If fn
// returns ErrStop the scan ends and Scan returns nil; any other error ends
// the scan and is returned unchanged. An empty prefix scans the whole store.
func (s *Store) Scan(prefix []byte, fn func(key, val []byte) error) error {
	return s.scan(prefix, false, fn)
}

// ScanReverse is Scan in descending key order.
func (s *Store) ScanReverse(prefix []byte, fn func(key, val []byte) error) error {
	return s.scan(prefix, true, fn)
}

func (s *Store) scan(prefix []byte, reverse bool, fn func(key, val []byte) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	it, err := s.db.NewIter(PrefixBounds(prefix))
	if err != nil {
		return fmt.Errorf("store: scan %q: %w", prefix, err)
	}
	var ok bool
	if reverse {
		ok = it.Last()
	} else {
		ok = it.First()
	}
	for ; ok; ok = step(it, reverse) {
		if err := fn(it.Key(), it.Value()); err != nil {
			_ = it.Close()
			if errors.Is(err, ErrStop) {
				return nil
			}
			return err
		}
	}
	if err := it.Close(); err != nil { // reports an iteration error, if any
		return fmt.Errorf("store: scan %q: %w", prefix, err)
	}
	return nil
}

func step(it *pebble.Iterator, reverse bool) bool {
	if reverse {
		return it.Prev()
	}
	return it.Next()
}

// PrefixBounds returns iterator options restricted to keys that start with
// prefix.
func PrefixBounds(prefix []byte) *pebble.IterOptions {
	if len(prefix) == 0 {
		return &pebble.IterOptions{}
	}
	return &pebble.IterOptions{
		LowerBound: prefix,
		UpperBound: PrefixEnd(prefix),
	}
}

// PrefixEnd returns the smallest key greater than every key starting with
// prefix, or nil when there is none (prefix is all 0xff bytes).
func PrefixEnd(prefix []byte) []byte {
	end := make([]byte, len(prefix))
	copy(end, prefix)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

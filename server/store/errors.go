package store

import "errors"

var (
	// ErrNotFound is returned by Get when the key does not exist.
	ErrNotFound = errors.New("store: not found")

	// ErrLocked is wrapped by the error of Open when another process (or
	// another Store in this process) holds the directory, for example a
	// running chatd.
	ErrLocked = errors.New("store: database is locked by another process")

	// ErrClosed is returned by every operation on a closed Store.
	ErrClosed = errors.New("store: closed")

	// ErrStop may be returned by a Scan callback to end the scan early;
	// Scan then returns nil.
	ErrStop = errors.New("store: stop scan")

	// ErrCorrupt is wrapped by errors reporting a malformed stored value.
	ErrCorrupt = errors.New("store: corrupt value")
)

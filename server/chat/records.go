package chat

import (
	"errors"
	"fmt"

	"github.com/chatim/chat/server/store"
)

// derValue is a generated type with DER codecs.
type derValue interface {
	AppendDER([]byte) []byte
	UnmarshalDERNoCopy([]byte) error
}

// load reads the DER record under key into v. It reports false when the
// key does not exist.
func (h *Hook) load(key []byte, v derValue) (bool, error) {
	b, err := h.st.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := v.UnmarshalDERNoCopy(b); err != nil { // b is the store's copy
		return false, fmt.Errorf("chat: record %q: %w: %w", key, store.ErrCorrupt, err)
	}
	return true, nil
}

// put adds the DER encoding of v under key to the batch, which copies it.
func put(b *store.Batch, key []byte, v derValue) (err error) {
	encodeWith(v.AppendDER, func(enc []byte) { err = b.Set(key, enc) })
	return err
}

// exists reports whether key exists.
func (h *Hook) exists(key []byte) (bool, error) {
	_, err := h.st.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

package auth

import (
	"errors"

	"github.com/chatim/chat/server/store"
)

// isNotFound reports whether err says the key is absent.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

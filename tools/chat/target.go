package main

import (
	"strings"

	"github.com/chatim/chat/client"
)

// parseTarget parses a conversation: "#room" or a nickname.
func parseTarget(me, s string) (client.Feed, error) {
	if id, ok := strings.CutPrefix(s, "#"); ok {
		if id == "" {
			return client.Feed{}, usagef("empty room name %q", s)
		}
		return client.RoomFeed(id), nil
	}
	if s == "" || s == me {
		return client.Feed{}, usagef("%q is not someone else", s)
	}
	return client.Private(me, s), nil
}

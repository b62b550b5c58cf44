package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/chatim/chat/client"
)

// hints explain a refusal code for one command; "" is any command.
var hints = map[string]map[string]string{
	client.CodeNotAuthorized: {
		"":         "not allowed",
		"send":     "not allowed: you can write only to friends (chat friend add NICK) and to rooms you belong to",
		"history":  "not allowed: you can read only your own conversations and rooms you belong to",
		"friend":   "not allowed: that user has banned you",
		"room":     "not allowed: only the room's admins may do this",
		"register": "not allowed: this connection is already a user's",
	},
	client.CodeNotFound: {
		"":       "not found",
		"friend": "not found: no such user, or no pending request from them",
		"room":   "not found: no such room or member",
		"logout": "not found: the server no longer knows this session",
	},
	client.CodeConflict: {
		"":         "already exists",
		"register": "that nickname is taken",
		"friend":   "you are already friends",
		"room":     "the room or member already exists",
	},
	client.CodeInvalidData: {
		"":         "the server could not accept the request as sent (invalid data)",
		"register": "the server refused the nickname or the certificate request (nicknames are lower-case letters, digits, '_' and '-')",
	},
	client.CodeTooLarge:       {"": "too large for the server"},
	client.CodeNotImplemented: {"": "the server does not serve this request"},
	client.CodeInternal:       {"": "the server failed to do it; try again"},
}

// explain returns the message for a refusal with code in command cmd.
func explain(cmd, code string) string {
	h := hints[code]
	if h == nil {
		return "refused (" + code + ")"
	}
	if m, ok := h[cmd]; ok {
		return m + " (" + code + ")"
	}
	return h[""] + " (" + code + ")"
}

// report prints err for people and returns the exit status.
func report(w io.Writer, cmd string, err error) int {
	var ue *usageError
	var re *client.Error
	var se *client.SubscribeError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(w, "chat: %s\n", ue.msg)
		return 2
	case errors.As(err, &re):
		fmt.Fprintf(w, "chat: %s\n", explain(cmd, re.Code))
	case errors.Is(err, client.ErrUnknownServer):
		fmt.Fprintf(w, "chat: the server's certificate is not signed by a CA this profile trusts.\n"+
			"      Get the server's CA (the file ca.pem in its data directory) and pass --ca FILE,\n"+
			"      or pass --tofu to trust the CA the server presents (check its fingerprint).\n      (%v)\n", err)
	case errors.Is(err, client.ErrRejected):
		fmt.Fprintf(w, "chat: the server refused this profile's credentials (certificate revoked or unknown, or wrong password)\n      (%v)\n", err)
	case errors.Is(err, client.ErrUnreachable):
		fmt.Fprintf(w, "chat: cannot reach the server: %v\n", err)
	case errors.Is(err, errNoProfile):
		fmt.Fprintf(w, "chat: %v\n", err)
	case errors.As(err, &se):
		fmt.Fprintf(w, "chat: the server refused the subscription to %s\n", se.Topic)
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(w, "chat: the server did not answer in time: %v\n", err)
	default:
		fmt.Fprintf(w, "chat: %v\n", err)
	}
	return 1
}

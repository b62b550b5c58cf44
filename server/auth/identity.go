package auth

import (
	"strings"

	"github.com/chatim/chat/server/ca"
)

// AnonymousNickname is the client identifier prefix of anonymous clients.
// It is reserved: no user may take it as a nickname.
const AnonymousNickname = ca.AnonNickname

// MaxDeviceLen is the longest device name in bytes.
const MaxDeviceLen = 64

// Kind says how a connection proved who it is.
type Kind uint8

// The kinds of principal.
const (
	Anonymous   Kind = iota // Anonymous sent no credentials.
	Password                // Password sent a username and a password that matched.
	Certificate             // Certificate presented a client certificate issued by the server CA.
)

// String returns the kind's name as used in logs.
func (k Kind) String() string {
	switch k {
	case Anonymous:
		return "anonymous"
	case Password:
		return "password"
	case Certificate:
		return "certificate"
	}
	return "unknown"
}

// Identity is who a connected client is.
type Identity struct {
	Kind     Kind   // how the client authenticated
	Nickname string // the user's nickname; AnonymousNickname for anonymous clients
	Device   string // the device part of the client identifier
	ClientID string // <Nickname>.<Device>
}

// ValidNickname reports whether s is a well-formed nickname as the CA
// issues them (see ca.CheckNickname): lower-case letters, digits, '_' and
// '-', never the reserved AnonymousNickname. Nicknames appear in topic
// names, so they never hold '.', '/', '+', '#' or control characters.
// It does not allocate when s is valid.
func ValidNickname(s string) bool {
	return ca.CheckNickname(s) == nil
}

// ValidDevice reports whether s is a well-formed device name: 1 to
// MaxDeviceLen bytes of [A-Za-z0-9_-].
func ValidDevice(s string) bool {
	if len(s) == 0 || len(s) > MaxDeviceLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !nameByte(s[i]) {
			return false
		}
	}
	return true
}

func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// SplitClientID splits a client identifier into nickname and device at its
// '.'. It reports false unless the device is valid and the nickname is
// either a valid nickname or AnonymousNickname. It does not allocate.
func SplitClientID(id string) (nickname, device string, ok bool) {
	i := strings.IndexByte(id, '.')
	if i < 0 {
		return "", "", false
	}
	nickname, device = id[:i], id[i+1:]
	if !ValidDevice(device) || nickname != AnonymousNickname && !ValidNickname(nickname) {
		return "", "", false
	}
	return nickname, device, true
}

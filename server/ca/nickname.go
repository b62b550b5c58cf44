package ca

import "fmt"

// MaxNicknameLen is the longest nickname.
const MaxNicknameLen = 32

// AnonNickname is reserved for anonymous clients (client ids "anon.<device>")
// and never issued.
const AnonNickname = "anon"

// CheckNickname reports whether name is a valid nickname: 1 to 32 bytes of
// lower-case ASCII letters, digits, '_' and '-', and not "anon". Errors wrap
// ErrNickname.
func CheckNickname(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrNickname)
	case len(name) > MaxNicknameLen:
		return fmt.Errorf("%w: %d bytes, more than %d", ErrNickname, len(name), MaxNicknameLen)
	case name == AnonNickname:
		return fmt.Errorf("%w: %q is reserved for anonymous clients", ErrNickname, name)
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !('a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || ch == '_' || ch == '-') {
			return fmt.Errorf("%w: %q: byte %q at offset %d (allowed: a-z 0-9 _ -)", ErrNickname, name, ch, i)
		}
	}
	return nil
}

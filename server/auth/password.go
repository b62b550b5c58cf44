package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters of new password hashes (RFC 9106; the OWASP minimum
// for Argon2id is 19 MiB of memory and two passes). Hashes carry their own
// parameters, so raising these later keeps old hashes verifiable.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Bounds on the parameters of a stored hash, so that a corrupt or hostile
// record cannot make a login take unbounded time or memory.
const (
	maxArgonTime    = 16
	maxArgonMemory  = 256 * 1024 // KiB
	maxArgonThreads = 16
)

// MaxPasswordLen is the longest password accepted, in bytes (an MQTT
// CONNECT password field holds at most 65,535).
const MaxPasswordLen = 1024

// ErrBadHash reports a stored password hash that does not parse.
var ErrBadHash = errors.New("auth: malformed password hash")

// ErrBadPassword reports a password SetPassword refuses: empty or longer
// than MaxPasswordLen.
var ErrBadPassword = errors.New("auth: unacceptable password")

// Store is the part of the store the hook needs. A *store.Store satisfies
// it; Get returns an error wrapping store.ErrNotFound for a missing key.
type Store interface {
	Get(key []byte) ([]byte, error)
	Set(key, val []byte) error
}

// PasswordKey returns the store key of a user's password hash.
func PasswordKey(nickname string) []byte {
	return []byte("user/" + nickname + "/password")
}

// SetPassword stores the Argon2id hash of password as the user's password,
// durably, replacing any previous one.
func SetPassword(st Store, nickname string, password []byte) error {
	if !ValidNickname(nickname) {
		return fmt.Errorf("auth: set password: invalid nickname %q", nickname)
	}
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	if err := st.Set(PasswordKey(nickname), h); err != nil {
		return fmt.Errorf("auth: set password of %s: %w", nickname, err)
	}
	return nil
}

// HashPassword returns the PHC-format Argon2id hash of password with a
// fresh random salt: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, salt
// and hash in unpadded standard base64.
func HashPassword(password []byte) ([]byte, error) {
	if len(password) == 0 || len(password) > MaxPasswordLen {
		return nil, fmt.Errorf("%w: %d bytes (1..%d allowed)", ErrBadPassword, len(password), MaxPasswordLen)
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey(password, salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Appendf(nil, "$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash. The
// comparison takes constant time in the password. An error wrapping
// ErrBadHash means the hash itself is malformed.
func CheckPassword(encoded, password []byte) (bool, error) {
	p, err := parseHash(string(encoded))
	if err != nil {
		return false, err
	}
	if len(password) > MaxPasswordLen {
		return false, nil
	}
	key := argon2.IDKey(password, p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

type argonHash struct {
	time, memory uint32
	threads      uint8
	salt, key    []byte
}

// parseHash parses $argon2id$v=19$m=M,t=T,p=P$salt$key.
func parseHash(s string) (argonHash, error) {
	var h argonHash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return h, fmt.Errorf("%w: not $argon2id$v=..$m=..,t=..,p=..$salt$hash", ErrBadHash)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return h, fmt.Errorf("%w: version %q", ErrBadHash, parts[2])
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return h, fmt.Errorf("%w: parameters %q", ErrBadHash, parts[3])
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(params[i], name)
		if !ok {
			return h, fmt.Errorf("%w: parameter %d is %q, want %s...", ErrBadHash, i, params[i], name)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return h, fmt.Errorf("%w: parameter %s: %w", ErrBadHash, name, err)
		}
		vals[i] = n
	}
	m, t, p := vals[0], vals[1], vals[2]
	if t < 1 || t > maxArgonTime || p < 1 || p > maxArgonThreads || m < 8*p || m > maxArgonMemory {
		return h, fmt.Errorf("%w: parameters m=%d,t=%d,p=%d out of range", ErrBadHash, m, t, p)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return h, fmt.Errorf("%w: salt", ErrBadHash)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return h, fmt.Errorf("%w: hash", ErrBadHash)
	}
	return argonHash{time: uint32(t), memory: uint32(m), threads: uint8(p), salt: salt, key: key}, nil
}

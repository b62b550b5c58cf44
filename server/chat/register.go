package chat

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
	"github.com/chatim/chat/server/auth"
	"github.com/chatim/chat/server/ca"
)

// register serves Register from an anonymous client anon.<device>: the
// nickname must be well formed and free, the CSR's signature valid and its
// subject CN the nickname. The server issues the certificate from its CA,
// then stores the password hash, the profile, the user index entry and
// the device session <nickname>.<device> in one synced batch, and answers
// Auth{type reg, session, cert, nickname, token}. The token is shown once;
// the store keeps its SHA-256.
func (h *Hook) register(rq *request, r *wire.Register) (wire.CHATProtocol, error) {
	nick := string(r.Nickname)
	if err := ca.CheckNickname(nick); err != nil {
		return nil, refuse(CodeInvalidData, "%v", err)
	}
	if _, err := ca.CheckCSR(r.Csr, nick); err != nil {
		return nil, refuse(CodeInvalidData, "%v", err)
	}
	hash, err := auth.HashPassword(r.Password)
	if err != nil {
		return nil, refuse(CodeInvalidData, "%v", err)
	}
	h.userLock.Lock()
	defer h.userLock.Unlock()
	if taken, err := h.userExists(nick); err != nil {
		return nil, err
	} else if taken {
		return nil, refuse(CodeConflict, "nickname %s is taken", nick)
	}
	cert, err := h.issue(r.Csr, nick)
	if err != nil {
		return nil, err
	}
	session, token, err := h.newSession(nick, rq.device, wire.AuthTypeReg, cert)
	if err != nil {
		_ = h.ca.Revoke(cert.SerialNumber)
		return nil, err
	}
	now := h.millis()
	b := h.st.NewBatch()
	err = errors.Join(
		b.Set(auth.PasswordKey(nick), hash),
		put(b, profileKey(nick), profileRecord(nick, now)),
		b.Set(userIndexKey(nick), nil),
		put(b, devKey(nick, rq.device), &session),
	)
	if err == nil {
		err = b.Commit()
	} else {
		b.Discard()
	}
	if err != nil {
		_ = h.ca.Revoke(cert.SerialNumber) // the certificate names a user that does not exist
		return nil, err
	}
	reply := session
	reply.Token = token
	return &wire.CHATProtocol_Auth{Value: reply}, nil
}

// profileRecord is the profile of a new user.
func profileRecord(nick string, now int64) *wire.Profile {
	p := &wire.Profile{Nickname: []byte(nick), Update: now}
	p.Roster.Nickname = []byte(nick)
	fill.Profile(p)
	return p
}

// issue issues a client certificate for nick from the CSR.
func (h *Hook) issue(csr []byte, nick string) (*x509.Certificate, error) {
	cert, err := h.ca.Issue(csr, ca.IssueOptions{ExpectCN: nick})
	switch {
	case errors.Is(err, ca.ErrBadCSR), errors.Is(err, ca.ErrNickname), errors.Is(err, ca.ErrCNMismatch), errors.Is(err, ca.ErrKeyType):
		return nil, refuse(CodeInvalidData, "%v", err)
	case err != nil:
		return nil, err
	}
	return cert, nil
}

// newSession returns the device record of the session <nick>.<device>
// holding the certificate and the hash of a fresh token, and the token.
func (h *Hook) newSession(nick, device string, t wire.AuthType, cert *x509.Certificate) (wire.Auth, []byte, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return wire.Auth{}, nil, err
	}
	token := []byte(hex.EncodeToString(raw[:]))
	sum := sha256.Sum256(token)
	a := wire.Auth{
		Session: []byte(nick + "." + device), Type: t, Cert: cert.Raw,
		Nickname: []byte(nick), Token: sum[:],
	}
	fill.Auth(&a)
	return a, token, nil
}

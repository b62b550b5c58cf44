package chat

import (
	"crypto/x509"
	"errors"
	"strconv"
	"strings"

	"github.com/mochi-mqtt/server/v2/packets"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
	"github.com/chatim/chat/server/auth"
)

// auth serves Auth from a user:
//
//	type auth, push or settings set: stores the push token, os and
//	    settings of the requesting device; the reply is its session
//	type auth otherwise: lists the sessions: one Auth reply per device
//	    (token and certificate left out), then OK{"<n> sessions"}
//	type forget: ends the session named in session (a client id of the
//	    same user; empty means the requesting one): the device record is
//	    deleted, its certificate revoked and its connection closed
//	type renew: issues a certificate for the device named in session
//	    (<nickname>.<device>) from the CSR in devkey; the reply is like
//	    Register's
func (h *Hook) auth(rq *request, a *wire.Auth) (wire.CHATProtocol, error) {
	switch a.Type {
	case wire.AuthTypeAuth:
		if len(a.Push) > 0 || len(a.Settings) > 0 {
			return h.updateSession(rq, a)
		}
		return h.listSessions(rq)
	case wire.AuthTypeForget:
		return h.forget(rq, string(a.Session))
	case wire.AuthTypeRenew:
		return h.renew(rq, a)
	}
	return nil, refuse(CodeNotImplemented, "auth type %v", a.Type)
}

// MaxPushLen bounds a push token.
const MaxPushLen = 4096

func (h *Hook) updateSession(rq *request, a *wire.Auth) (wire.CHATProtocol, error) {
	if len(a.Push) > MaxPushLen {
		return nil, refuse(CodeTooLarge, "push token of %d bytes", len(a.Push))
	}
	var s wire.Auth
	found, err := h.load(devKey(rq.nick, rq.device), &s)
	if err != nil {
		return nil, err
	}
	if !found { // a device that logged in with a password only
		s = wire.Auth{Session: []byte(rq.client), Type: wire.AuthTypeAuth, Nickname: []byte(rq.nick)}
	}
	s.Push, s.Os = a.Push, a.Os
	if len(a.Settings) > 0 {
		s.Settings = a.Settings
	}
	fill.Auth(&s)
	if err := h.st.Set(devKey(rq.nick, rq.device), s.AppendDER(nil)); err != nil {
		return nil, err
	}
	return &wire.CHATProtocol_Auth{Value: publicSession(s)}, nil
}

// publicSession is a session record without its secrets.
func publicSession(s wire.Auth) wire.Auth {
	s.Token, s.Cert = nil, nil
	return s
}

func (h *Hook) listSessions(rq *request) (wire.CHATProtocol, error) {
	var sessions []wire.Auth
	err := h.st.Scan(devPrefix(rq.nick), func(_, v []byte) error {
		var s wire.Auth
		if err := s.UnmarshalDER(v); err != nil {
			return err
		}
		sessions = append(sessions, publicSession(s))
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range sessions {
		h.reply(rq.client, rq.format, rq.no, &wire.CHATProtocol_Auth{Value: sessions[i]})
	}
	return okReply(strconv.Itoa(len(sessions)) + " sessions"), nil
}

func (h *Hook) forget(rq *request, session string) (wire.CHATProtocol, error) {
	if session == "" {
		session = rq.client
	}
	nick, device, ok := auth.SplitClientID(session)
	if !ok || nick != rq.nick {
		return nil, refuse(CodeNotAuthorized, "session %q is not %s's", session, rq.nick)
	}
	var s wire.Auth
	found, err := h.load(devKey(nick, device), &s)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, refuse(CodeNotFound, "session %s", session)
	}
	if len(s.Cert) > 0 {
		cert, err := x509.ParseCertificate(s.Cert)
		if err != nil {
			return nil, err
		}
		if err := h.ca.Revoke(cert.SerialNumber); err != nil {
			return nil, err
		}
	}
	if err := h.st.Delete(devKey(nick, device)); err != nil {
		return nil, err
	}
	if session != rq.client {
		if cl, ok := h.srv.Clients.Get(session); ok && !cl.Closed() {
			_ = h.srv.DisconnectClient(cl, packets.ErrAdministrativeAction)
		}
	}
	return okReply("forgot " + session), nil
}

func (h *Hook) renew(rq *request, a *wire.Auth) (wire.CHATProtocol, error) {
	session := string(a.Session)
	if session == "" {
		session = rq.client
	}
	nick, device, ok := auth.SplitClientID(session)
	if !ok || nick != rq.nick || strings.Contains(device, "/") {
		return nil, refuse(CodeNotAuthorized, "session %q is not %s's", session, rq.nick)
	}
	cert, err := h.issue(a.Devkey, rq.nick)
	if err != nil {
		return nil, err
	}
	var old wire.Auth
	found, err := h.load(devKey(nick, device), &old)
	if err != nil {
		return nil, err
	}
	s, token, err := h.newSession(nick, device, wire.AuthTypeRenew, cert)
	if err != nil {
		return nil, err
	}
	if found {
		s.Push, s.Os, s.Settings = old.Push, old.Os, old.Settings
	}
	if err := h.st.Set(devKey(nick, device), s.AppendDER(nil)); err != nil {
		_ = h.ca.Revoke(cert.SerialNumber)
		return nil, err
	}
	if found && len(old.Cert) > 0 {
		if c, err := x509.ParseCertificate(old.Cert); err == nil {
			if err := h.ca.Revoke(c.SerialNumber); err != nil {
				return nil, errors.Join(err, errors.New("chat: renew: old certificate not revoked"))
			}
		}
	}
	s.Token = token
	return &wire.CHATProtocol_Auth{Value: s}, nil
}

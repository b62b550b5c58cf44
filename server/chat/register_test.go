package chat_test

import (
	"crypto/x509"
	"testing"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/chat"
)

func TestRegister(t *testing.T) {
	e := newEnv(t, chat.Options{})
	e.user("taken")
	forEachFormat(t, func(t *testing.T, f chat.Format) {
		nick := "carol-" + f.String()
		a := e.connect(t, "anon", "phone-"+f.String(), f)
		before := e.protocolKeys()
		for _, bad := range []struct {
			name string
			reg  wire.Register
			code string
		}{
			{"taken", wire.Register{Nickname: []byte("taken"), Csr: csr(t, "taken"), Password: []byte("pw")}, chat.CodeConflict},
			{"malformed nickname", wire.Register{Nickname: []byte("Carol!"), Csr: csr(t, "Carol!"), Password: []byte("pw")}, chat.CodeInvalidData},
			{"reserved nickname", wire.Register{Nickname: []byte("anon"), Csr: csr(t, "anon"), Password: []byte("pw")}, chat.CodeInvalidData},
			{"CN is not the nickname", wire.Register{Nickname: []byte(nick), Csr: csr(t, "mallory"), Password: []byte("pw")}, chat.CodeInvalidData},
			{"CSR garbage", wire.Register{Nickname: []byte(nick), Csr: []byte{0x30, 0}, Password: []byte("pw")}, chat.CodeInvalidData},
			{"empty password", wire.Register{Nickname: []byte(nick), Csr: csr(t, nick)}, chat.CodeInvalidData},
		} {
			wantError(t, a.call(&wire.CHATProtocol_Register{Value: bad.reg}), bad.code)
		}
		if n := e.protocolKeys(); n != before {
			t.Fatalf("refused registrations left %d keys, want %d", n, before)
		}

		r := a.call(&wire.CHATProtocol_Register{Value: wire.Register{Nickname: []byte(nick), Csr: csr(t, nick), Password: []byte("carol-pw")}})
		au, ok := r.(*wire.CHATProtocol_Auth)
		if !ok {
			t.Fatalf("register reply %#v", r)
		}
		cert, err := x509.ParseCertificate(au.Value.Cert)
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		roots.AddCert(e.ca.Certificate())
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Fatalf("issued certificate does not verify: %v", err)
		}
		if cert.Subject.CommonName != nick || string(au.Value.Nickname) != nick ||
			string(au.Value.Session) != nick+".phone-"+f.String() || len(au.Value.Token) != 64 {
			t.Fatalf("auth = %+v, CN %q", au.Value, cert.Subject.CommonName)
		}
		// The same nickname again is taken.
		wantError(t, a.call(&wire.CHATProtocol_Register{Value: wire.Register{Nickname: []byte(nick), Csr: csr(t, nick), Password: []byte("x")}}), chat.CodeConflict)

		// The password works, and the session is listed.
		d, err := e.dialPassword(t, nick, "laptop", "carol-pw", f)
		if err != nil {
			t.Fatalf("login with the registered password: %v", err)
		}
		d.sub("actions/" + d.id)
		// The list holds the registered session and this one (recorded
		// with the device's format when it sent its first request).
		no := d.send(&wire.CHATProtocol_Auth{Value: wire.Auth{Type: wire.AuthTypeAuth, Os: wire.OSApple}})
		var sessions []string
		for {
			r := d.await(func(r received) bool { return r.msg.No == no })
			if _, ok := r.msg.Body.(*wire.CHATProtocol_Ok); ok {
				break
			}
			sa, ok := r.msg.Body.(*wire.CHATProtocol_Auth)
			if !ok || len(sa.Value.Token) != 0 || len(sa.Value.Cert) != 0 {
				t.Fatalf("session list: %#v", r.msg.Body)
			}
			sessions = append(sessions, string(sa.Value.Session))
		}
		if len(sessions) != 2 || sessions[0] != d.id || sessions[1] != nick+".phone-"+f.String() {
			t.Fatalf("sessions %q", sessions)
		}

		// Push token of this device, then forget the registered session:
		// its certificate is revoked.
		pr := d.call(&wire.CHATProtocol_Auth{Value: wire.Auth{Type: wire.AuthTypeAuth, Push: []byte("push-token"), Os: wire.OSGoogle}})
		if pa, ok := pr.(*wire.CHATProtocol_Auth); !ok || string(pa.Value.Push) != "push-token" || pa.Value.Os != wire.OSGoogle {
			t.Fatalf("push reply %#v", pr)
		}
		wantError(t, d.call(&wire.CHATProtocol_Auth{Value: wire.Auth{Type: wire.AuthTypeForget, Session: []byte("taken.x"), Os: wire.OSApple}}), chat.CodeNotAuthorized)
		wantOK(t, d.call(&wire.CHATProtocol_Auth{Value: wire.Auth{Type: wire.AuthTypeForget, Session: au.Value.Session, Os: wire.OSApple}}))
		if !e.ca.IsRevoked(cert.SerialNumber) {
			t.Fatal("forgotten session's certificate is not revoked")
		}
		wantError(t, d.call(&wire.CHATProtocol_Auth{Value: wire.Auth{Type: wire.AuthTypeForget, Session: au.Value.Session, Os: wire.OSApple}}), chat.CodeNotFound)

		// renew: a certificate for another device of the same user.
		renew := wire.Auth{Type: wire.AuthTypeRenew, Session: []byte(nick + ".tablet"), Devkey: csr(t, "mallory"), Os: wire.OSApple}
		wantError(t, d.call(&wire.CHATProtocol_Auth{Value: renew}), chat.CodeInvalidData)
		renew.Devkey = csr(t, nick)
		rr, ok := d.call(&wire.CHATProtocol_Auth{Value: renew}).(*wire.CHATProtocol_Auth)
		if !ok || string(rr.Value.Session) != nick+".tablet" || len(rr.Value.Token) != 64 {
			t.Fatalf("renew reply %#v", rr)
		}
		if c2, err := x509.ParseCertificate(rr.Value.Cert); err != nil || c2.Subject.CommonName != nick {
			t.Fatalf("renewed certificate: %v", err)
		}
		renew.Session = []byte("taken.tablet")
		wantError(t, d.call(&wire.CHATProtocol_Auth{Value: renew}), chat.CodeNotAuthorized)
	})
}

package chat

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sync"

	wire "github.com/chatim/chat/generated/chat"
)

// setupParallel is how many users register or connect at once.
const setupParallel = 8

// password is the password every user of a run registers with.
const password = "chatbench-password"

// secure reports whether rawURL's transport carries client certificates.
func secure(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && (u.Scheme == "tls" || u.Scheme == "quic" || u.Scheme == "wss")
}

// nickOf returns the nickname of a client id nick.device.
func nickOf(id string) string {
	for i := 0; i < len(id); i++ {
		if id[i] == '.' {
			return id[:i]
		}
	}
	return id
}

// randomPrefix returns a fresh nickname prefix.
func randomPrefix() (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "cb" + hex.EncodeToString(b[:]), nil
}

// register registers nick through the protocol: an anonymous device
// anon.<device> sends Register with a CSR and the password; the server's
// Auth reply carries the certificate. It returns the certificate with its
// key.
func register(ctx context.Context, cfg *Config, nick, device string) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: nick}}, key)
	if err != nil {
		return nil, err
	}
	p, err := dial(ctx, cfg, "anon."+device, "", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("chat: register %s: %w", nick, err)
	}
	defer p.close()
	r, err := p.request(ctx, &wire.CHATProtocol_Register{Value: wire.Register{Nickname: []byte(nick), Csr: csr, Password: []byte(password)}})
	if err != nil {
		return nil, fmt.Errorf("chat: register %s: %w", nick, err)
	}
	a, ok := r.(*wire.CHATProtocol_Auth)
	if !ok {
		return nil, fmt.Errorf("chat: register %s: reply %T, want Auth", nick, r)
	}
	cert, err := x509.ParseCertificate(a.Value.Cert)
	if err != nil {
		return nil, fmt.Errorf("chat: register %s: certificate: %w", nick, err)
	}
	if cert.Subject.CommonName != nick || !key.PublicKey.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("chat: register %s: the certificate is not for %s's key", nick, nick)
	}
	return &tls.Certificate{Certificate: [][]byte{a.Value.Cert}, PrivateKey: key, Leaf: cert}, nil
}

// parallel runs fn(0..n-1), setupParallel at a time, and joins the errors.
func parallel(n int, fn func(i int) error) error {
	errs := make([]error, n)
	sem := make(chan struct{}, setupParallel)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// befriend makes a and b friends: a requests, b confirms.
func befriend(ctx context.Context, a, b *peer) error {
	an, bn := nickOf(a.id), nickOf(b.id)
	if _, err := a.request(ctx, &wire.CHATProtocol_Friend{Value: wire.Friend{Nickname: []byte(an), Friend: []byte(bn), Type: wire.FriendshipRequest}}); err != nil {
		return fmt.Errorf("chat: friend request %s → %s: %w", an, bn, err)
	}
	if _, err := b.request(ctx, &wire.CHATProtocol_Friend{Value: wire.Friend{Nickname: []byte(bn), Friend: []byte(an), Type: wire.FriendshipConfirm}}); err != nil {
		return fmt.Errorf("chat: friend confirm %s → %s: %w", bn, an, err)
	}
	return nil
}

// createRoom has owner create room id with the other members.
func createRoom(ctx context.Context, owner *peer, id string, others []string) error {
	ms := make([]wire.Member, len(others))
	for i, n := range others {
		ms[i] = wire.Member{Alias: []byte(n), Feed: &wire.MemberFeed_Muc{}, Presence: wire.PresenceTypeOffline, Status: wire.MemberStatusMember}
	}
	r := wire.Room{Id: []byte(id), Name: []byte(id), Members: ms, Type: wire.RoomTypeGroup, Status: wire.RoomStatusCreate,
		Lastmsg: wire.Message{Feed: &wire.MessageFeed_Muc{}, Link: &wire.MessageLink_Empty{}, Type: wire.MessageTypeSys, Status: wire.MessageStatusClear}}
	if _, err := owner.request(ctx, &wire.CHATProtocol_Room{Value: r}); err != nil {
		return fmt.Errorf("chat: create room %s: %w", id, err)
	}
	return nil
}

// privateTopic returns the topic of the private feed of x and y.
func privateTopic(x, y string) string {
	if y < x {
		x, y = y, x
	}
	return privatePrefix + x + "/" + y
}

// message is a new message from nick on feed.
func message(nick string, feed wire.MessageFeed, text []byte) *wire.CHATProtocol_Message {
	return &wire.CHATProtocol_Message{Value: wire.Message{
		Feed: feed, From: []byte(nick), Files: []wire.FileDesc{textFile(text)},
		Type: wire.MessageTypeReply, Link: &wire.MessageLink_Empty{}, Status: wire.MessageStatusAsync,
	}}
}

package auth

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"runtime"
	"sync"
	"sync/atomic"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// HookID is the ID of the hook as mochi logs it.
const HookID = "chat-auth"

// Options configures New.
type Options struct {
	// Store holds password hashes (user/<nickname>/password). Nil refuses
	// every username and password login.
	Store Store
	// Facts answers friendship and membership questions; nil means NoFacts.
	// It can be replaced later with SetFacts.
	Facts Facts
	// Connack sends a refusing CONNACK with the given reason code; the
	// server sets it to (*mqtt.Server).SendConnack. mochi itself can only
	// refuse an authentication with 0x86, so without Connack every refusal
	// is reported as 0x86 (bad user name or password).
	Connack func(cl *mqtt.Client, code packets.Code) error
	// MaxConcurrentHashes bounds the password checks running at once, each
	// of which takes about 19 MiB; zero means GOMAXPROCS.
	MaxConcurrentHashes int
}

// Hook authenticates connections and enforces the topic table. It must be
// the only mochi hook providing OnConnectAuthenticate and OnACLCheck (mochi
// ORs their answers across hooks). Its methods are safe for concurrent use.
type Hook struct {
	mqtt.HookBase

	store     Store
	connack   func(cl *mqtt.Client, code packets.Code) error
	facts     atomic.Pointer[factsBox]
	hashSlots chan struct{}
	dummyHash []byte

	mu       sync.RWMutex
	sessions map[string]*session // client id → the connection that holds it
}

type factsBox struct{ Facts }

// session is the identity of one live connection.
type session struct {
	cl *mqtt.Client
	id Identity
}

// New returns the hook.
func New(opts Options) *Hook {
	n := opts.MaxConcurrentHashes
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	h := &Hook{
		store:     opts.Store,
		connack:   opts.Connack,
		hashSlots: make(chan struct{}, n),
		sessions:  make(map[string]*session),
	}
	h.SetFacts(opts.Facts)
	// A login with an unknown user name still pays for one hash, so that
	// response times do not tell which users exist.
	h.dummyHash, _ = HashPassword([]byte("not a password"))
	return h
}

// SetFacts replaces the source of friendship and membership facts; nil
// means NoFacts.
func (h *Hook) SetFacts(f Facts) {
	if f == nil {
		f = NoFacts{}
	}
	h.facts.Store(&factsBox{f})
}

// ID returns HookID.
func (h *Hook) ID() string { return HookID }

// Provides reports the hook events the hook handles.
func (h *Hook) Provides(b byte) bool {
	switch b {
	case mqtt.OnConnect, mqtt.OnConnectAuthenticate, mqtt.OnACLCheck, mqtt.OnDisconnect:
		return true
	}
	return false
}

// Identity returns the identity of the live connection holding clientID.
func (h *Hook) Identity(clientID string) (Identity, bool) {
	h.mu.RLock()
	s, ok := h.sessions[clientID]
	h.mu.RUnlock()
	if !ok {
		return Identity{}, false
	}
	return s.id, true
}

// OnConnect authenticates the client and checks its client identifier
// against the identity it proved. mochi runs it before
// OnConnectAuthenticate; a refusal is answered here with a CONNACK
// carrying the precise reason code, and the returned error makes mochi
// close the connection [MQTT-3.2.2-7].
func (h *Hook) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	id, code := h.authenticate(cl, pk)
	if code != packets.CodeSuccess {
		h.Log.Info("connection refused", "client", cl.ID, "remote", cl.Net.Remote,
			"listener", cl.Net.Listener, "reason", code.Reason)
		if h.connack == nil {
			return nil // OnConnectAuthenticate finds no session and refuses with 0x86
		}
		if cl.Properties.ProtocolVersion < 5 && code == packets.ErrNotAuthorized {
			// MQTT 3.1.1 has one code for both, 5 "not authorized"; mochi
			// maps 0x86 to it but passes 0x87 through unchanged.
			code = packets.ErrBadUsernameOrPassword
		}
		_ = h.connack(cl, code)
		return code
	}
	h.mu.Lock()
	h.sessions[cl.ID] = &session{cl: cl, id: id}
	h.mu.Unlock()
	return nil
}

// OnConnectAuthenticate accepts exactly the connections OnConnect admitted.
func (h *Hook) OnConnectAuthenticate(cl *mqtt.Client, _ packets.Packet) bool {
	h.mu.RLock()
	s, ok := h.sessions[cl.ID]
	h.mu.RUnlock()
	return ok && s.cl == cl
}

// OnDisconnect forgets the connection's identity, unless a newer
// connection has taken the client identifier over.
func (h *Hook) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	h.mu.Lock()
	if s, ok := h.sessions[cl.ID]; ok && s.cl == cl {
		delete(h.sessions, cl.ID)
	}
	h.mu.Unlock()
}

// OnACLCheck enforces the topic table. mochi calls it with write=true for
// a publish, and with write=false for a subscribe (topic is the filter)
// and for every delivery of a message to the client; it neither locks for
// long nor allocates. Publishes of the server itself (the inline client)
// never get here, and are allowed if they do.
func (h *Hook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	if cl.Net.Inline {
		return true
	}
	var nick string
	h.mu.RLock()
	s, ok := h.sessions[cl.ID]
	h.mu.RUnlock()
	if ok && s.cl == cl {
		nick = s.id.Nickname
	} else {
		if write {
			return false // only live, authenticated connections publish
		}
		// A delivery to a persistent session whose connection is gone:
		// its client identifier was checked against its identity when it
		// connected, so it names the user.
		if nick, _, ok = SplitClientID(cl.ID); !ok {
			return false
		}
	}
	if write {
		return CanPublish(cl.ID, topic)
	}
	return CanSubscribe(h.facts.Load().Facts, cl.ID, nick, nick == AnonymousNickname, topic)
}

// authenticate decides a CONNECT: the identity, or the CONNACK reason code
// of the refusal.
func (h *Hook) authenticate(cl *mqtt.Client, pk packets.Packet) (Identity, packets.Code) {
	nick, device, ok := SplitClientID(cl.ID)
	if !ok {
		return Identity{}, packets.ErrClientIdentifierNotValid // [MQTT-3.1.3-8]
	}
	id := Identity{Kind: Anonymous, Nickname: AnonymousNickname, Device: device, ClientID: cl.ID}
	user, hasUser := pk.Connect.Username, pk.Connect.UsernameFlag
	switch cert := peerCertificate(cl.Net.Conn); {
	case cert != nil:
		// The handshake verified the chain to the CA, validity and
		// revocation; the subject CN is the nickname.
		cn := cert.Subject.CommonName
		if !ValidNickname(cn) {
			return Identity{}, packets.ErrNotAuthorized // [MQTT-3.1.4-2]
		}
		if hasUser && string(user) != cn {
			return Identity{}, packets.ErrBadUsernameOrPassword // [MQTT-3.1.4-2]
		}
		id.Kind, id.Nickname = Certificate, cn
	case hasUser || pk.Connect.PasswordFlag:
		if !h.checkPassword(user, pk.Connect.Password) || !hasUser || !pk.Connect.PasswordFlag {
			return Identity{}, packets.ErrBadUsernameOrPassword // [MQTT-3.1.4-2]
		}
		id.Kind, id.Nickname = Password, string(user)
	}
	if nick != id.Nickname {
		// The client identifier names another user (or anon. for a user,
		// or a user for an anonymous client).
		return Identity{}, packets.ErrNotAuthorized // [MQTT-3.1.4-2]
	}
	if pk.Connect.WillFlag && !CanPublish(cl.ID, pk.Connect.WillTopic) {
		// mochi publishes a will without an ACL check: a will is allowed
		// only where the client may publish itself.
		return Identity{}, packets.ErrNotAuthorized // [MQTT-3.1.4-2]
	}
	return id, packets.CodeSuccess
}

// checkPassword reports whether password is the user's. It always spends
// one hash, even for an unknown or malformed user name.
func (h *Hook) checkPassword(user, password []byte) bool {
	stored := h.dummyHash
	known := false
	if h.store != nil && ValidNickname(string(user)) {
		v, err := h.store.Get(PasswordKey(string(user)))
		switch {
		case err == nil:
			stored, known = v, true
		case !isNotFound(err):
			h.Log.Error("password lookup failed", "user", string(user), "error", err)
		}
	}
	h.hashSlots <- struct{}{}
	ok, err := CheckPassword(stored, password)
	<-h.hashSlots
	if err != nil {
		h.Log.Error("stored password hash unusable", "user", string(user), "error", err)
		return false
	}
	return ok && known
}

// connectionStater is a connection that completed a TLS handshake: a
// *tls.Conn, or the QUIC stream adapter of server/listeners.
type connectionStater interface {
	ConnectionState() tls.ConnectionState
}

// peerCertificate returns the client certificate the TLS handshake
// verified, or nil.
func peerCertificate(c net.Conn) *x509.Certificate {
	cs, ok := c.(connectionStater)
	if !ok {
		return nil
	}
	st := cs.ConnectionState()
	if len(st.VerifiedChains) == 0 || len(st.VerifiedChains[0]) == 0 {
		return nil
	}
	return st.VerifiedChains[0][0]
}

package chat

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"log/slog"
	"math/big"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/fill"
	"github.com/chatim/chat/server/auth"
	"github.com/chatim/chat/server/ca"
	"github.com/chatim/chat/server/store"
)

// HookID is the ID of the hook as mochi logs it.
const HookID = "chat-protocol"

// Defaults of Options.
const (
	DefaultAckTimeout  = 30 * time.Second
	DefaultMaxInline   = 64 << 10
	DefaultMaxUnacked  = 256
	DefaultHistorySize = 100
)

// Issuer is the part of the CA the protocol needs. A *ca.CA satisfies it.
type Issuer interface {
	Issue(csrDER []byte, opts ca.IssueOptions) (*x509.Certificate, error)
	Revoke(serial *big.Int) error
}

// Options configures New. Store, CA and Server are required.
type Options struct {
	Store  *store.Store
	CA     Issuer
	Server *mqtt.Server // publishes replies and notices through its inline client
	Logger *slog.Logger // nil means slog.Default()

	// AckTimeout is how long a connected recipient has to acknowledge a
	// delivered message before it is delivered again on actions/<client>.
	// Zero means DefaultAckTimeout; negative disables redelivery by timer
	// (reconnects still redeliver).
	AckTimeout time.Duration
	// MaxInline bounds the payload of one FileDesc inside a Message, in
	// bytes. Zero means DefaultMaxInline.
	MaxInline int
	// MaxUnacked bounds the inbox entries delivered to one user and not yet
	// acknowledged; the rest follow as acknowledgements arrive. Zero means
	// DefaultMaxUnacked.
	MaxUnacked int
	// OnDecodeError, if set, is called with "der", "etf" or "unknown" for
	// every request payload that does not decode.
	OnDecodeError func(format string)
	// Now returns the server time; nil means time.Now.
	Now func() time.Time
}

// Hook is the CHAT protocol: a mochi hook that decodes every request a
// client publishes on events/<client id>, serves it against the store and
// answers on actions/<client id>. Install it instead of any other handler
// of events/ topics, after the session storage hook.
type Hook struct {
	mqtt.HookBase

	st     *store.Store
	ca     Issuer
	srv    *mqtt.Server
	log    *slog.Logger
	now    func() time.Time
	facts  *Facts
	opts   Options
	online *online
	dlv    *delivery

	feedLocks  [feedLockStripes]sync.Mutex  // serialise id assignment, commit and publish per feed
	inboxLocks [inboxLockStripes]sync.Mutex // serialise the deletions of inbox entries per user
	userLock   sync.Mutex                   // serialises registrations and contact changes
	roomLock   sync.Mutex                   // serialises room membership changes
}

// New loads the authorisation facts from the store and returns the hook.
// Add it to the server with AddHook(h, nil).
func New(opts Options) (*Hook, error) {
	if opts.Store == nil || opts.CA == nil || opts.Server == nil {
		return nil, fmt.Errorf("chat: Options.Store, CA and Server are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.AckTimeout == 0 {
		opts.AckTimeout = DefaultAckTimeout
	}
	if opts.MaxInline <= 0 {
		opts.MaxInline = DefaultMaxInline
	}
	if opts.MaxUnacked <= 0 {
		opts.MaxUnacked = DefaultMaxUnacked
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := &Hook{
		st: opts.Store, ca: opts.CA, srv: opts.Server, log: opts.Logger, now: opts.Now,
		facts: newFacts(), opts: opts, online: newOnline(),
	}
	if err := h.facts.load(opts.Store); err != nil {
		return nil, err
	}
	h.dlv = newDelivery(h)
	return h, nil
}

// Facts returns the hook's authorisation facts, for the ACL hook.
func (h *Hook) Facts() *Facts { return h.facts }

// ID returns HookID.
func (h *Hook) ID() string { return HookID }

// Provides reports the hook events the hook handles.
func (h *Hook) Provides(b byte) bool {
	switch b {
	case mqtt.OnPublish, mqtt.OnSessionEstablished, mqtt.OnSubscribed, mqtt.OnDisconnect:
		return true
	}
	return false
}

// Init starts the redelivery loop; config is ignored.
func (h *Hook) Init(any) error {
	h.Log = h.log
	h.dlv.start()
	return nil
}

// Stop stops the redelivery loop.
func (h *Hook) Stop() error {
	h.dlv.stop()
	return nil
}

// OnPublish serves a request published on the client's own events/ topic.
// It runs before mochi acknowledges the publish (PUBACK), in the client's
// reading goroutine: a client's requests are served one at a time and in
// order, and a slow or hostile client delays only itself. The packet
// always passes unchanged; refusals are ERROR replies.
func (h *Hook) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if cl.Net.Inline {
		return pk, nil
	}
	client, ok := strings.CutPrefix(pk.TopicName, auth.EventsPrefix)
	if !ok || client != cl.ID {
		return pk, nil
	}
	h.serve(cl.ID, pk.Payload)
	return pk, nil
}

// request is one decoded request and who sent it.
type request struct {
	client string // MQTT client id, <nick>.<device>
	nick   string // authenticated nickname; auth.AnonymousNickname for anonymous clients
	device string
	no     int64
	format Format
}

func (r *request) anonymous() bool { return r.nick == auth.AnonymousNickname }

// serve decodes one payload, runs its handler and publishes the reply.
func (h *Hook) serve(clientID string, payload []byte) {
	nick, device, ok := auth.SplitClientID(clientID)
	if !ok {
		return // the auth hook admits no such client
	}
	m, f, err := Decode(payload)
	if err != nil {
		if h.opts.OnDecodeError != nil {
			h.opts.OnDecodeError(formatName(payload))
		}
		h.log.Debug("undecodable request", "client", clientID, "error", err)
		h.reply(clientID, f, 0, &wire.CHATProtocol_Error{Value: wire.ERROR{Code: CodeInvalidData}})
		return
	}
	if h.online.setFormat(clientID, f) && nick != auth.AnonymousNickname {
		h.saveFormat(nick, device, f)
	}
	rq := &request{client: clientID, nick: nick, device: device, no: m.No, format: f}
	body, err := h.dispatch(rq, m.Body)
	if err != nil {
		code := codeOf(err)
		if code == CodeInternal {
			h.log.Error("request failed", "client", clientID, "no", m.No, "error", err)
		} else {
			h.log.Debug("request refused", "client", clientID, "no", m.No, "error", err)
		}
		body = &wire.CHATProtocol_Error{Value: wire.ERROR{Code: code}}
	}
	if body != nil && m.No != NoReply {
		h.reply(clientID, f, m.No, body)
	}
}

// NoReply is the request number that asks for no reply: the request is
// served, and its outcome, success or refusal, is not reported. Nothing
// is acknowledged, so what such a request writes need not be synced
// before it returns (see ack). An undecodable payload, whose number is
// unknown, is still answered.
const NoReply = 0

// dispatch runs the handler of one request body. A panic in a handler is
// a bug: it is logged and answered with CodeInternal rather than taking the
// broker down.
func (h *Hook) dispatch(rq *request, body wire.CHATProtocol) (reply wire.CHATProtocol, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.log.Error("handler panic", "client", rq.client, "panic", p, "stack", string(debug.Stack()))
			reply, err = nil, fmt.Errorf("chat: handler panic: %v", p)
		}
	}()
	switch body.(type) {
	case *wire.CHATProtocol_Feature, *wire.CHATProtocol_Service, *wire.CHATProtocol_File,
		*wire.CHATProtocol_Presence, *wire.CHATProtocol_Io, *wire.CHATProtocol_Ok, *wire.CHATProtocol_Error:
		// Kinds the server never serves, whoever asks: presence is the
		// server's to publish, files travel inside messages, and the
		// rest are replies.
		return nil, refuse(CodeNotImplemented, "request %T", body)
	}
	if _, ok := body.(*wire.CHATProtocol_Register); ok {
		if !rq.anonymous() {
			return nil, refuse(CodeNotAuthorized, "%s is already registered", rq.nick)
		}
		return h.register(rq, &body.(*wire.CHATProtocol_Register).Value)
	}
	if rq.anonymous() {
		return nil, refuse(CodeNotAuthorized, "anonymous clients may only register")
	}
	switch b := body.(type) {
	case *wire.CHATProtocol_Auth:
		return h.auth(rq, &b.Value)
	case *wire.CHATProtocol_Message:
		return h.message(rq, &b.Value)
	case *wire.CHATProtocol_Ack:
		return h.ack(rq, &b.Value)
	case *wire.CHATProtocol_Friend:
		return h.friend(rq, &b.Value)
	case *wire.CHATProtocol_History:
		return h.history(rq, &b.Value)
	case *wire.CHATProtocol_Room:
		return h.room(rq, &b.Value)
	case *wire.CHATProtocol_Member:
		return h.member(rq, &b.Value)
	case *wire.CHATProtocol_Typing:
		return h.typing(rq, &b.Value)
	case *wire.CHATProtocol_Search:
		return h.search(rq, &b.Value)
	case *wire.CHATProtocol_Profile:
		return h.profile(rq, &b.Value)
	case *wire.CHATProtocol_Roster:
		return h.roster(rq, &b.Value)
	}
	return nil, refuse(CodeNotImplemented, "request %T", body)
}

// reply publishes a reply on actions/<client> with ReplyQoS. It runs in
// the requesting client's reading goroutine; a client subscribed to its
// actions/ topic at QoS 0 with no subscription identifier, as the client
// library is, gets the reply written to its connection directly, as mochi
// writes a PUBACK, instead of through mochi's topic index and outbound
// queue.
func (h *Hook) reply(clientID string, f Format, no int64, body wire.CHATProtocol) {
	topic := auth.ActionsPrefix + clientID
	cl, ok := h.srv.Clients.Get(clientID)
	if !ok || !plainQoS0Subscriber(cl, topic) {
		h.publish(topic, f, no, body, ReplyQoS)
		return
	}
	pk := packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Publish},
		TopicName:   topic,
		Payload:     payload(f, no, body),
	}
	if err := cl.WritePacket(pk); err != nil {
		h.log.Debug("reply not written", "client", clientID, "error", err)
	}
}

// plainQoS0Subscriber reports whether cl subscribed to topic itself at
// QoS 0, without a subscription identifier, and uses no topic aliases:
// then a PUBLISH of topic needs nothing from mochi's publishToClient.
func plainQoS0Subscriber(cl *mqtt.Client, topic string) bool {
	sub, ok := cl.State.Subscriptions.Get(topic)
	return ok && sub.Qos == 0 && len(sub.Identifiers) == 0 && cl.Properties.Props.TopicAliasMaximum == 0
}

// QoS of what the server publishes. Replies use QoS 1, so that a client
// that subscribes to actions/<client> with QoS 1 and keeps its session
// gets a reply it missed when it reconnects (a client that subscribes with
// QoS 0 gets them at QoS 0). Everything else is delivered at QoS 0: its
// guarantees come from the protocol (a message stays in the recipient's
// inbox until its Ack), which spares the broker a persisted inflight
// record per delivery.
const (
	ReplyQoS  = 1
	NoticeQoS = 0
)

// send publishes a server-initiated CHATMessage (or a broadcast) on topic.
func (h *Hook) send(topic string, f Format, no int64, body wire.CHATProtocol) {
	h.publish(topic, f, no, body, NoticeQoS)
}

func (h *Hook) publish(topic string, f Format, no int64, body wire.CHATProtocol, qos byte) {
	if err := h.srv.Publish(topic, payload(f, no, body), false, qos); err != nil {
		h.log.Warn("publish failed", "topic", topic, "error", err)
	}
}

// payload encodes body, its absent parts filled in, as the CHATMessage
// numbered no in format f.
func payload(f Format, no int64, body wire.CHATProtocol) []byte {
	fill.Body(body)
	return Encode(f, &wire.CHATMessage{No: no, Body: body})
}

// feedLockStripes is the number of feed locks. A feed's lock is held
// across its synced commit, so two feeds that share a stripe wait for each
// other's fsync: with 64 stripes, 100 active one-to-one feeds collided in
// about a third of the stripes. 4,096 stripes (32 KiB) leave about one
// colliding pair among 100 feeds.
const feedLockStripes = 4096

// feedLock returns the lock serialising writes to a feed.
func (h *Hook) feedLock(table string) *sync.Mutex {
	return &h.feedLocks[fnv1a(table)%feedLockStripes]
}

// inboxLockStripes is the number of inbox locks. An inbox lock is held
// across the lookup and the deletion of one entry: an entry is deleted
// with single deletions, which must meet exactly one Set each.
const inboxLockStripes = 256

// inboxLock returns the lock serialising the deletions of nick's inbox
// entries.
func (h *Hook) inboxLock(nick string) *sync.Mutex {
	return &h.inboxLocks[fnv1a(nick)%inboxLockStripes]
}

// fnv1a hashes s with FNV-1a, without the allocations of hash/fnv.
func fnv1a(s string) uint32 {
	x := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		x = (x ^ uint32(s[i])) * 16777619
	}
	return x
}

// userExists reports whether nick is a registered user.
func (h *Hook) userExists(nick string) (bool, error) {
	if !auth.ValidNickname(nick) {
		return false, nil
	}
	found := false
	err := h.st.Scan(userPrefix(nick), func(_, _ []byte) error {
		found = true
		return store.ErrStop
	})
	return found, err
}

// millis returns the server time in Unix milliseconds.
func (h *Hook) millis() int64 { return h.now().UnixMilli() }

// okReply is the success reply with a text.
func okReply(text string) wire.CHATProtocol { return &wire.CHATProtocol_Ok{Value: wire.OK{Data: text}} }

// eq compares a byte field with a string.
func eq(b []byte, s string) bool { return bytes.Equal(b, []byte(s)) }

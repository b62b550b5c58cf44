package chat_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/auth"
	"github.com/chatim/chat/server/ca"
	"github.com/chatim/chat/server/chat"
	"github.com/chatim/chat/server/client"
	"github.com/chatim/chat/server/mqttstore"
	"github.com/chatim/chat/server/store"
)

var formats = []chat.Format{chat.DER, chat.ETF}

// forEachFormat runs fn once with DER and once with ETF payloads.
func forEachFormat(t *testing.T, fn func(t *testing.T, f chat.Format)) {
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) { fn(t, f) })
	}
}

func quietLogger() *slog.Logger {
	if os.Getenv("CHAT_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// env is a broker assembled as chatd assembles it (auth hook, session
// store, chat hook) on a real store in a temporary directory, listening on
// loopback TCP.
type env struct {
	t    testing.TB
	dir  string
	opts chat.Options
	st   *store.Store
	ca   *ca.CA
	srv  *mqtt.Server
	hook *chat.Hook
	addr string
	once sync.Once
	hash []byte // password hash shared by the users made with user()
}

const testPassword = "secret-pw"

func newEnv(t testing.TB, opts chat.Options) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), opts: opts}
	e.start()
	t.Cleanup(e.stop)
	return e
}

func (e *env) start() {
	t := e.t
	t.Helper()
	var err error
	e.st, err = store.Open(filepath.Join(e.dir, "db"), &store.Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	e.ca, err = ca.LoadOrCreate(e.dir, ca.Options{Records: e.st})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = mqtt.New(&mqtt.Options{InlineClient: true, Logger: quietLogger()})
	o := e.opts
	o.Store, o.CA, o.Server, o.Logger = e.st, e.ca, e.srv, quietLogger()
	e.hook, err = chat.New(o)
	if err != nil {
		t.Fatal(err)
	}
	ah := auth.New(auth.Options{Store: e.st, Facts: e.hook.Facts(), Connack: func(cl *mqtt.Client, code packets.Code) error {
		return e.srv.SendConnack(cl, code, false, nil)
	}})
	for _, hk := range []struct {
		h   mqtt.Hook
		cfg any
	}{{ah, nil}, {new(mqttstore.Hook), &mqttstore.Options{DB: e.st.DB(), Server: e.srv}}, {e.hook, nil}} {
		if err := e.srv.AddHook(hk.h, hk.cfg); err != nil {
			t.Fatal(err)
		}
	}
	l := listeners.NewTCP(listeners.Config{ID: "tcp", Address: "127.0.0.1:0"})
	if err := e.srv.AddListener(l); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Serve(); err != nil {
		t.Fatal(err)
	}
	e.addr = "tcp://" + l.Address()
	e.once = sync.Once{}
}

func (e *env) stop() {
	e.once.Do(func() {
		_ = e.srv.Close()
		if err := e.st.Close(); err != nil {
			e.t.Errorf("store close: %v", err)
		}
	})
}

// restart stops the broker and the store and starts them again on the
// same directory.
func (e *env) restart() {
	e.stop()
	e.start()
}

// user creates a registered user directly in the store (password
// testPassword); registration itself is tested through the protocol.
func (e *env) user(nick string) {
	e.t.Helper()
	if e.hash == nil {
		var err error
		if e.hash, err = auth.HashPassword([]byte(testPassword)); err != nil {
			e.t.Fatal(err)
		}
	}
	b := e.st.NewBatch()
	p := wire.Profile{Nickname: []byte(nick)}
	p.Roster.Nickname = []byte(nick)
	p.Roster.Status = wire.RosterStatusList
	p.Roster.Contacts = nil
	for _, kv := range []struct{ k, v []byte }{
		{auth.PasswordKey(nick), e.hash},
		{[]byte("user/" + nick + "/profile"), profileDER(&p)},
		{[]byte("idx/user/" + nick), nil},
	} {
		if err := b.Set(kv.k, kv.v); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		e.t.Fatal(err)
	}
}

func profileDER(p *wire.Profile) []byte {
	p.Roster.Status = wire.RosterStatusList
	return p.AppendDER(nil)
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// received is one PUBLISH a device got, decoded.
type received struct {
	topic string
	msg   *wire.CHATMessage
	f     chat.Format
	qos   byte
}

// dev is a connected device: an MQTT 5 client over loopback TCP.
type dev struct {
	t     testing.TB
	e     *env
	id    string
	nick  string
	f     chat.Format
	c     *paho.Client
	in    chan received
	stash []received
	no    int64
}

// connect connects nick.device with the test password (anonymous for
// nick "anon"), subscribes to actions/<id> and devices/<nick>.
func (e *env) connect(t testing.TB, nick, device string, f chat.Format) *dev {
	t.Helper()
	d, err := e.dial(t, nick, device, f)
	if err != nil {
		t.Fatalf("connect %s.%s: %v", nick, device, err)
	}
	d.sub(auth.ActionsPrefix + d.id)
	if nick != auth.AnonymousNickname {
		d.sub(auth.DevicesPrefix + nick)
	}
	return d
}

func (e *env) dial(t testing.TB, nick, device string, f chat.Format) (*dev, error) {
	return e.dialPassword(t, nick, device, testPassword, f)
}

// dialPassword connects nick.device with password, subscribing to nothing.
func (e *env) dialPassword(t testing.TB, nick, device, password string, f chat.Format) (*dev, error) {
	d := &dev{t: t, e: e, id: nick + "." + device, nick: nick, f: f, in: make(chan received, 4096)}
	o := client.ConnectOptions{ClientID: d.id, CleanStart: true, OnPublish: func(p *paho.Publish) {
		m, pf, err := chat.Decode(p.Payload)
		if err != nil {
			t.Errorf("%s: undecodable publish on %s: %v", d.id, p.Topic, err)
			return
		}
		d.in <- received{topic: p.Topic, msg: m, f: pf, qos: p.QoS}
	}}
	if nick != auth.AnonymousNickname {
		o.Username, o.Password = nick, []byte(password)
	}
	c, err := client.Connect(testContext(t), e.addr, o)
	if err != nil {
		return nil, err
	}
	d.c = c
	t.Cleanup(d.close)
	return d, nil
}

func (d *dev) close() { _ = d.c.Disconnect(&paho.Disconnect{}) }

// drop closes the network connection without DISCONNECT.
func (d *dev) drop() {
	d.close()
	select {
	case <-d.c.Done():
	case <-testContext(d.t).Done():
		d.t.Fatalf("%s: client did not stop", d.id)
	}
}

// sub subscribes with QoS 0: the protocol acknowledges what matters, and
// the broker then holds no outbound packet identifier that could collide
// with the client's own.
func (d *dev) sub(topic string) {
	d.t.Helper()
	ack, err := d.c.Subscribe(testContext(d.t), &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 0}}})
	if err != nil || ack.Reasons[0] >= 0x80 {
		d.t.Fatalf("%s: subscribe %s: %v %v", d.id, topic, err, ack)
	}
}

// raw publishes a payload on the device's events topic.
func (d *dev) raw(p []byte) {
	d.t.Helper()
	if _, err := d.c.Publish(testContext(d.t), &paho.Publish{Topic: auth.EventsPrefix + d.id, QoS: 1, Payload: p}); err != nil {
		d.t.Fatalf("%s: publish: %v", d.id, err)
	}
}

// send publishes a request and returns its no.
func (d *dev) send(body wire.CHATProtocol) int64 {
	d.t.Helper()
	d.no++
	d.raw(chat.Encode(d.f, &wire.CHATMessage{No: d.no, Headers: [][]byte{[]byte("test")}, Body: body}))
	return d.no
}

// notify publishes a request with number 0, which wants no reply.
func (d *dev) notify(body wire.CHATProtocol) {
	d.t.Helper()
	d.raw(chat.Encode(d.f, &wire.CHATMessage{No: chat.NoReply, Body: body}))
}

// call sends a request and returns the body of its reply.
func (d *dev) call(body wire.CHATProtocol) wire.CHATProtocol {
	d.t.Helper()
	no := d.send(body)
	r := d.await(func(r received) bool { return r.topic == auth.ActionsPrefix+d.id && r.msg.No == no })
	if r.f != d.f {
		d.t.Fatalf("%s: reply in %v, request in %v", d.id, r.f, d.f)
	}
	return r.msg.Body
}

// await returns the first message (stashed or arriving) matching pred.
func (d *dev) await(pred func(received) bool) received {
	d.t.Helper()
	for i, r := range d.stash {
		if pred(r) {
			d.stash = append(d.stash[:i:i], d.stash[i+1:]...)
			return r
		}
	}
	ctx := testContext(d.t)
	for {
		select {
		case r := <-d.in:
			if pred(r) {
				return r
			}
			d.stash = append(d.stash, r)
		case <-ctx.Done():
			d.t.Fatalf("%s: expected message did not arrive; stash: %s", d.id, describe(d.stash))
			return received{}
		}
	}
}

// awaitMessage returns the next Message published on topic.
func (d *dev) awaitMessage(topic string) wire.Message {
	d.t.Helper()
	r := d.await(func(r received) bool {
		_, ok := r.msg.Body.(*wire.CHATProtocol_Message)
		return r.topic == topic && ok
	})
	return r.msg.Body.(*wire.CHATProtocol_Message).Value
}

func describe(rs []received) string {
	s := ""
	for _, r := range rs {
		s += r.topic + ":" + typeName(r.msg.Body) + " "
	}
	return s
}

func typeName(b wire.CHATProtocol) string {
	switch x := b.(type) {
	case *wire.CHATProtocol_Error:
		return "ERROR(" + x.Value.Code + ")"
	case *wire.CHATProtocol_Message:
		return "Message(" + string(x.Value.Id) + ")"
	}
	return "other"
}

// wantError checks that body is ERROR{code}.
func wantError(t testing.TB, body wire.CHATProtocol, code string) {
	t.Helper()
	e, ok := body.(*wire.CHATProtocol_Error)
	if !ok || e.Value.Code != code {
		t.Fatalf("reply %#v, want ERROR %s", body, code)
	}
}

// wantAck checks that body is an Ack of table and returns its id.
func wantAck(t testing.TB, body wire.CHATProtocol, table string) string {
	t.Helper()
	a, ok := body.(*wire.CHATProtocol_Ack)
	if !ok || string(a.Value.Table) != table {
		t.Fatalf("reply %#v, want Ack of %s", body, table)
	}
	return string(a.Value.Id)
}

func wantOK(t testing.TB, body wire.CHATProtocol) {
	t.Helper()
	if _, ok := body.(*wire.CHATProtocol_Ok); !ok {
		t.Fatalf("reply %#v, want OK", body)
	}
}

// befriend makes a and b friends through FRIEND request and confirm.
func befriend(t testing.TB, a, b *dev) {
	t.Helper()
	a.call(&wire.CHATProtocol_Friend{Value: wire.Friend{Nickname: []byte(a.nick), Friend: []byte(b.nick), Type: wire.FriendshipRequest}})
	r := b.call(&wire.CHATProtocol_Friend{Value: wire.Friend{Nickname: []byte(b.nick), Friend: []byte(a.nick), Type: wire.FriendshipConfirm}})
	ro, ok := r.(*wire.CHATProtocol_Roster)
	if !ok || ro.Value.Contacts[0].Status != wire.ContactStatusFriend {
		t.Fatalf("confirm: %#v", r)
	}
}

// text is a message text as a FileDesc: mime text/plain, payload a DER
// UTF8String.
func text(s string) wire.FileDesc {
	p := append([]byte{0x0c}, derLen(len(s))...)
	return wire.FileDesc{Mime: []byte("text/plain"), Payload: append(p, s...)}
}

func derLen(n int) []byte {
	switch {
	case n < 0x80:
		return []byte{byte(n)}
	case n < 0x100:
		return []byte{0x81, byte(n)}
	case n < 0x10000:
		return []byte{0x82, byte(n >> 8), byte(n)}
	}
	return []byte{0x83, byte(n >> 16), byte(n >> 8), byte(n)}
}

// textOf returns the text of a message made with text.
func textOf(m wire.Message) string {
	if len(m.Files) == 0 {
		return ""
	}
	p := m.Files[0].Payload
	switch {
	case len(p) > 1 && p[1] < 0x80:
		return string(p[2:])
	case len(p) > 2 && p[1] == 0x81:
		return string(p[3:])
	case len(p) > 3 && p[1] == 0x82:
		return string(p[4:])
	}
	return string(p[5:])
}

// p2pMessage is a private message from a to b.
func p2pMessage(from, to, body string) *wire.CHATProtocol_Message {
	return &wire.CHATProtocol_Message{Value: wire.Message{
		Feed: &wire.MessageFeed_P2p{Value: wire.P2P{From: []byte(from), To: []byte(to)}},
		From: []byte(from), Files: []wire.FileDesc{text(body)}, Type: wire.MessageTypeReply,
		Link: &wire.MessageLink_Empty{}, Status: wire.MessageStatusAsync,
	}}
}

// mucMessage is a room message.
func mucMessage(from, room, body string) *wire.CHATProtocol_Message {
	return &wire.CHATProtocol_Message{Value: wire.Message{
		Feed: &wire.MessageFeed_Muc{Value: wire.MUC{Room: []byte(room)}},
		From: []byte(from), Files: []wire.FileDesc{text(body)}, Type: wire.MessageTypeReply,
		Link: &wire.MessageLink_Empty{}, Status: wire.MessageStatusAsync,
	}}
}

// csr returns a PKCS#10 request for cn.
func csr(t testing.TB, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// protocolKeys counts the keys of the protocol: everything but the
// broker's session state, the CA records and the device records (which
// remember each device's format as soon as it sends a request).
func (e *env) protocolKeys() int {
	e.t.Helper()
	n := 0
	for _, p := range []string{"user/", "feed/", "inbox/", "room/", "idx/", "seq/"} {
		n += e.count(p)
	}
	return n
}

// count returns the number of keys under prefix.
func (e *env) count(prefix string) int {
	e.t.Helper()
	n := 0
	if err := e.st.Scan([]byte(prefix), func(_, _ []byte) error { n++; return nil }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func subscribeTo(topic string) *paho.Subscribe {
	return &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}}
}

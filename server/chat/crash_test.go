package chat_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/auth"
	"github.com/chatim/chat/server/chat"
	"github.com/chatim/chat/server/client"
	"github.com/chatim/chat/server/store"
)

// chatdBuild holds the chatd binary, built on first use by the tests
// that run the real server process; TestMain removes it.
var chatdBuild struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if chatdBuild.dir != "" {
		os.RemoveAll(chatdBuild.dir)
	}
	os.Exit(code)
}

// chatdBinary builds tools/chatd once per test binary.
func chatdBinary(t *testing.T) string {
	t.Helper()
	chatdBuild.once.Do(func() {
		chatdBuild.dir, chatdBuild.err = os.MkdirTemp("", "chat-crash-")
		if chatdBuild.err != nil {
			return
		}
		chatdBuild.bin = filepath.Join(chatdBuild.dir, "chatd")
		out, err := exec.Command("go", "build", "-o", chatdBuild.bin, "github.com/chatim/chat/tools/chatd").CombinedOutput()
		if err != nil {
			chatdBuild.err = fmt.Errorf("building chatd: %v\n%s", err, out)
		}
	})
	if chatdBuild.err != nil {
		t.Fatal(chatdBuild.err)
	}
	return chatdBuild.bin
}

// chatdProc is one chatd process on a data directory, listening on TLS
// only.
type chatdProc struct {
	cmd    *exec.Cmd
	tls    string
	exited chan struct{}
	mu     sync.Mutex
	log    strings.Builder
}

// startChatdProc runs chatd on dir and waits for its "chatd started" line.
func startChatdProc(t *testing.T, dir string) *chatdProc {
	t.Helper()
	p := &chatdProc{exited: make(chan struct{})}
	p.cmd = exec.Command(chatdBinary(t), "--data", dir, "--log-format", "json",
		"--tls", "127.0.0.1:0", "--quic", "", "--ws", "", "--tcp", "", "--admin", "")
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.log.Write(sc.Bytes())
			p.log.WriteByte('\n')
			p.mu.Unlock()
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == "chatd started" {
				addr, _ := rec["tls"].(string)
				started <- addr
			}
		}
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.kill(t) })
	select {
	case p.tls = <-started:
	case <-p.exited:
		t.Fatalf("chatd exited before starting:\n%s", p.logText())
	case <-time.After(60 * time.Second):
		t.Fatalf("chatd did not start:\n%s", p.logText())
	}
	return p
}

func (p *chatdProc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// kill sends SIGKILL and waits for the process to end.
func (p *chatdProc) kill(t *testing.T) {
	select {
	case <-p.exited:
		return
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kill chatd: %v", err)
	}
	<-p.exited
}

// terminate stops chatd cleanly with SIGTERM.
func (p *chatdProc) terminate(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("chatd did not stop on SIGTERM:\n%s", p.logText())
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("chatd exited %d on SIGTERM:\n%s", code, p.logText())
	}
}

// crashCluster is a chatd that the test kills and restarts on the same
// data directory; clients follow it from generation to generation.
type crashCluster struct {
	t     *testing.T
	dir   string
	roots *x509.CertPool

	mu      sync.Mutex
	gen     int
	proc    *chatdProc
	changed chan struct{} // closed when gen changes
}

func newCrashCluster(t *testing.T) *crashCluster {
	c := &crashCluster{t: t, dir: filepath.Join(t.TempDir(), "data"), changed: make(chan struct{})}
	c.proc = startChatdProc(t, c.dir)
	pemBytes, err := os.ReadFile(filepath.Join(c.dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	c.roots = x509.NewCertPool()
	if !c.roots.AppendCertsFromPEM(pemBytes) {
		t.Fatal("no certificate in ca.pem")
	}
	return c
}

// current returns the generation, its TLS URL, and a channel closed when
// the generation ends.
func (c *crashCluster) current() (int, string, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen, "tls://" + c.proc.tls, c.changed
}

// crashAndRestart kills chatd with SIGKILL and starts it again on the same
// data directory.
func (c *crashCluster) crashAndRestart() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.proc.kill(c.t)
	c.proc = startChatdProc(c.t, c.dir)
	c.gen++
	close(c.changed)
	c.changed = make(chan struct{})
}

// wireConn is one device connected to the chatd process: requests are
// matched with replies by number; pushed messages (live deliveries and
// redeliveries) queue in pushes. Errors are returned, never fatal: the
// server may die under it.
type wireConn struct {
	id     string
	f      chat.Format
	c      *paho.Client
	mu     sync.Mutex
	no     int64
	wait   map[int64]chan wire.CHATProtocol
	pushMu sync.Mutex
	pushed []pushed
	wake   chan struct{}
}

type pushed struct {
	topic string
	m     wire.Message
}

// dialWire connects id to url with cert (nil: anonymous) and subscribes
// to its actions/ topic and to topics.
func dialWire(ctx context.Context, url string, roots *x509.CertPool, id string, cert *tls.Certificate, f chat.Format, topics ...string) (*wireConn, error) {
	w := &wireConn{id: id, f: f, wait: map[int64]chan wire.CHATProtocol{}, wake: make(chan struct{}, 1)}
	conf := &tls.Config{RootCAs: roots}
	if cert != nil {
		conf.Certificates = []tls.Certificate{*cert}
	}
	c, err := client.Connect(ctx, url, client.ConnectOptions{ClientID: id, CleanStart: true, TLS: conf, OnPublish: w.receive})
	if err != nil {
		return nil, err
	}
	w.c = c
	s := &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: auth.ActionsPrefix + id}}}
	for _, t := range topics {
		s.Subscriptions = append(s.Subscriptions, paho.SubscribeOptions{Topic: t})
	}
	ack, err := c.Subscribe(ctx, s)
	if err == nil {
		for _, r := range ack.Reasons {
			if r >= 0x80 {
				err = fmt.Errorf("subscription refused: %#x", r)
			}
		}
	}
	if err != nil {
		w.close()
		return nil, fmt.Errorf("%s: subscribe: %w", id, err)
	}
	return w, nil
}

func (w *wireConn) close() {
	_ = w.c.Disconnect(&paho.Disconnect{})
	<-w.c.Done()
}

func (w *wireConn) receive(p *paho.Publish) {
	m, _, err := chat.Decode(p.Payload)
	if err != nil {
		return // counted by nobody: the checks below find what is missing
	}
	if p.Topic == auth.ActionsPrefix+w.id && m.No != 0 {
		w.mu.Lock()
		ch := w.wait[m.No]
		delete(w.wait, m.No)
		w.mu.Unlock()
		if ch != nil {
			ch <- m.Body
		}
		return
	}
	if b, ok := m.Body.(*wire.CHATProtocol_Message); ok {
		w.pushMu.Lock()
		w.pushed = append(w.pushed, pushed{p.Topic, b.Value})
		w.pushMu.Unlock()
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// takePushed returns the messages pushed so far.
func (w *wireConn) takePushed() []pushed {
	w.pushMu.Lock()
	defer w.pushMu.Unlock()
	p := w.pushed
	w.pushed = nil
	return p
}

// request sends body and waits for its reply, the end of the connection
// or ctx.
func (w *wireConn) request(ctx context.Context, body wire.CHATProtocol) (wire.CHATProtocol, error) {
	ch := make(chan wire.CHATProtocol, 1)
	w.mu.Lock()
	w.no++
	no := w.no
	w.wait[no] = ch
	w.mu.Unlock()
	p := chat.Encode(w.f, &wire.CHATMessage{No: no, Body: body})
	if _, err := w.c.Publish(ctx, &paho.Publish{Topic: auth.EventsPrefix + w.id, QoS: 1, Payload: p}); err != nil {
		return nil, err
	}
	select {
	case r := <-ch:
		return r, nil
	case <-w.c.Done():
		return nil, errors.New(w.id + ": connection lost")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// notify publishes body as a request numbered 0, which gets no reply.
func (w *wireConn) notify(ctx context.Context, body wire.CHATProtocol) error {
	p := chat.Encode(w.f, &wire.CHATMessage{No: chat.NoReply, Body: body})
	_, err := w.c.Publish(ctx, &paho.Publish{Topic: auth.EventsPrefix + w.id, QoS: 1, Payload: p})
	return err
}

// registerWire registers nick through the protocol from anon.<device> and
// returns the issued certificate with its key.
func registerWire(ctx context.Context, url string, roots *x509.CertPool, nick, device string, f chat.Format) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: nick}}, key)
	if err != nil {
		return nil, err
	}
	w, err := dialWire(ctx, url, roots, "anon."+device, nil, f)
	if err != nil {
		return nil, err
	}
	defer w.close()
	r, err := w.request(ctx, &wire.CHATProtocol_Register{Value: wire.Register{Nickname: []byte(nick), Csr: csrDER, Password: []byte(testPassword)}})
	if err != nil {
		return nil, err
	}
	a, ok := r.(*wire.CHATProtocol_Auth)
	if !ok {
		return nil, fmt.Errorf("register %s: reply %#v", nick, r)
	}
	return &tls.Certificate{Certificate: [][]byte{a.Value.Cert}, PrivateKey: key}, nil
}

// crashMsg is a message the server acknowledged to its sender.
type crashMsg struct {
	table, id, text, to string
}

// crashLedger is what the clients observed.
type crashLedger struct {
	mu        sync.Mutex
	acked     []crashMsg
	perGen    map[int]int         // acknowledged messages per generation
	received  map[string]string   // recipient \x00 table \x00 id → text, ever received
	confirmed map[string]bool     // recipient \x00 table \x00 id: gone from the inbox (Ack answered OK or not_found)
	unsure    map[string]bool     // its Ack sent, no answer (the server died)
	progress  chan struct{}       // signalled on every acknowledged message
	errs      []string            // protocol errors seen by the clients
	texts     map[string]crashMsg // table \x00 id → acknowledged message
	dupIDs    map[string]int      // table \x00 id acknowledged again
}

func (l *crashLedger) ack(gen int, m crashMsg) {
	l.mu.Lock()
	l.acked = append(l.acked, m)
	l.perGen[gen]++
	k := m.table + "\x00" + m.id
	if _, dup := l.texts[k]; dup {
		l.dupIDs[k]++
	}
	l.texts[k] = m
	l.mu.Unlock()
	select {
	case l.progress <- struct{}{}:
	default:
	}
}

func (l *crashLedger) ackedIn(gen int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.perGen[gen]
}

func (l *crashLedger) fail(format string, a ...any) {
	l.mu.Lock()
	l.errs = append(l.errs, fmt.Sprintf(format, a...))
	l.mu.Unlock()
}

// TestCrashAcknowledgedMessagesSurvive runs QoS 1 chat messages from ten
// senders to ten friends (five of them connected, acknowledging what they
// receive, five offline) against a chatd process, killed with SIGKILL and
// restarted on the same data directory five times under load. Afterwards
// every message acknowledged to its sender is in its feed's History and
// reaches its recipient (the offline ones from their inbox), and once the
// recipients have acknowledged everything their inboxes are empty.
func TestCrashAcknowledgedMessagesSurvive(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a chatd process under load")
	}
	const (
		pairs    = 10
		online   = 5 // recipients 0..online-1 stay connected
		cycles   = 5
		perCycle = 40 // acknowledged messages per generation before its kill
	)
	cl := newCrashCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	senders, recipients := make([]string, pairs), make([]string, pairs)
	certs := map[string]*tls.Certificate{}
	var regMu sync.Mutex
	var wg sync.WaitGroup
	_, url, _ := cl.current()
	for i := range pairs {
		senders[i], recipients[i] = fmt.Sprintf("snd%02d", i), fmt.Sprintf("rcp%02d", i)
		for _, nick := range []string{senders[i], recipients[i]} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cert, err := registerWire(ctx, url, cl.roots, nick, nick, formats[i%2])
				regMu.Lock()
				defer regMu.Unlock()
				if err != nil {
					t.Errorf("register %s: %v", nick, err)
				}
				certs[nick] = cert
			}()
		}
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for i := range pairs {
		a, err := dialWire(ctx, url, cl.roots, senders[i]+".d1", certs[senders[i]], chat.DER)
		if err != nil {
			t.Fatal(err)
		}
		b, err := dialWire(ctx, url, cl.roots, recipients[i]+".d1", certs[recipients[i]], chat.ETF)
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			w *wireConn
			f wire.Friend
		}{
			{a, wire.Friend{Nickname: []byte(senders[i]), Friend: []byte(recipients[i]), Type: wire.FriendshipRequest}},
			{b, wire.Friend{Nickname: []byte(recipients[i]), Friend: []byte(senders[i]), Type: wire.FriendshipConfirm}},
		} {
			if r, err := step.w.request(ctx, &wire.CHATProtocol_Friend{Value: step.f}); err != nil {
				t.Fatal(err)
			} else if _, ok := r.(*wire.CHATProtocol_Error); ok {
				t.Fatalf("friend %v: %#v", step.f.Type, r)
			}
		}
		a.close()
		b.close()
	}

	l := &crashLedger{perGen: map[int]int{}, received: map[string]string{}, confirmed: map[string]bool{},
		unsure: map[string]bool{}, progress: make(chan struct{}, 1), texts: map[string]crashMsg{}, dupIDs: map[string]int{}}
	stop := make(chan struct{})
	var actors sync.WaitGroup
	for i := range pairs {
		actors.Add(1)
		go func() {
			defer actors.Done()
			crashSender(ctx, cl, l, stop, senders[i], recipients[i], certs[senders[i]], formats[i%2])
		}()
		if i < online {
			actors.Add(1)
			go func() {
				defer actors.Done()
				// Even recipients acknowledge as the client library does,
				// with unanswered, unsynced notifications.
				crashRecipient(ctx, cl, l, stop, recipients[i], senders[i], certs[recipients[i]], formats[(i+1)%2], i%2 == 0)
			}()
		}
	}
	// Kill chatd whenever the current generation has acknowledged
	// perCycle messages; after the last restart let it acknowledge as
	// many again.
	for gen := 0; gen <= cycles; gen++ {
		for l.ackedIn(gen) < perCycle {
			select {
			case <-l.progress:
			case <-ctx.Done():
				close(stop)
				actors.Wait()
				t.Fatalf("generation %d: only %d messages acknowledged: %v", gen, l.ackedIn(gen), l.errs)
			}
		}
		if gen < cycles {
			cl.crashAndRestart()
		}
	}
	close(stop)
	actors.Wait()
	for _, e := range l.errs {
		t.Error(e)
	}
	for k, n := range l.dupIDs {
		t.Errorf("id %q acknowledged %d more times for different messages", k, n)
	}

	// History: every acknowledged message is in its feed, with its text;
	// ids are unique and increasing.
	_, url, _ = cl.current()
	feeds := map[string][]wire.Message{} // table → messages, oldest first
	for i := range pairs {
		w, err := dialWire(ctx, url, cl.roots, senders[i]+".h1", certs[senders[i]], formats[i%2])
		if err != nil {
			t.Fatal(err)
		}
		table := "p2p/" + min(senders[i], recipients[i]) + "/" + max(senders[i], recipients[i])
		var entity int64
		for {
			r, err := w.request(ctx, &wire.CHATProtocol_History{Value: wire.History{
				Feed: &wire.HistoryFeed_P2p{Value: wire.P2P{From: []byte(senders[i]), To: []byte(recipients[i])}},
				Size: -50, Entity: entity, Status: wire.HistoryStatusGet,
			}})
			if err != nil {
				t.Fatal(err)
			}
			h, ok := r.(*wire.CHATProtocol_History)
			if !ok {
				t.Fatalf("history: %#v", r)
			}
			for _, m := range h.Value.Data {
				id, err := strconv.ParseInt(string(m.Id), 10, 64)
				if err != nil || id <= entity {
					t.Fatalf("%s: history id %q after %d", table, m.Id, entity)
				}
				entity = id
				feeds[table] = append(feeds[table], m)
			}
			if len(h.Value.Data) == 0 || h.Value.Status == wire.HistoryStatusLastloaded {
				break
			}
		}
		w.close()
	}
	found := 0
	for _, m := range l.acked {
		ok := false
		for _, h := range feeds[m.table] {
			if string(h.Id) == m.id {
				ok = textOf(h) == m.text
				break
			}
		}
		if ok {
			found++
		} else {
			t.Errorf("acknowledged message %s/%s %q is not in History", m.table, m.id, m.text)
		}
	}

	// Delivery: every recipient connects (again), gets its inbox
	// redelivered and acknowledges it. Every message of its feed must
	// reach it, but those whose Ack the server answered OK before (gone
	// from the inbox) and those whose Ack got no answer (gone or not: it
	// acknowledges them again below).
	for i := range pairs {
		rc, table := recipients[i], "p2p/"+min(senders[i], recipients[i])+"/"+max(senders[i], recipients[i])
		w, err := dialWire(ctx, url, cl.roots, rc+".d1", certs[rc], formats[(i+1)%2])
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		l.mu.Lock()
		for _, m := range feeds[table] {
			k := rc + "\x00" + table + "\x00" + string(m.Id)
			if !l.confirmed[k] && !l.unsure[k] {
				want[string(m.Id)] = true
			}
		}
		var unsure []string
		for k := range l.unsure {
			if p := strings.Split(k, "\x00"); p[0] == rc && !l.confirmed[k] {
				unsure = append(unsure, p[2])
			}
		}
		l.mu.Unlock()
		if i >= online && len(want) != len(feeds[table]) {
			t.Fatalf("%s was never connected but acknowledged messages", rc)
		}
		for _, id := range unsure {
			r, err := w.request(ctx, &wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: []byte(id)}})
			if err != nil {
				t.Fatal(err)
			}
			if e, ok := r.(*wire.CHATProtocol_Error); ok && e.Value.Code != chat.CodeNotFound {
				t.Fatalf("%s: ack %s: %s", rc, id, e.Value.Code)
			}
		}
		for len(want) > 0 {
			for _, p := range w.takePushed() {
				if p.topic != auth.ActionsPrefix+w.id || tableOfMessage(p.m) != table {
					t.Fatalf("%s: unexpected push on %s", rc, p.topic)
				}
				id := string(p.m.Id)
				l.mu.Lock()
				l.received[rc+"\x00"+table+"\x00"+id] = textOf(p.m)
				l.mu.Unlock()
				r, err := w.request(ctx, &wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: p.m.Id}})
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := r.(*wire.CHATProtocol_Ok); !ok && want[id] {
					t.Fatalf("%s: ack of redelivered %s: %#v", rc, id, r)
				}
				delete(want, id)
			}
			if len(want) == 0 {
				break
			}
			select {
			case <-w.wake:
			case <-ctx.Done():
				t.Fatalf("%s: %d messages never redelivered", rc, len(want))
			}
		}
		w.close()
	}
	delivered := 0
	l.mu.Lock()
	for _, m := range l.acked {
		if text, ok := l.received[m.to+"\x00"+m.table+"\x00"+m.id]; ok && text == m.text {
			delivered++
		} else {
			t.Errorf("acknowledged message %s/%s never reached %s", m.table, m.id, m.to)
		}
	}
	l.mu.Unlock()

	// The inboxes are empty: read the store after a clean stop.
	cl.mu.Lock()
	cl.proc.terminate(t)
	cl.mu.Unlock()
	st, err := store.Open(filepath.Join(cl.dir, "db"), &store.Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	left := 0
	for _, rc := range recipients {
		if err := st.Scan([]byte("inbox/"+rc+"/"), func(k, _ []byte) error { left++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	stored := 0
	for table := range feeds {
		if err := st.Scan([]byte("feed/"+table+"/"), func(_, _ []byte) error { stored++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for _, ms := range feeds {
		total += len(ms)
	}
	t.Logf("%d kill-and-restart cycles: %d messages acknowledged to senders, %d found in History, %d delivered, %d lost; %d stored (%d never acknowledged: the server died first); %d inbox entries left",
		cycles, len(l.acked), found, delivered, len(l.acked)-min(found, delivered), total, total-len(l.acked), left)
	if left != 0 || stored != total {
		t.Errorf("%d inbox entries left after every Ack; %d feed records, %d in History", left, stored, total)
	}
	if found != len(l.acked) || delivered != len(l.acked) {
		t.Errorf("lost: %d not in History, %d not delivered of %d acknowledged", len(l.acked)-found, len(l.acked)-delivered, len(l.acked))
	}
}

// tableOfMessage returns the table of a private message.
func tableOfMessage(m wire.Message) string {
	p, ok := m.Feed.(*wire.MessageFeed_P2p)
	if !ok {
		return ""
	}
	a, b := string(p.Value.From), string(p.Value.To)
	return "p2p/" + min(a, b) + "/" + max(a, b)
}

// follow connects id to the current generation, retrying in the next one
// until stop is closed. It returns nil when stopped.
func follow(ctx context.Context, cl *crashCluster, stop <-chan struct{}, id string, cert *tls.Certificate, f chat.Format, topics ...string) (*wireConn, int) {
	for {
		gen, url, changed := cl.current()
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		w, err := dialWire(cctx, url, cl.roots, id, cert, f, topics...)
		cancel()
		if err == nil {
			return w, gen
		}
		select { // the generation died while connecting: wait for the next
		case <-changed:
		case <-stop:
			return nil, 0
		case <-ctx.Done():
			return nil, 0
		}
	}
}

// crashSender sends messages to its friend until stop is closed,
// reconnecting after each crash, and records every acknowledged one.
func crashSender(ctx context.Context, cl *crashCluster, l *crashLedger, stop <-chan struct{}, nick, friend string, cert *tls.Certificate, f chat.Format) {
	table := "p2p/" + min(nick, friend) + "/" + max(nick, friend)
	for k := 0; ; {
		w, gen := follow(ctx, cl, stop, nick+".d1", cert, f)
		if w == nil {
			return
		}
		for ; ; k++ {
			select {
			case <-stop:
				w.close()
				return
			default:
			}
			text := fmt.Sprintf("%s→%s #%d", nick, friend, k)
			r, err := w.request(ctx, p2pMessage(nick, friend, text))
			if err != nil {
				k++
				break // the server died: the message may or may not be stored
			}
			switch r := r.(type) {
			case *wire.CHATProtocol_Ack:
				if string(r.Value.Table) != table {
					l.fail("%s: Ack of %s", nick, r.Value.Table)
				}
				l.ack(gen, crashMsg{table: table, id: string(r.Value.Id), text: text, to: friend})
			case *wire.CHATProtocol_Error:
				// internal: the store refused (closing) — nothing was stored
				if r.Value.Code != chat.CodeInternal {
					l.fail("%s: message refused: %s", nick, r.Value.Code)
				}
			default:
				l.fail("%s: reply %T", nick, r)
			}
		}
		w.close()
	}
}

// crashRecipient stays connected to its private feed, reconnecting after
// each crash, and acknowledges every message it receives: with requests
// that await the synced OK, or with notifications (request number 0),
// which leave the entry unsure: a crash may undo the delete.
func crashRecipient(ctx context.Context, cl *crashCluster, l *crashLedger, stop <-chan struct{}, nick, friend string, cert *tls.Certificate, f chat.Format, notify bool) {
	table := "p2p/" + min(nick, friend) + "/" + max(nick, friend)
	topic := auth.PrivatePrefix + min(nick, friend) + "/" + max(nick, friend)
	for {
		w, _ := follow(ctx, cl, stop, nick+".d1", cert, f, topic)
		if w == nil {
			return
		}
	serve:
		for {
			for _, p := range w.takePushed() {
				if string(p.m.From) == nick || tableOfMessage(p.m) != table {
					l.fail("%s: unexpected message from %s on %s", nick, p.m.From, p.topic)
					continue
				}
				k := nick + "\x00" + table + "\x00" + string(p.m.Id)
				l.mu.Lock()
				l.received[k] = textOf(p.m)
				l.unsure[k] = true
				l.mu.Unlock()
				if notify {
					if err := w.notify(ctx, &wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: p.m.Id}}); err != nil {
						break serve
					}
					continue
				}
				r, err := w.request(ctx, &wire.CHATProtocol_Ack{Value: wire.Ack{Table: []byte(table), Id: p.m.Id}})
				if err != nil {
					break serve
				}
				// OK, or not_found when the message came live and again
				// from the inbox and the first Ack won: either way the
				// entry is gone. internal: the store is closing.
				e, refused := r.(*wire.CHATProtocol_Error)
				switch {
				case !refused || e.Value.Code == chat.CodeNotFound:
					l.mu.Lock()
					l.confirmed[k] = true
					delete(l.unsure, k)
					l.mu.Unlock()
				case e.Value.Code != chat.CodeInternal:
					l.fail("%s: Ack refused: %s", nick, e.Value.Code)
				}
			}
			select {
			case <-w.wake:
			case <-w.c.Done():
				break serve
			case <-stop:
				w.close()
				return
			}
		}
		w.close()
	}
}

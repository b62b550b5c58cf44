package chat

import (
	"encoding/binary"
	"errors"
	"sync"
	"time"

	wire "github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/server/auth"
	"github.com/chatim/chat/server/store"
)

// delivery keeps, for every connected user, which inbox entries have been
// sent and until when the user has to acknowledge them. One goroutine
// sends: entries never sent (after a reconnect, or beyond the window of
// MaxUnacked) and entries whose acknowledgement is overdue, in inbox order,
// on actions/<client> of every connected device of the user.
type delivery struct {
	h       *Hook
	timeout time.Duration // < 0: never by timer
	max     int

	mu    sync.Mutex
	users map[string]*userDelivery // connected users only

	wake chan struct{}
	quit chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

type userDelivery struct {
	sent    map[string]time.Time // entry (table \x00 id) → acknowledgement deadline
	backlog bool                 // the inbox may hold entries not in sent
}

func newDelivery(h *Hook) *delivery {
	return &delivery{
		h: h, timeout: h.opts.AckTimeout, max: h.opts.MaxUnacked,
		users: map[string]*userDelivery{},
		wake:  make(chan struct{}, 1), quit: make(chan struct{}),
	}
}

func entryKey(table string, id uint64) string { return table + "\x00" + be8(id) }

func (d *delivery) deadline() time.Time {
	if d.timeout < 0 {
		return time.Unix(1<<62, 0)
	}
	return d.h.now().Add(d.timeout)
}

func (d *delivery) start() {
	d.wg.Add(1)
	go d.loop()
}

func (d *delivery) stop() {
	d.once.Do(func() { close(d.quit) })
	d.wg.Wait()
}

func (d *delivery) signal() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *delivery) loop() {
	defer d.wg.Done()
	tick := d.timeout / 4
	if d.timeout < 0 || tick > time.Second {
		tick = time.Second
	}
	if tick < 10*time.Millisecond {
		tick = 10 * time.Millisecond
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-d.quit:
			return
		case <-d.wake:
		case <-t.C:
		}
		for _, nick := range d.due() {
			d.pump(nick)
		}
	}
}

// due returns the users with entries to send: a backlog or an overdue
// acknowledgement.
func (d *delivery) due() []string {
	now := d.h.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for nick, u := range d.users {
		if u.backlog {
			out = append(out, nick)
			continue
		}
		for _, dl := range u.sent {
			if !now.Before(dl) {
				out = append(out, nick)
				break
			}
		}
	}
	return out
}

// connected starts delivering nick's inbox from its beginning.
func (d *delivery) connected(nick string) {
	d.mu.Lock()
	d.users[nick] = &userDelivery{sent: map[string]time.Time{}, backlog: true}
	d.mu.Unlock()
	d.signal()
}

// disconnected forgets nick's delivery state: the inbox is sent again from
// its beginning on the next connection.
func (d *delivery) disconnected(nick string) {
	d.mu.Lock()
	delete(d.users, nick)
	d.mu.Unlock()
}

// published records that an inbox entry of nick was just published on its
// feed topic: it is due for acknowledgement like a delivered one. Beyond
// the window it is left to the backlog.
func (d *delivery) published(nick, table string, id uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u := d.users[nick]
	if u == nil {
		return
	}
	if len(u.sent) < d.max {
		u.sent[entryKey(table, id)] = d.deadline()
	} else {
		u.backlog = true
	}
}

// acked forgets an acknowledged entry and lets the next ones go.
func (d *delivery) acked(nick, table string, id uint64) {
	d.mu.Lock()
	u := d.users[nick]
	if u != nil {
		delete(u.sent, entryKey(table, id))
	}
	backlog := u != nil && u.backlog
	d.mu.Unlock()
	if backlog {
		d.signal()
	}
}

// inboxEntry is one entry of an inbox queue.
type inboxEntry struct {
	key   []byte // inbox/<nick>/q/<n>
	table string
	id    uint64
}

// pump sends nick's due entries: it walks the first MaxUnacked entries of
// the inbox in order, sending those not sent yet or overdue.
func (d *delivery) pump(nick string) {
	var entries []inboxEntry
	complete := true
	err := d.h.st.Scan(inboxQueuePrefix(nick), func(k, v []byte) error {
		if len(entries) == d.max {
			complete = false
			return store.ErrStop
		}
		var a wire.Ack
		id, ok := uint64(0), false
		if err := a.UnmarshalDER(v); err == nil {
			id, ok = parseID(a.Id)
		}
		if !ok {
			return errors.Join(store.ErrCorrupt, errors.New("chat: inbox entry "+string(k)))
		}
		entries = append(entries, inboxEntry{key: append([]byte(nil), k...), table: string(a.Table), id: id})
		return nil
	})
	if err != nil {
		d.h.log.Error("inbox scan failed", "user", nick, "error", err)
		return
	}
	now := d.h.now()
	var send []inboxEntry
	d.mu.Lock()
	u := d.users[nick]
	if u == nil {
		d.mu.Unlock()
		return
	}
	for _, e := range entries {
		k := entryKey(e.table, e.id)
		if dl, ok := u.sent[k]; ok && now.Before(dl) {
			continue
		}
		u.sent[k] = d.deadline()
		send = append(send, e)
	}
	u.backlog = !complete
	d.mu.Unlock()
	if len(send) == 0 {
		return
	}
	clients := d.h.online.clients(nick)
	for _, e := range send {
		var m wire.Message
		found, err := d.h.load(feedKey(e.table, e.id), &m)
		if err != nil {
			d.h.log.Error("inbox message unreadable", "user", nick, "table", e.table, "id", e.id, "error", err)
			continue
		}
		if !found { // the feed is gone (a deleted room): the entry is void
			d.h.dropInbox(nick, e)
			continue
		}
		for _, c := range clients {
			d.h.send(auth.ActionsPrefix+c, d.h.formatOf(c), 0, &wire.CHATProtocol_Message{Value: m})
		}
	}
}

// dropInbox deletes an inbox entry whose message no longer exists.
func (h *Hook) dropInbox(nick string, e inboxEntry) {
	b := h.st.NewBatch()
	_ = b.Delete(e.key)
	_ = b.Delete(inboxRefKey(nick, e.table, e.id))
	if err := b.Commit(); err != nil {
		h.log.Error("inbox cleanup failed", "user", nick, "error", err)
	}
	h.dlv.acked(nick, e.table, e.id)
}

// addInbox adds the message id of table to nick's inbox in batch b,
// unless it is already there (an edit of a message not yet acknowledged).
// It reports whether an entry was added.
func (h *Hook) addInbox(b *store.Batch, nick, table string, id uint64, checkDup bool) (bool, error) {
	ref := inboxRefKey(nick, table, id)
	if checkDup {
		if dup, err := h.exists(ref); err != nil || dup {
			return false, err
		}
	}
	n, err := b.NextSeq(inboxSeqName(nick))
	if err != nil {
		return false, err
	}
	if err := put(b, inboxQueueKey(nick, n), &wire.Ack{Table: []byte(table), Id: formatID(id)}); err != nil {
		return false, err
	}
	return true, b.Set(ref, binary.BigEndian.AppendUint64(nil, n))
}

// ack serves a recipient's Ack{table, id}: the inbox entry is deleted
// and the next entries may be sent. The delete is synced when the Ack
// expects a reply. An Ack with no reply (NoReply, as clients send them)
// is not synced: a crash may undo it, and the message is then delivered
// once more, which recipients recognise by its id.
func (h *Hook) ack(rq *request, a *wire.Ack) (wire.CHATProtocol, error) {
	f, ok := parseTable(string(a.Table))
	id, idOK := parseID(a.Id)
	if !ok || !idOK {
		return nil, refuse(CodeInvalidData, "ack of %q/%q", a.Table, a.Id)
	}
	ref := inboxRefKey(rq.nick, f.table, id)
	mu := h.inboxLock(rq.nick)
	mu.Lock()
	defer mu.Unlock()
	v, err := h.st.Get(ref)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse(CodeNotFound, "no inbox entry %s/%d", f.table, id)
	}
	if err != nil {
		return nil, err
	}
	if len(v) != 8 {
		return nil, errors.Join(store.ErrCorrupt, errors.New("chat: inbox reference "+string(ref)))
	}
	// Both keys were Set once by addInbox, which never sets a reference
	// that exists, and the inbox lock keeps two Acks of one entry from
	// both deleting it: single deletions let them vanish with their Sets.
	b := h.st.NewBatch()
	if err := b.SingleDelete(ref); err != nil {
		b.Discard()
		return nil, err
	}
	if err := b.SingleDelete(inboxQueueKey(rq.nick, binary.BigEndian.Uint64(v))); err != nil {
		b.Discard()
		return nil, err
	}
	commit := b.Commit
	if rq.no == NoReply {
		commit = b.CommitNoSync
	}
	if err := commit(); err != nil {
		return nil, err
	}
	h.dlv.acked(rq.nick, f.table, id)
	return okReply("acked"), nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
)

var cmdTUI = &command{usage: "", run: runTUI}

// runTUI opens the full-screen messenger as the profile's own device.
func runTUI(e *env, _ *flagSet, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q (see chat help)", args[0])
	}
	p, err := e.profile()
	if err != nil {
		return err
	}
	cfg, err := e.config(p, p.Device)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	sess := client.NewSession(cfg)
	runDone := make(chan error, 1)
	go func() { runDone <- sess.Run(ctx) }()

	m := newModel(ctx, p.Nick, cfg.URL, sess, e.timeout)
	prog := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx))
	go func() {
		for ev := range sess.Events() {
			prog.Send(eventMsg{ev})
		}
	}()
	_, err = prog.Run()
	cancel()
	<-runDone
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// Messages of the interface.
type (
	eventMsg   struct{ ev client.Event }
	historyMsg struct {
		table    string
		msgs     []chat.Message
		complete bool
		older    bool
		err      error
	}
	sentMsg struct {
		table string
		key   int
		id    string
		err   error
	}
	noticeMsg struct {
		text string
		err  error
	}
	rosterMsg struct{ roster chat.Roster }
	tickMsg   time.Time
)

// model is the state of the interface.
type model struct {
	ctx     context.Context
	me, url string
	sess    *client.Session
	timeout time.Duration

	state    client.ConnState
	stateErr error

	convs   []*conv
	byTable map[string]*conv
	sel     int

	input   []rune
	cursor  int
	help    bool
	notice  string
	nextKey int
	typed   time.Time // when a typing notice was last sent

	width, height int
}

func newModel(ctx context.Context, me, url string, sess *client.Session, timeout time.Duration) *model {
	return &model{ctx: ctx, me: me, url: url, sess: sess, timeout: timeout, byTable: map[string]*conv{},
		width: 80, height: 24}
}

// Init starts the clock of typing notices.
func (m *model) Init() tea.Cmd { return tick() }

func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// current returns the open conversation, or nil.
func (m *model) current() *conv {
	if m.sel >= 0 && m.sel < len(m.convs) {
		return m.convs[m.sel]
	}
	return nil
}

// convOf returns the conversation of a feed, creating it.
func (m *model) convOf(f client.Feed) *conv {
	if c := m.byTable[f.Table()]; c != nil {
		return c
	}
	c := &conv{feed: f, typing: map[string]time.Time{}}
	if f.IsRoom() {
		c.title = "#" + f.Room
	} else {
		c.title = f.Other(m.me)
	}
	var cur *conv
	if x := m.current(); x != nil {
		cur = x
	}
	m.byTable[f.Table()] = c
	m.convs = append(m.convs, c)
	m.sortConvs(cur)
	return c
}

// sortConvs orders conversations (rooms after friends, by title) and
// keeps cur selected.
func (m *model) sortConvs(cur *conv) {
	sort.SliceStable(m.convs, func(i, j int) bool {
		a, b := m.convs[i], m.convs[j]
		if a.feed.IsRoom() != b.feed.IsRoom() {
			return !a.feed.IsRoom()
		}
		return a.title < b.title
	})
	for i, c := range m.convs {
		if c == cur {
			m.sel = i
		}
	}
}

// request runs fn with the current connection in a command.
func (m *model) request(fn func(ctx context.Context, c *client.Conn) tea.Msg) tea.Cmd {
	sess, parent, timeout := m.sess, m.ctx, m.timeout
	return func() tea.Msg {
		c := sess.Conn()
		if c == nil {
			return noticeMsg{err: client.ErrNoConnection}
		}
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		return fn(ctx, c)
	}
}

// loadHistory reads the page of conversation c older than before (0: the
// newest).
func (m *model) loadHistory(c *conv, before int64) tea.Cmd {
	f := c.feed
	return m.request(func(ctx context.Context, conn *client.Conn) tea.Msg {
		msgs, complete, err := conn.History(ctx, f, historyPage, before)
		return historyMsg{table: f.Table(), msgs: msgs, complete: complete, older: before > 0, err: err}
	})
}

const historyPage = 50

// Update handles one message.
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch x := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = x.Width, x.Height
	case tea.KeyMsg:
		return m, m.key(x)
	case tickMsg:
		return m, tick()
	case eventMsg:
		return m, m.event(x.ev)
	case historyMsg:
		c := m.byTable[x.table]
		if x.err != nil {
			m.notice = "history: " + describeErr(x.err)
			return m, nil
		}
		if c != nil {
			for i := range x.msgs {
				c.add(&x.msgs[i], m.me)
			}
			c.loaded = true
			if x.complete || (x.older && len(x.msgs) == 0) {
				c.complete = true
			}
		}
	case sentMsg:
		if c := m.byTable[x.table]; c != nil {
			c.sent(x.key, x.id, x.err != nil)
		}
		if x.err != nil {
			m.notice = "not sent: " + describeErr(x.err)
		}
	case noticeMsg:
		if x.err != nil {
			m.notice = describeErr(x.err)
		} else {
			m.notice = x.text
		}
	case rosterMsg:
		m.roster(x.roster, true)
		return m, m.loadCurrent()
	}
	return m, nil
}

// loadCurrent reads the history of the open conversation once.
func (m *model) loadCurrent() tea.Cmd {
	c := m.current()
	if c == nil || c.loaded || m.state != client.Connected {
		return nil
	}
	c.loaded = true // one request at a time
	return m.loadHistory(c, 0)
}

// roster merges the contacts and rooms of a roster.
func (m *model) roster(r chat.Roster, full bool) {
	cur := m.current()
	for _, ct := range r.Contacts {
		nick := string(ct.Nickname)
		f := client.Private(m.me, nick)
		if ct.Status == chat.ContactStatusDeleted {
			continue
		}
		c := m.convOf(f)
		c.status = ct.Status
		c.online = ct.Presence == chat.PresenceTypeOnline
	}
	for _, room := range r.Topics {
		c := m.convOf(client.RoomFeed(string(room.Id)))
		if len(room.Name) > 0 {
			c.title = "#" + string(room.Id) + " " + string(room.Name)
		}
	}
	if cur == nil && len(m.convs) > 0 {
		cur = m.convs[0]
	}
	m.sortConvs(cur)
}

// event handles one event of the session.
func (m *model) event(ev client.Event) tea.Cmd {
	switch e := ev.(type) {
	case client.StateEvent:
		m.state, m.stateErr = e.State, e.Err
		if e.State == client.Connected {
			for _, c := range m.convs {
				c.loaded = false // catch up with what was missed
			}
			return m.loadCurrent()
		}
		if e.State == client.Closed && e.Err != nil && !errors.Is(e.Err, context.Canceled) {
			m.notice = describeErr(e.Err)
		}
	case client.NoticeEvent:
		switch b := e.Body.(type) {
		case *chat.CHATProtocol_Roster:
			m.roster(b.Value, b.Value.Status == chat.RosterStatusList)
			return m.loadCurrent()
		case *chat.CHATProtocol_Room:
			if b.Value.Status == chat.RoomStatusDelete {
				m.notice = "room #" + string(b.Value.Id) + " was deleted"
			}
		}
	case client.MessageEvent:
		c := m.convOf(e.Feed)
		fresh := c.add(&e.Message, m.me)
		from := string(e.Message.From)
		delete(c.typing, from)
		if from == m.me {
			return nil
		}
		if fresh && c != m.current() {
			c.unread++
		}
		f, id := e.Feed, string(e.Message.Id)
		return m.request(func(ctx context.Context, conn *client.Conn) tea.Msg {
			if err := conn.Ack(ctx, f, id); err != nil {
				return noticeMsg{err: err}
			}
			if !f.IsRoom() {
				_ = conn.Delivered(ctx, f, id)
			}
			return nil
		})
	case client.TypingEvent:
		if e.Nick != m.me {
			m.convOf(e.Feed).typing[e.Nick] = time.Now()
		}
	case client.ReceiptEvent:
		if e.Nick != m.me {
			if c := m.byTable[e.Feed.Table()]; c != nil {
				c.delivered(e.ID)
			}
		}
	case client.PresenceEvent:
		if c := m.byTable[client.Private(m.me, e.Nick).Table()]; c != nil {
			c.online = e.Online
		}
	}
	return nil
}

// key handles one key press.
func (m *model) key(k tea.KeyMsg) tea.Cmd {
	if m.help {
		switch k.String() {
		case "ctrl+c", "ctrl+q":
			return tea.Quit
		}
		m.help = false
		return nil
	}
	switch k.String() {
	case "ctrl+c", "ctrl+q":
		return tea.Quit
	case "?":
		if len(m.input) == 0 {
			m.help = true
			return nil
		}
	case "tab", "down", "ctrl+n":
		return m.move(1)
	case "shift+tab", "up", "ctrl+p":
		return m.move(-1)
	case "pgup":
		if c := m.current(); c != nil {
			c.scroll += m.pane() / 2
			if !c.complete && c.loaded && c.scroll+m.pane() >= len(c.lines) {
				return m.loadHistory(c, c.oldest())
			}
		}
		return nil
	case "pgdown":
		if c := m.current(); c != nil {
			c.scroll = max(0, c.scroll-m.pane()/2)
		}
		return nil
	case "enter":
		return m.submit()
	case "esc":
		m.input, m.cursor, m.notice = nil, 0, ""
		return nil
	case "backspace":
		if m.cursor > 0 {
			m.input = append(m.input[:m.cursor-1], m.input[m.cursor:]...)
			m.cursor--
		}
		return nil
	case "delete":
		if m.cursor < len(m.input) {
			m.input = append(m.input[:m.cursor], m.input[m.cursor+1:]...)
		}
		return nil
	case "left":
		m.cursor = max(0, m.cursor-1)
		return nil
	case "right":
		m.cursor = min(len(m.input), m.cursor+1)
		return nil
	case "home", "ctrl+a":
		m.cursor = 0
		return nil
	case "end", "ctrl+e":
		m.cursor = len(m.input)
		return nil
	case "ctrl+u":
		m.input, m.cursor = nil, 0
		return nil
	}
	if k.Type != tea.KeyRunes && k.Type != tea.KeySpace {
		return nil
	}
	r := k.Runes
	if k.Type == tea.KeySpace {
		r = []rune{' '}
	}
	m.input = append(m.input[:m.cursor], append(append([]rune(nil), r...), m.input[m.cursor:]...)...)
	m.cursor += len(r)
	return m.typing()
}

// typing tells the open conversation that the user types, at most every
// three seconds.
func (m *model) typing() tea.Cmd {
	c := m.current()
	if c == nil || strings.HasPrefix(string(m.input), "/") || time.Since(m.typed) < 3*time.Second {
		return nil
	}
	m.typed = time.Now()
	f := c.feed
	return m.request(func(ctx context.Context, conn *client.Conn) tea.Msg {
		_ = conn.Typing(ctx, f)
		return nil
	})
}

// move opens the next or previous conversation.
func (m *model) move(d int) tea.Cmd {
	if len(m.convs) == 0 {
		return nil
	}
	m.sel = (m.sel + d + len(m.convs)) % len(m.convs)
	c := m.current()
	c.unread = 0
	m.typed = time.Time{}
	return m.loadCurrent()
}

// submit sends the input line, or runs it when it is a command.
func (m *model) submit() tea.Cmd {
	text := strings.TrimSpace(string(m.input))
	m.input, m.cursor = nil, 0
	if text == "" {
		return nil
	}
	if strings.HasPrefix(text, "/") {
		return m.command(strings.Fields(text))
	}
	c := m.current()
	if c == nil {
		m.notice = "no conversation open: add a friend with /add NICK"
		return nil
	}
	m.nextKey++
	key := m.nextKey
	c.lines = append(c.lines, line{from: m.me, text: text, created: time.Now(), mark: markPending, local: key})
	c.scroll = 0
	m.typed = time.Time{}
	f := c.feed
	return m.request(func(ctx context.Context, conn *client.Conn) tea.Msg {
		id, err := conn.Send(ctx, f, text)
		return sentMsg{table: f.Table(), key: key, id: id, err: err}
	})
}

// command runs a slash command.
func (m *model) command(args []string) tea.Cmd {
	need := func(n int, usage string) bool {
		if len(args) < n {
			m.notice = "usage: " + usage
			return false
		}
		return true
	}
	friend := func(nick string, t chat.Friendship) tea.Cmd {
		return m.request(func(ctx context.Context, conn *client.Conn) tea.Msg {
			ct, err := conn.Friend(ctx, nick, t)
			if err != nil {
				return noticeMsg{err: err}
			}
			return rosterMsg{chat.Roster{Contacts: []chat.Contact{ct}, Status: chat.RosterStatusUpdate}}
		})
	}
	switch args[0] {
	case "/quit", "/q":
		return tea.Quit
	case "/help":
		m.help = true
	case "/add":
		if need(2, "/add NICK") {
			return friend(args[1], chat.FriendshipRequest)
		}
	case "/accept":
		if need(2, "/accept NICK") {
			return friend(args[1], chat.FriendshipConfirm)
		}
	case "/room":
		if need(2, "/room NAME [NICK...]") {
			req := chat.Room{Id: []byte(slug(args[1])), Name: []byte(args[1]), Members: members(args[2:]), Status: chat.RoomStatusCreate}
			return m.request(func(ctx context.Context, conn *client.Conn) tea.Msg {
				r, err := conn.RoomRequest(ctx, req)
				if err != nil {
					return noticeMsg{err: err}
				}
				_ = conn.FollowRoom(ctx, string(r.Id))
				return rosterMsg{chat.Roster{Topics: []chat.Room{r}, Status: chat.RosterStatusUpdate}}
			})
		}
	case "/invite":
		c := m.current()
		if c == nil || !c.feed.IsRoom() {
			m.notice = "/invite works in a room"
			return nil
		}
		if need(2, "/invite NICK...") {
			req := chat.Room{Id: []byte(c.feed.Room), Members: members(args[1:]), Status: chat.RoomStatusAdd}
			return m.request(func(ctx context.Context, conn *client.Conn) tea.Msg {
				if _, err := conn.RoomRequest(ctx, req); err != nil {
					return noticeMsg{err: err}
				}
				return noticeMsg{text: "invited " + strings.Join(args[1:], ", ")}
			})
		}
	default:
		m.notice = fmt.Sprintf("unknown command %s (press ? for help)", args[0])
	}
	return nil
}

// describeErr says what went wrong in a few words.
func describeErr(err error) string {
	var re *client.Error
	switch {
	case errors.As(err, &re):
		return explain("", re.Code)
	case errors.Is(err, client.ErrNoConnection):
		return "not connected; the message was not sent"
	case errors.Is(err, client.ErrRejected):
		return "the server refused this profile's credentials"
	case errors.Is(err, client.ErrUnknownServer):
		return "the server's certificate is not trusted"
	}
	return err.Error()
}

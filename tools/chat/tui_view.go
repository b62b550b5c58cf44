package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
)

var (
	styleTitle    = lipgloss.NewStyle().Bold(true)
	styleSelected = lipgloss.NewStyle().Reverse(true)
	styleFaint    = lipgloss.NewStyle().Faint(true)
	styleOnline   = lipgloss.NewStyle().Foreground(lipgloss.Color("2"))
	styleWarn     = lipgloss.NewStyle().Foreground(lipgloss.Color("3"))
	styleError    = lipgloss.NewStyle().Foreground(lipgloss.Color("1"))
	styleMe       = lipgloss.NewStyle().Foreground(lipgloss.Color("6"))
	styleUnread   = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("5"))
)

// listWidth is the width of the conversation list.
const listWidth = 24

// pane returns the height of the message pane.
func (m *model) pane() int { return max(1, m.height-4) }

// fit pads or truncates s to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// View draws the screen: header, conversation list beside the open
// conversation, the typing line, the input line and the status line.
func (m *model) View() string {
	if m.help {
		return m.helpView()
	}
	w := max(m.width, listWidth+20)
	var b strings.Builder
	b.WriteString(fit(styleTitle.Render("chat")+" — "+m.me+" on "+m.url+"   "+m.stateView(), w))
	b.WriteByte('\n')

	h := m.pane()
	left := m.listView(h)
	right := m.convView(w-listWidth-1, h)
	for i := 0; i < h; i++ {
		b.WriteString(fit(left[i], listWidth))
		b.WriteString(styleFaint.Render("│"))
		b.WriteString(fit(right[i], w-listWidth-1))
		b.WriteByte('\n')
	}
	// The typing line.
	typing := ""
	if c := m.current(); c != nil {
		if t := c.typers(time.Now()); len(t) > 0 {
			verb := " is typing…"
			if len(t) > 1 {
				verb = " are typing…"
			}
			typing = styleFaint.Render(strings.Join(t, ", ") + verb)
		}
	}
	b.WriteString(fit(typing, w))
	b.WriteByte('\n')
	// The input line with its cursor.
	in := string(m.input[:m.cursor]) + "█" + string(m.input[m.cursor:])
	prompt := "> "
	if c := m.current(); c != nil {
		prompt = c.titleShort() + "> "
	}
	b.WriteString(fit(prompt+in, w))
	b.WriteByte('\n')
	status := styleFaint.Render("? help · tab next conversation · pgup older · ctrl+c quit")
	if m.notice != "" {
		status = styleWarn.Render(m.notice)
	}
	b.WriteString(fit(status, w))
	return b.String()
}

func (c *conv) titleShort() string {
	if c.feed.IsRoom() {
		return "#" + c.feed.Room
	}
	return c.title
}

// stateView shows the connection state.
func (m *model) stateView() string {
	switch m.state {
	case client.Connected:
		return styleOnline.Render("● connected")
	case client.Connecting:
		return styleWarn.Render("◌ connecting…")
	case client.Disconnected:
		s := "○ disconnected, reconnecting"
		if m.stateErr != nil {
			s += ": " + describeErr(m.stateErr)
		}
		return styleError.Render(s)
	}
	s := "✕ closed"
	if m.stateErr != nil {
		s += ": " + describeErr(m.stateErr)
	}
	return styleError.Render(s)
}

// listView draws the conversation list: presence, title, unread count.
func (m *model) listView(h int) []string {
	out := make([]string, h)
	if len(m.convs) == 0 {
		out[0] = styleFaint.Render(" no conversations")
		if h > 1 {
			out[1] = styleFaint.Render(" /add NICK")
		}
		return out
	}
	first := 0
	if m.sel >= h {
		first = m.sel - h + 1
	}
	for i := 0; i < h && first+i < len(m.convs); i++ {
		c := m.convs[first+i]
		dot := " "
		switch {
		case c.feed.IsRoom():
			dot = " "
		case c.status != chat.ContactStatusFriend:
			dot = "?"
		case c.online:
			dot = styleOnline.Render("●")
		default:
			dot = styleFaint.Render("○")
		}
		title := c.title
		switch c.status {
		case chat.ContactStatusRequest:
			title += " (asked)"
		case chat.ContactStatusAuthorization:
			title += " (wants you)"
		case chat.ContactStatusBan:
			title += " (banned)"
		}
		unread := ""
		if c.unread > 0 {
			unread = styleUnread.Render(fmt.Sprintf(" (%d)", c.unread))
		}
		uw := ansi.StringWidth(unread)
		row := dot + " " + fit(title, listWidth-2-uw) + unread
		if first+i == m.sel {
			row = styleSelected.Render(ansi.Strip(row))
		}
		out[i] = row
	}
	return out
}

// mark renders the delivery mark of one's own message.
func mark(l line) string {
	switch l.mark {
	case markPending:
		return styleFaint.Render(" …")
	case markStored:
		return styleFaint.Render(" ✓")
	case markDelivered:
		return styleOnline.Render(" ✓✓")
	}
	return styleError.Render(" ✕ not sent")
}

// convView draws the last h lines of the open conversation, scrolled.
func (m *model) convView(w, h int) []string {
	out := make([]string, h)
	c := m.current()
	if c == nil {
		return out
	}
	var rows []string
	if c.complete {
		rows = append(rows, styleFaint.Render("— the beginning of the conversation —"))
	}
	for _, l := range c.lines {
		ts := l.created.Local().Format("15:04")
		var head string
		switch {
		case l.sys:
			head = styleFaint.Render(ts + " * ")
		case l.from == m.me:
			head = styleFaint.Render(ts+" ") + styleMe.Render(l.from) + ": "
		default:
			head = styleFaint.Render(ts+" ") + styleTitle.Render(l.from) + ": "
		}
		text := l.text
		if l.from == m.me && !l.sys {
			text += mark(l)
		}
		body := ansi.Wrap(head+text, w, " ")
		rows = append(rows, strings.Split(body, "\n")...)
	}
	c.scroll = min(c.scroll, max(0, len(rows)-h))
	end := len(rows) - c.scroll
	start := max(0, end-h)
	copy(out[h-(end-start):], rows[start:end])
	return out
}

// helpView lists the keys and commands.
func (m *model) helpView() string {
	return strings.Join([]string{
		styleTitle.Render("Keyboard"),
		"",
		"  enter            send the message (or run a /command)",
		"  tab, ↓, ctrl+n   next conversation",
		"  shift+tab, ↑     previous conversation",
		"  pgup / pgdown    scroll; older history loads at the top",
		"  ←/→ home/end     move in the input line; ctrl+u clears it",
		"  esc              clear the input line and the notice",
		"  ?                this help (on an empty input line)",
		"  ctrl+c, ctrl+q   quit",
		"",
		styleTitle.Render("Commands"),
		"",
		"  /add NICK        ask NICK to be your friend",
		"  /accept NICK     accept NICK's request",
		"  /room NAME NICK… create a room with members",
		"  /invite NICK…    add members to the open room",
		"  /quit            quit",
		"",
		styleTitle.Render("Marks"),
		"",
		"  …  sending   ✓  stored by the server   ✓✓  delivered to a device of the recipient",
		"  ● online   ○ offline   ? not a friend yet   (n) unread messages",
		"",
		styleFaint.Render("press any key to return"),
	}, "\n")
}

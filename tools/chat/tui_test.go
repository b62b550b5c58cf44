package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// screen is a chat process in a pseudo-terminal and everything it drew.
type screen struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	tty  *os.File

	mu     sync.Mutex
	out    bytes.Buffer
	grew   chan struct{} // signalled after every read
	exited chan struct{}
}

// openTUI starts `chat` without arguments for u in a 100×30 terminal.
func openTUI(t *testing.T, u *user) *screen {
	t.Helper()
	cmd := exec.Command(chatBin)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+u.config, "TERM=xterm-256color", "COLORTERM=", "NO_COLOR=")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 100})
	if err != nil {
		t.Fatal(err)
	}
	s := &screen{t: t, name: u.nick, cmd: cmd, tty: tty, grew: make(chan struct{}, 1), exited: make(chan struct{})}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := tty.Read(buf)
			if n > 0 {
				s.mu.Lock()
				s.out.Write(buf[:n])
				s.mu.Unlock()
				select {
				case s.grew <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = cmd.Process.Kill()
			<-s.exited
		}
		tty.Close()
	})
	return s
}

// mark returns the current end of the output, for waitAfter.
func (s *screen) mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.Len()
}

// text returns what was drawn after offset, without escape sequences.
func (s *screen) text(offset int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.Strip(string(s.out.Bytes()[offset:]))
}

// waitAfter waits until the output after offset shows want.
func (s *screen) waitAfter(offset int, want string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	for !strings.Contains(s.text(offset), want) {
		select {
		case <-s.grew:
		case <-s.exited:
			s.t.Fatalf("%s: chat exited before showing %q\n%s", s.name, want, s.tail())
		case <-ctx.Done():
			s.t.Fatalf("%s: the screen never showed %q; it shows\n%s", s.name, want, s.tail())
		}
	}
}

func (s *screen) wait(want string) { s.t.Helper(); s.waitAfter(0, want) }

// tail is the end of the output, for failure messages.
func (s *screen) tail() string {
	t := s.text(0)
	return t[max(0, len(t)-3000):]
}

// typeText sends keys to the terminal.
func (s *screen) typeText(keys string) {
	s.t.Helper()
	if _, err := io.WriteString(s.tty, keys); err != nil {
		s.t.Fatalf("%s: typing: %v", s.name, err)
	}
}

// quit presses ctrl+c and waits for the process to end.
func (s *screen) quit() {
	s.t.Helper()
	s.typeText("\x03")
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		s.t.Fatalf("%s: chat did not quit", s.name)
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		s.t.Fatalf("%s: chat exited with %d\n%s", s.name, code, s.tail())
	}
}

// TestTUI drives two full-screen clients: a message typed on one screen
// appears on the other, with typing indicator, delivery marks, help,
// offline delivery and reconnection after a server restart.
func TestTUI(t *testing.T) {
	s := startServer(t)
	alice, bob := newUser(t, "alice"), newUser(t, "bob")
	alice.must("register", "alice", "--server", s.url("tls"), "--ca", s.caPath())
	bob.must("register", "bob", "--server", s.url("quic"), "--format", "etf", "--ca", s.caPath())
	alice.must("friend", "add", "bob")
	bob.must("friend", "accept", "alice")

	as, bs := openTUI(t, alice), openTUI(t, bob)
	as.wait("● connected")
	bs.wait("● connected")
	as.wait("bob")
	bs.wait("alice")

	// A message typed by Alice shows on Bob's screen, and Alice sees it
	// delivered once Bob's client has acknowledged it.
	m := as.mark()
	as.typeText("hello from the tui\r")
	bs.wait("alice: hello from the tui")
	as.waitAfter(m, "hello from the tui ✓✓")

	// Bob types: Alice sees him typing, then his message.
	m = as.mark()
	bs.typeText("typing now")
	as.waitAfter(m, "bob is typing…")
	bs.typeText("\r")
	as.waitAfter(m, "bob: typing now")

	// Help, on an empty input line.
	m = bs.mark()
	bs.typeText("?")
	bs.waitAfter(m, "Keyboard")
	bs.waitAfter(m, "delivered to a device of the recipient")
	bs.typeText("x")
	bs.waitAfter(bs.mark(), "● connected")

	// Bob leaves; what Alice writes meanwhile is there when he returns.
	bs.quit()
	alice.must("send", "bob", "while you were away")
	bs = openTUI(t, bob)
	bs.wait("alice: while you were away")

	// The server restarts on the same addresses: both screens show the
	// connection lost, then back, and messages flow again.
	am, bm := as.mark(), bs.mark()
	s.stop()
	as.waitAfter(am, "disconnected")
	s2 := startChatd(t, s.dir, s.addrs)
	_ = s2
	as.waitAfter(am, "● connected")
	bs.waitAfter(bm, "● connected")
	m = bs.mark()
	as.typeText("after the restart\r")
	bs.waitAfter(m, "alice: after the restart")
	if os.Getenv("CHAT_TUI_DUMP") != "" {
		t.Logf("alice's screen:\n%s", as.tail())
	}
	as.quit()
	bs.quit()
}

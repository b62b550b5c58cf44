package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Binaries built once by TestMain.
var chatBin, chatdBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "chat-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	chatBin, chatdBin = filepath.Join(dir, "chat"), filepath.Join(dir, "chatd")
	for _, b := range []struct{ out, pkg string }{{chatBin, "."}, {chatdBin, "../chatd"}} {
		args := []string{"build", "-o", b.out}
		if os.Getenv("CHAT_TEST_RACE") != "" { // build the binaries with the race detector
			args = append(args, "-race")
		}
		build := exec.Command("go", append(args, b.pkg)...)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building", b.pkg, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// chatServer is a running chat server: its data directory and addresses.
type chatServer struct {
	dir   string
	addrs map[string]string // tls, quic, ws, tcp
	stop  func()            // SIGINT, then wait for the exit
}

// url returns the URL of one transport.
func (s *chatServer) url(transport string) string {
	if transport == "ws" {
		return "ws://" + s.addrs["ws"] + "/mqtt"
	}
	return transport + "://" + s.addrs[transport]
}

// caPath is the server's CA certificate, as an operator hands it out.
func (s *chatServer) caPath() string { return filepath.Join(s.dir, "ca.pem") }

// startServer runs the chatd binary on a fresh data directory.
func startServer(t *testing.T) *chatServer {
	t.Helper()
	return startChatd(t, t.TempDir(), nil)
}

// startChatd runs the chatd binary on dir and waits for its "chatd
// started" log line. Its listeners take the addresses in addrs, and free
// loopback ports where addrs names none.
func startChatd(t *testing.T, dir string, addrs map[string]string) *chatServer {
	t.Helper()
	args := []string{"--data", dir, "--log-format", "json", "--admin", "127.0.0.1:0"}
	for _, k := range []string{"tls", "quic", "ws", "tcp"} {
		a := addrs[k]
		if a == "" {
			a = "127.0.0.1:0"
		}
		args = append(args, "--"+k, a)
	}
	cmd := exec.Command(chatdBin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var logBuf bytes.Buffer
	started := make(chan map[string]string, 1)
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			mu.Lock()
			logBuf.Write(line)
			logBuf.WriteByte('\n')
			mu.Unlock()
			var rec map[string]any
			if json.Unmarshal(line, &rec) == nil && rec["msg"] == "chatd started" {
				addrs := map[string]string{}
				for _, k := range []string{"tls", "quic", "ws", "tcp"} {
					addrs[k], _ = rec[k].(string)
				}
				started <- addrs
			}
		}
		_ = cmd.Wait()
		close(exited)
	}()
	logText := func() string { mu.Lock(); defer mu.Unlock(); return logBuf.String() }
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Signal(os.Interrupt)
			stopAt := time.Now()
			select {
			case <-exited:
				if testing.Verbose() {
					t.Logf("chatd stopped in %v", time.Since(stopAt).Round(time.Millisecond))
					if time.Since(stopAt) > 5*time.Second {
						t.Logf("%s", logText())
					}
				}
			case <-time.After(40 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
				t.Errorf("chatd did not stop within 40 s of SIGINT\n%s", logText())
			}
		})
	}
	t.Cleanup(stop)
	select {
	case addrs := <-started:
		return &chatServer{dir: dir, addrs: addrs, stop: stop}
	case <-exited:
		t.Fatalf("chatd exited before starting\n%s", logText())
	case <-time.After(60 * time.Second):
		t.Fatalf("chatd did not start\n%s", logText())
	}
	return nil
}

// user runs the chat binary with one configuration directory.
type user struct {
	t      *testing.T
	config string
	nick   string
}

func newUser(t *testing.T, nick string) *user {
	return &user{t: t, config: t.TempDir(), nick: nick}
}

// result is one run of the chat binary.
type result struct {
	stdout, stderr string
	code           int
}

// run runs chat with args (and stdin) and returns its output and status.
func (u *user) runIn(stdin string, args ...string) result {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chatBin, args...)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+u.config, "CHAT_PASSWORD=")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if testing.Verbose() {
		u.t.Logf("%s$ chat %s   (%v)\n%s%s", u.nick, strings.Join(args, " "), time.Since(start).Round(time.Millisecond), out.String(), errb.String())
	}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			u.t.Fatalf("chat %s: %v", strings.Join(args, " "), err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

func (u *user) run(args ...string) result { u.t.Helper(); return u.runIn("", args...) }

// must runs chat and fails the test unless it succeeds.
func (u *user) must(args ...string) string {
	u.t.Helper()
	r := u.run(args...)
	if r.code != 0 {
		u.t.Fatalf("%s: chat %s: exit %d\n%s%s", u.nick, strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// fails runs chat and fails the test unless it exits with code and its
// standard error contains want.
func (u *user) fails(code int, want string, args ...string) result {
	u.t.Helper()
	r := u.run(args...)
	if r.code != code || !strings.Contains(r.stderr, want) {
		u.t.Fatalf("%s: chat %s: exit %d, stderr %q; want exit %d and %q", u.nick, strings.Join(args, " "),
			r.code, r.stderr, code, want)
	}
	return r
}

// jsonOf decodes the --json output of a command.
func jsonOf[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	return v
}

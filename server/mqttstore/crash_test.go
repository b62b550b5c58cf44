package mqttstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/eclipse/paho.golang/paho"

	"github.com/chatim/chat/server/store"
)

const childEnv = "MQTTSTORE_TEST_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		os.Exit(runBrokerChild(dir))
	}
	os.Exit(m.Run())
}

// runBrokerChild runs a broker on the store in dir, prints "addr <addr>"
// and serves until killed.
func runBrokerChild(dir string) int {
	st, err := store.Open(dir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	t := &childTB{}
	_, addr := startBroker(t, st)
	fmt.Printf("addr %s\n", addr)
	select {}
}

// childTB satisfies testing.TB for startBroker outside a test.
type childTB struct{ testing.TB }

func (*childTB) Helper()           {}
func (*childTB) Fatal(args ...any) { fmt.Fprintln(os.Stderr, args...); os.Exit(1) }
func (*childTB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// TestBrokerKilled runs the broker in a child process, publishes QoS 1
// messages for an offline persistent subscriber and kills the broker with
// SIGKILL while publishes are still flowing. A broker started on the
// reopened store must deliver every message whose PUBACK the publisher got.
func TestBrokerKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	ctx := testContext(t)
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "addr ") {
		t.Fatalf("child: %q, %v", line, err)
	}
	addr := strings.TrimSpace(strings.TrimPrefix(line, "addr "))

	sub, _ := connect(ctx, t, addr, "heidi", false, 3600, newInbox())
	subscribe(ctx, t, sub, "chat/crash", 1)
	_ = sub.Disconnect(&paho.Disconnect{})

	pub, _ := connect(ctx, t, addr, "ivan", true, 0, nil)
	const killAfter = 40
	var (
		mu     sync.Mutex
		acked  []string
		killed = make(chan struct{})
		done   = make(chan struct{})
	)
	pubCtx, pubCancel := context.WithCancel(ctx)
	defer pubCancel()
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			payload := fmt.Sprintf("k-%04d", i)
			resp, err := pub.Publish(pubCtx, &paho.Publish{Topic: "chat/crash", QoS: 1, Payload: []byte(payload)})
			if err != nil {
				return // the broker is gone
			}
			if resp.ReasonCode != 0 {
				t.Errorf("publish %s: reason %#x", payload, resp.ReasonCode)
				return
			}
			mu.Lock()
			acked = append(acked, payload)
			n := len(acked)
			mu.Unlock()
			if n == killAfter {
				close(killed)
			}
		}
	}()
	<-killed
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("broker did not die by SIGKILL: %v", err)
	}
	pubCancel() // a PUBACK can no longer arrive: stop waiting for one
	<-done
	mu.Lock()
	want := append([]string(nil), acked...)
	mu.Unlock()

	st := openStore(t, dir)
	srv, addr := startBroker(t, st)
	defer srv.Close()
	in := newInbox()
	_, ack := connect(ctx, t, addr, "heidi", false, 3600, in)
	if !ack.SessionPresent {
		t.Fatal("session not present after the crash")
	}
	counts := in.waitAll(ctx, t, want)
	dups := 0
	for _, n := range counts {
		dups += n - 1
	}
	t.Logf("%d publishes acknowledged before SIGKILL, all delivered after restart (%d received, %d duplicates)", len(want), len(counts), dups)
}

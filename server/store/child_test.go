package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// runWriterChild writes records forever, printing "ack <i> <seq>" after
// each synced commit returned, until it is killed.
func runWriterChild(dir string) int {
	s, err := Open(dir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		var err error
		var seq uint64
		if i%2 == 0 {
			err = s.Set(fmt.Appendf(nil, "feed/crash/%08d", i), fmt.Appendf(nil, "value %d", i))
		} else {
			b := s.NewBatch()
			seq, err = b.NextSeq([]byte("crash"))
			if err == nil {
				err = b.Set(fmt.Appendf(nil, "feed/crash/%08d", i), binary.BigEndian.AppendUint64(nil, seq))
			}
			if err == nil {
				err = b.Commit()
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintf(out, "ack %d %d\n", i, seq)
		out.Flush()
	}
}

// runHolderChild opens the store, prints "ready" and waits for stdin to
// close.
func runHolderChild(dir string) int {
	s, err := Open(dir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = s.Close()
	return 0
}

func childCmd(t *testing.T, role, dir string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+role, "STORE_TEST_DIR="+dir)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestCrashDurability kills a writer with SIGKILL in the middle of its work
// and checks that every record it had acknowledged survives.
func TestCrashDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	cmd := childCmd(t, "writer", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const killAfter = 300
	acked := map[int]uint64{}
	sc := bufio.NewScanner(stdout)
	killed := false
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || f[0] != "ack" {
			t.Fatalf("unexpected child output %q", sc.Text())
		}
		i, _ := strconv.Atoi(f[1])
		seq, _ := strconv.ParseUint(f[2], 10, 64)
		acked[i] = seq
		if len(acked) == killAfter && !killed {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true // keep reading: lines already written are acknowledgements too
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v", err)
	}
	if len(acked) < killAfter {
		t.Fatalf("child acknowledged only %d records", len(acked))
	}

	s := mustOpen(t, dir, nil)
	var maxSeq uint64
	for i, seq := range acked {
		v, err := s.Get(fmt.Appendf(nil, "feed/crash/%08d", i))
		if err != nil {
			t.Fatalf("acknowledged record %d lost: %v", i, err)
		}
		if i%2 == 0 {
			if string(v) != fmt.Sprintf("value %d", i) {
				t.Fatalf("record %d = %q", i, v)
			}
			continue
		}
		if got := binary.BigEndian.Uint64(v); got != seq {
			t.Fatalf("record %d holds seq %d, child acknowledged %d", i, got, seq)
		}
		maxSeq = max(maxSeq, seq)
	}
	n, err := s.NextSeq([]byte("crash"))
	if err != nil {
		t.Fatal(err)
	}
	if n <= maxSeq {
		t.Fatalf("NextSeq after crash = %d, not above acknowledged %d", n, maxSeq)
	}
	t.Logf("%d records acknowledged before SIGKILL, all present; next seq %d", len(acked), n)
}

// TestLockedByOtherProcess opens the store in a child process and checks
// that Open here fails fast with ErrLocked, then succeeds once it exits.
func TestLockedByOtherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	cmd := childCmd(t, "holder", dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	_, err = Open(dir, nil)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Open of a held store: %v, want ErrLocked", err)
	}
	t.Logf("error: %v", err)
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("Open after the holder exited: %v", err)
	}
	s.Close()
}

func TestLockedInProcess(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, nil)
	if _, err := Open(dir, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

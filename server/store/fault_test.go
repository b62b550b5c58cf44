package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"
	"github.com/cockroachdb/pebble/vfs/errorfs"
)

// walFault injects errors into writes and syncs of the write-ahead log
// while armed.
func walFault(armed *atomic.Bool) errorfs.Injector {
	return errorfs.InjectorFunc(func(op errorfs.Op, path string) error {
		if armed.Load() && strings.HasSuffix(path, ".log") && (op == errorfs.OpFileSync || op == errorfs.OpFileWrite) {
			return errorfs.ErrInjected
		}
		return nil
	})
}

// runWALFaultChild commits one record, then a batch of ten while the WAL
// fails. Pebble treats a WAL failure as fatal, so the child must die inside
// the second Commit without printing "acked".
func runWALFaultChild(dir string) int {
	var armed atomic.Bool
	s, err := Open(dir, &Options{FS: errorfs.Wrap(vfs.Default, walFault(&armed))})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if err := s.Set([]byte("room/before"), []byte("ok")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	armed.Store(true)
	b := s.NewBatch()
	for i := range 10 {
		_ = b.Set(fmt.Appendf(nil, "room/failed/%d", i), []byte("x"))
	}
	err = b.Commit()
	fmt.Printf("acked err=%v\n", err) // unreachable when Pebble stops the process
	return 0
}

// TestWALFailureIsFatal checks that a commit whose WAL write fails is never
// acknowledged (Pebble stops the process) and that after reopening none of
// the failed batch is present while earlier records are.
func TestWALFailureIsFatal(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	cmd := childCmd(t, "walfault", dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err == nil || strings.Contains(stdout.String(), "acked") {
		t.Fatalf("child acknowledged a commit whose WAL failed: err=%v stdout=%q", err, stdout.String())
	}
	if !strings.Contains(stderr.String(), "injected error") {
		t.Fatalf("child did not stop on the injected WAL error: %v\n%s", err, stderr.String())
	}
	s := mustOpen(t, dir, nil)
	if v, err := s.Get([]byte("room/before")); err != nil || string(v) != "ok" {
		t.Fatalf("record committed before the failure: %q, %v", v, err)
	}
	n := 0
	if err := s.Scan([]byte("room/failed/"), func(k, v []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d records of the failed batch present after reopen", n)
	}
}

// TestReadFailure checks that a failing table read surfaces as an error
// from Get and Scan, distinct from ErrNotFound.
func TestReadFailure(t *testing.T) {
	mem := vfs.NewMem()
	var armed atomic.Bool
	fs := errorfs.Wrap(mem, errorfs.InjectorFunc(func(op errorfs.Op, path string) error {
		if armed.Load() && strings.HasSuffix(path, ".sst") && op.OpKind() == errorfs.OpKindRead {
			return errorfs.ErrInjected
		}
		return nil
	}))
	s := mustOpen(t, "db", &Options{FS: mem})
	for i := range 100 {
		if err := s.Set(fmt.Appendf(nil, "user/%03d", i), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DB().Flush(); err != nil { // move the data into an sstable
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpen(t, "db", &Options{FS: fs})
	armed.Store(true)
	_, err := s.Get([]byte("user/042"))
	if !errors.Is(err, errorfs.ErrInjected) || errors.Is(err, ErrNotFound) {
		t.Fatalf("Get with failing reads: %v, want the injected error", err)
	}
	err = s.Scan([]byte("user/"), func(k, v []byte) error { return nil })
	if !errors.Is(err, errorfs.ErrInjected) {
		t.Fatalf("Scan with failing reads: %v, want the injected error", err)
	}
	armed.Store(false)
	// A table load that Pebble started in the background while reads were
	// failing may still hand its error to a Get that joins it; a Get that
	// opens the table anew succeeds.
	var v []byte
	for attempt := 0; attempt < 50; attempt++ {
		if v, err = s.Get([]byte("user/042")); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil || string(v) != "v" {
		t.Fatalf("Get once reads work again: %q, %v", v, err)
	}
}

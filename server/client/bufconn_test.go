package client

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
)

// countingConn records each Write on a net.Conn.
type countingConn struct {
	net.Conn
	mu     sync.Mutex
	writes [][]byte
	err    error
	closed bool
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	c.writes = append(c.writes, append([]byte(nil), p...))
	return len(p), nil
}

func (c *countingConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return c.Conn.Close()
}

func TestBufConnBatchesLockedWrites(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	cc := &countingConn{Conn: a}
	c := newBufConn(cc, 0)

	c.Lock()
	for _, p := range []string{"he", "ll", "o"} {
		if n, err := c.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	if len(cc.writes) != 0 {
		t.Fatalf("%d writes before Unlock", len(cc.writes))
	}
	c.Unlock()
	if _, err := c.Write([]byte("!")); err != nil { // unlocked: written at once
		t.Fatal(err)
	}
	if len(cc.writes) != 2 || string(cc.writes[0]) != "hello" || string(cc.writes[1]) != "!" {
		t.Fatalf("writes %q, want [hello !]", cc.writes)
	}

	go func() { _, _ = b.Write([]byte("reply")) }()
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "reply" {
		t.Fatalf("read %q, %v", buf, err)
	}
}

func TestBufConnFailedFlushClosesAndSticks(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	boom := errors.New("boom")
	cc := &countingConn{Conn: a, err: boom}
	c := newBufConn(cc, 0)

	c.Lock()
	if _, err := c.Write([]byte("packet")); err != nil {
		t.Fatalf("batched write: %v", err)
	}
	c.Unlock()
	if !cc.closed {
		t.Error("connection left open after a failed flush")
	}
	if _, err := c.Write([]byte("more")); !errors.Is(err, boom) {
		t.Errorf("write after failed flush: %v, want boom", err)
	}
}

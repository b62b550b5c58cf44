package client

import (
	"bufio"
	"net"
	"sync"
)

// maxKeptWriteBuffer is the largest write buffer kept between packets.
const maxKeptWriteBuffer = 64 << 10

// bufConn adds a read buffer and packet-sized write batching to a net.Conn.
type bufConn struct {
	net.Conn
	r *bufio.Reader

	lk       sync.Mutex // held from Lock to Unlock by one packet writer
	wmu      sync.Mutex // guards the fields below and writes to Conn
	batching bool
	wbuf     []byte
	werr     error
}

func newBufConn(c net.Conn, size int) *bufConn {
	if size <= 0 {
		size = DefaultReadBufferSize
	}
	return &bufConn{Conn: c, r: bufio.NewReaderSize(c, size)}
}

// Read reads through the buffer.
func (c *bufConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Write writes p, or adds it to the pending packet between Lock and Unlock.
func (c *bufConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return 0, c.werr
	}
	if c.batching {
		c.wbuf = append(c.wbuf, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// Lock starts a packet: writes are held until Unlock.
func (c *bufConn) Lock() {
	c.lk.Lock()
	c.wmu.Lock()
	c.batching = true
	c.wmu.Unlock()
}

// Unlock sends the packet written since Lock in one write.
func (c *bufConn) Unlock() {
	c.wmu.Lock()
	c.batching = false
	if len(c.wbuf) > 0 && c.werr == nil {
		if _, err := c.Conn.Write(c.wbuf); err != nil {
			// The writer has been told it succeeded: make the failure
			// visible to the reader and to every later writer.
			c.werr = err
			_ = c.Conn.Close()
		}
	}
	if cap(c.wbuf) > maxKeptWriteBuffer {
		c.wbuf = nil
	} else {
		c.wbuf = c.wbuf[:0]
	}
	c.wmu.Unlock()
	c.lk.Unlock()
}

// Cause returns why the underlying connection was closed when it can tell
// (a QUIC connection's close reason), or nil.
func (c *bufConn) Cause() error {
	if cc, ok := c.Conn.(interface{ Cause() error }); ok {
		return cc.Cause()
	}
	return nil
}

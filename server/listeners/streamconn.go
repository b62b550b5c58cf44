package listeners

import (
	"crypto/tls"
	"net"
	"sync"
	"time"

	"github.com/quic-go/quic-go"
)

// DefaultCloseLinger is how long StreamConn.Close waits, at most, for the
// peer to finish its side of the stream before the QUIC connection is closed.
const DefaultCloseLinger = 2 * time.Second

// StreamConn is a net.Conn over one bidirectional QUIC stream that owns its
// connection: MQTT over QUIC carries exactly one stream per connection.
//
// Addresses come from the connection (a *quic.Stream has none). Close is
// graceful and complete: it ends the send side with a FIN after the data
// already written, stops pending Read and Write calls, and closes the whole
// QUIC connection once the peer has ended its side as well (or after the
// linger period), so neither the stream nor the connection outlives it.
//
// ConnectionState returns the TLS state of the connection, as *tls.Conn
// does, so that code which reads a peer certificate from a net.Conn through
//
//	interface{ ConnectionState() tls.ConnectionState }
//
// works the same over TLS and over QUIC.
type StreamConn struct {
	conn   *quic.Conn
	str    *quic.Stream
	linger time.Duration

	mu     sync.Mutex // guards closed and the stream deadlines
	closed bool
	wmu    sync.Mutex // serialises Write with the stream's Close
	done   chan struct{}
}

// NewStreamConn returns a StreamConn over str, a stream of conn. A linger
// of zero means DefaultCloseLinger.
func NewStreamConn(conn *quic.Conn, str *quic.Stream, linger time.Duration) *StreamConn {
	if linger <= 0 {
		linger = DefaultCloseLinger
	}
	return &StreamConn{conn: conn, str: str, linger: linger, done: make(chan struct{})}
}

// Read reads data from the stream. After Close it returns net.ErrClosed.
func (c *StreamConn) Read(p []byte) (int, error) {
	n, err := c.str.Read(p)
	if err != nil && c.isClosed() {
		err = net.ErrClosed
	}
	return n, err
}

// Write writes data to the stream. After Close it returns net.ErrClosed.
func (c *StreamConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.isClosed() {
		return 0, net.ErrClosed
	}
	n, err := c.str.Write(p)
	if err != nil && c.isClosed() {
		err = net.ErrClosed
	}
	return n, err
}

// Close ends the stream and, asynchronously, the connection. It returns
// immediately; Done is closed once the connection is gone. Calling Close
// more than once is harmless.
func (c *StreamConn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	// Unblock a pending Read or Write; later deadline changes are ignored.
	_ = c.str.SetDeadline(time.Now())
	c.mu.Unlock()

	// SendStream.Close must not run concurrently with Write.
	c.wmu.Lock()
	_ = c.str.Close() // FIN after the data already written
	c.wmu.Unlock()

	go c.lingerAndClose()
	return nil
}

// lingerAndClose closes the connection once the peer has ended its side of
// the stream (FIN or reset), the connection is already gone, or the linger
// period has passed. Closing the connection earlier could discard data not
// yet delivered, such as a final DISCONNECT.
func (c *StreamConn) lingerAndClose() {
	defer close(c.done)
	peerDone := make(chan struct{})
	var once sync.Once
	c.str.SetReceiveFinalSizeCallback(func(int64) { once.Do(func() { close(peerDone) }) })
	t := time.NewTimer(c.linger)
	defer t.Stop()
	select {
	case <-peerDone:
	case <-c.conn.Context().Done():
	case <-t.C:
	}
	_ = c.conn.CloseWithError(0, "")
}

// Done returns a channel closed once Close has been called and the QUIC
// connection is closed.
func (c *StreamConn) Done() <-chan struct{} {
	return c.done
}

func (c *StreamConn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// LocalAddr returns the local address of the QUIC connection.
func (c *StreamConn) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// RemoteAddr returns the remote address of the QUIC connection.
func (c *StreamConn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// ConnectionState returns the TLS state of the QUIC connection: the
// negotiated protocol and the peer's verified certificates.
func (c *StreamConn) ConnectionState() tls.ConnectionState {
	return c.conn.ConnectionState().TLS
}

// Conn returns the underlying QUIC connection.
func (c *StreamConn) Conn() *quic.Conn { return c.conn }

// SetDeadline sets the read and write deadlines of the stream.
func (c *StreamConn) SetDeadline(t time.Time) error {
	return c.setDeadline(t, (*quic.Stream).SetDeadline)
}

// SetReadDeadline sets the read deadline of the stream.
func (c *StreamConn) SetReadDeadline(t time.Time) error {
	return c.setDeadline(t, (*quic.Stream).SetReadDeadline)
}

// SetWriteDeadline sets the write deadline of the stream.
func (c *StreamConn) SetWriteDeadline(t time.Time) error {
	return c.setDeadline(t, (*quic.Stream).SetWriteDeadline)
}

func (c *StreamConn) setDeadline(t time.Time, set func(*quic.Stream, time.Time) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return net.ErrClosed
	}
	return set(c.str, t)
}

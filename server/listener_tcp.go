package server

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/mochi-mqtt/server/v2/listeners"
)

// tcpListener is a mochi listener for MQTT over TCP, or over TLS when
// tlsConf is set. Unlike mochi's listeners.TCP it completes the TLS
// handshake (bounded by connectTimeout) before the broker sees the
// connection, bounds the wait for CONNECT, reports the address actually
// bound, and keeps no state shared between connection goroutines.
type tcpListener struct {
	id             string
	address        string
	tlsConf        *tls.Config
	connectTimeout time.Duration

	log *slog.Logger
	ln  net.Listener

	mu      sync.Mutex
	closed  bool
	pending map[net.Conn]struct{} // accepted, not yet handed to the broker
	wg      sync.WaitGroup        // one per pending connection
}

func newTCPListener(id, address string, tlsConf *tls.Config, connectTimeout time.Duration) *tcpListener {
	return &tcpListener{id: id, address: address, tlsConf: tlsConf, connectTimeout: connectTimeout,
		pending: map[net.Conn]struct{}{}}
}

// ID returns the id of the listener.
func (l *tcpListener) ID() string { return l.id }

// Protocol returns "tls" or "tcp".
func (l *tcpListener) Protocol() string {
	if l.tlsConf != nil {
		return "tls"
	}
	return "tcp"
}

// Address returns the bound address after Init, the configured one before.
func (l *tcpListener) Address() string {
	if l.ln != nil {
		return l.ln.Addr().String()
	}
	return l.address
}

// Init binds the listening socket.
func (l *tcpListener) Init(log *slog.Logger) error {
	l.log = log
	ln, err := net.Listen("tcp", l.address)
	if err != nil {
		return err
	}
	l.ln = ln
	return nil
}

// Serve accepts connections until Close.
func (l *tcpListener) Serve(establish listeners.EstablishFn) {
	var backoff time.Duration
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: back off, as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			l.log.Warn("accept failed", "error", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if !l.track(conn) {
			_ = conn.Close()
			return
		}
		go l.handle(conn, establish)
	}
}

// track registers an accepted connection; it reports false once closed.
func (l *tcpListener) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.pending[c] = struct{}{}
	l.wg.Add(1)
	return true
}

// handle completes the TLS handshake and hands the connection to the broker.
func (l *tcpListener) handle(raw net.Conn, establish listeners.EstablishFn) {
	conn := raw
	// The deadline covers the TLS handshake and the CONNECT packet; the
	// broker replaces it with the keepalive deadline after CONNECT.
	_ = raw.SetDeadline(time.Now().Add(l.connectTimeout))
	if l.tlsConf != nil {
		tc := tls.Server(raw, l.tlsConf)
		ctx, cancel := context.WithTimeout(context.Background(), l.connectTimeout)
		err := tc.HandshakeContext(ctx)
		cancel()
		if err != nil {
			level := slog.LevelInfo // a refused certificate, a protocol mismatch
			if errors.Is(err, io.EOF) || errors.Is(err, context.DeadlineExceeded) {
				level = slog.LevelDebug // a probe or an abandoned connection
			}
			l.log.Log(context.Background(), level, "tls handshake failed", "remote", raw.RemoteAddr().String(), "error", err)
			_ = raw.Close()
			l.done(raw)
			return
		}
		conn = tc
	}
	l.mu.Lock()
	closed := l.closed
	delete(l.pending, raw)
	l.mu.Unlock()
	l.wg.Done()
	if closed {
		_ = conn.Close()
		return
	}
	if err := establish(l.id, conn); err != nil {
		l.log.Debug("connection ended", "remote", raw.RemoteAddr().String(), "error", err)
	}
}

func (l *tcpListener) done(c net.Conn) {
	l.mu.Lock()
	delete(l.pending, c)
	l.mu.Unlock()
	l.wg.Done()
}

// Close stops accepting, aborts pending handshakes and closes the
// broker's clients of this listener.
func (l *tcpListener) Close(closeClients listeners.CloseFn) {
	l.mu.Lock()
	first := !l.closed
	l.closed = true
	for c := range l.pending {
		_ = c.Close()
	}
	l.mu.Unlock()
	if !first {
		return
	}
	if l.ln != nil {
		_ = l.ln.Close()
	}
	l.wg.Wait()
	closeClients(l.id)
}

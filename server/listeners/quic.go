// Package listeners provides the MQTT-over-QUIC listener for the mochi
// broker and the net.Conn adapter over a QUIC stream that it (and the
// client dialer) use. TCP, TLS and WebSocket come from mochi's own
// listeners package.
package listeners

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"

	mochi "github.com/mochi-mqtt/server/v2/listeners"
	"github.com/quic-go/quic-go"
)

// TypeQUIC is the protocol name of the QUIC listener.
const TypeQUIC = "quic"

// ALPN is the TLS application protocol negotiated for MQTT over QUIC.
const ALPN = "mqtt"

// QUICConfig configures a QUIC listener. Only TLSConfig is required. A
// peer may open one bidirectional stream and no unidirectional one; that
// limit is fixed.
type QUICConfig struct {
	// ID is the listener id within the broker. Empty means "quic".
	ID string
	// Address is the UDP address to listen on, host:port. Port 0 picks a
	// free port; Address reports it after Init.
	Address string
	// TLSConfig holds the server certificate and client verification. It is
	// cloned; the clone requires TLS 1.3 and offers ALPN "mqtt" if
	// NextProtos does not already contain it.
	TLSConfig *tls.Config
	// HandshakeIdleTimeout bounds the QUIC handshake. Zero means 5 s.
	HandshakeIdleTimeout time.Duration
	// MaxIdleTimeout closes a connection that has received nothing for this
	// long. Zero means 30 s.
	MaxIdleTimeout time.Duration
	// KeepAlivePeriod is how often the server sends a QUIC PING, which keeps
	// the idle timeout from firing between MQTT keepalives. Zero means 10 s;
	// a negative value disables it.
	KeepAlivePeriod time.Duration
	// StreamTimeout is how long a new connection may take to open its
	// stream. Zero means 10 s.
	StreamTimeout time.Duration
	// CloseLinger bounds how long a closing connection waits for the peer
	// to end its side of the stream. Zero means DefaultCloseLinger.
	CloseLinger time.Duration
}

// QUIC is a mochi listener for MQTT over QUIC. Each QUIC connection carries
// exactly one bidirectional stream (the peer may open no other stream, and
// no unidirectional one), handed to the broker as a *StreamConn.
type QUIC struct {
	config QUICConfig
	log    *slog.Logger

	mu    sync.Mutex // guards everything below
	udp   *net.UDPConn
	tr    *quic.Transport
	ln    *quic.Listener
	end   bool
	conns map[*StreamConn]struct{}

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // one per accepted connection
}

// NewQUIC returns a QUIC listener; Init opens the UDP socket.
func NewQUIC(config QUICConfig) *QUIC {
	if config.ID == "" {
		config.ID = TypeQUIC
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &QUIC{config: config, conns: map[*StreamConn]struct{}{}, ctx: ctx, cancel: cancel}
}

// ID returns the id of the listener.
func (l *QUIC) ID() string { return l.config.ID }

// Protocol returns "quic".
func (l *QUIC) Protocol() string { return TypeQUIC }

// Address returns the bound UDP address after Init, the configured one before.
func (l *QUIC) Address() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.udp != nil {
		return l.udp.LocalAddr().String()
	}
	return l.config.Address
}

// Init opens the UDP socket and starts accepting QUIC handshakes.
func (l *QUIC) Init(log *slog.Logger) error {
	if l.config.TLSConfig == nil {
		return errors.New("quic listener: no TLS config")
	}
	tlsConf := l.config.TLSConfig.Clone()
	tlsConf.MinVersion = tls.VersionTLS13
	if !slices.Contains(tlsConf.NextProtos, ALPN) {
		tlsConf.NextProtos = append(tlsConf.NextProtos, ALPN)
	}
	keepAlive := l.config.KeepAlivePeriod
	switch {
	case keepAlive == 0:
		keepAlive = 10 * time.Second
	case keepAlive < 0:
		keepAlive = 0
	}
	qconf := &quic.Config{
		HandshakeIdleTimeout:  l.config.HandshakeIdleTimeout,
		MaxIdleTimeout:        l.config.MaxIdleTimeout,
		KeepAlivePeriod:       keepAlive,
		MaxIncomingStreams:    1,
		MaxIncomingUniStreams: -1,
	}

	addr, err := net.ResolveUDPAddr("udp", l.config.Address)
	if err != nil {
		return fmt.Errorf("quic listener: %w", err)
	}
	udp, err := net.ListenUDP("udp", addr)
	if err != nil {
		return fmt.Errorf("quic listener: %w", err)
	}
	tr := &quic.Transport{Conn: udp}
	ln, err := tr.Listen(tlsConf, qconf)
	if err != nil {
		_ = udp.Close()
		return fmt.Errorf("quic listener: %w", err)
	}

	l.mu.Lock()
	l.log, l.udp, l.tr, l.ln = log, udp, tr, ln
	l.mu.Unlock()
	return nil
}

// Serve accepts QUIC connections until Close, and hands the single stream
// of each to establish on its own goroutine.
func (l *QUIC) Serve(establish mochi.EstablishFn) {
	l.mu.Lock()
	ln := l.ln
	l.mu.Unlock()
	if ln == nil {
		return
	}
	for {
		conn, err := ln.Accept(l.ctx)
		if err != nil {
			return
		}
		l.mu.Lock()
		if l.end {
			l.mu.Unlock()
			_ = conn.CloseWithError(0, "server closing")
			return
		}
		l.wg.Add(1)
		l.mu.Unlock()
		go l.handle(conn, establish)
	}
}

// handle waits for the connection's stream, runs the MQTT session on it and
// returns once the connection is closed.
func (l *QUIC) handle(conn *quic.Conn, establish mochi.EstablishFn) {
	defer l.wg.Done()

	timeout := l.config.StreamTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(l.ctx, timeout)
	str, err := conn.AcceptStream(ctx)
	cancel()
	if err != nil {
		_ = conn.CloseWithError(0, "no stream")
		return
	}

	c := NewStreamConn(conn, str, l.config.CloseLinger)
	l.mu.Lock()
	if l.end {
		l.mu.Unlock()
		_ = c.Close()
		<-c.Done()
		return
	}
	l.conns[c] = struct{}{}
	l.mu.Unlock()

	if err := establish(l.config.ID, c); err != nil {
		l.log.Warn("quic client", "error", err, "listener", l.config.ID, "remote", conn.RemoteAddr().String())
	}
	_ = c.Close()
	<-c.Done()

	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// Close stops accepting, closes every client of the listener through
// closeClients (so the broker can say goodbye first), closes any connection
// left, waits for all of them to end, and releases the UDP socket.
func (l *QUIC) Close(closeClients mochi.CloseFn) {
	l.mu.Lock()
	if l.end {
		l.mu.Unlock()
		return
	}
	l.end = true
	l.mu.Unlock()

	closeClients(l.config.ID)
	l.cancel()

	l.mu.Lock()
	conns := make([]*StreamConn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	ln, tr, udp := l.ln, l.tr, l.udp
	l.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
	if ln != nil {
		_ = ln.Close()
	}
	l.wg.Wait() // bounded by the stream timeout and the close linger
	if tr != nil {
		_ = tr.Close()
	}
	if udp != nil {
		_ = udp.Close()
	}
}

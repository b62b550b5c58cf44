package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// WebSocketPath is the HTTP path of MQTT over WebSocket; "/" is accepted too.
const WebSocketPath = "/mqtt"

// wsListener is a mochi listener for MQTT over WebSocket (binary frames,
// subprotocol "mqtt" [MQTT-6.0.0-3] [MQTT-6.0.0-4]). Unlike mochi's
// listeners.Websocket it binds in Init, so the address it reports is the
// one bound (port 0 works), and it serializes writes to each socket.
type wsListener struct {
	id             string
	address        string
	connectTimeout time.Duration

	log       *slog.Logger
	ln        net.Listener
	srv       *http.Server
	upgrader  websocket.Upgrader
	establish listeners.EstablishFn
	ready     chan struct{} // closed when establish is set

	closeOnce sync.Once
}

func newWSListener(id, address string, connectTimeout time.Duration) *wsListener {
	return &wsListener{
		id: id, address: address, connectTimeout: connectTimeout,
		ready: make(chan struct{}),
		upgrader: websocket.Upgrader{
			Subprotocols: []string{"mqtt"},
			// MQTT clients are not browsers holding cookies for this
			// origin: any origin may connect, authentication is MQTT's.
			CheckOrigin: func(*http.Request) bool { return true },
		},
	}
}

// ID returns the id of the listener.
func (l *wsListener) ID() string { return l.id }

// Protocol returns "ws".
func (l *wsListener) Protocol() string { return "ws" }

// Address returns the bound address after Init, the configured one before.
func (l *wsListener) Address() string {
	if l.ln != nil {
		return l.ln.Addr().String()
	}
	return l.address
}

// Init binds the listening socket.
func (l *wsListener) Init(log *slog.Logger) error {
	l.log = log
	ln, err := net.Listen("tcp", l.address)
	if err != nil {
		return err
	}
	l.ln = ln
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+WebSocketPath, l.handler)
	mux.HandleFunc("GET /{$}", l.handler)
	l.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: l.connectTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	return nil
}

// Serve serves HTTP until Close.
func (l *wsListener) Serve(establish listeners.EstablishFn) {
	l.establish = establish
	close(l.ready)
	if err := l.srv.Serve(l.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		l.log.Error("websocket listener stopped", "error", err)
	}
}

func (l *wsListener) handler(w http.ResponseWriter, r *http.Request) {
	c, err := l.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered with an HTTP error
	}
	<-l.ready
	raw := c.NetConn()
	_ = raw.SetDeadline(time.Now().Add(l.connectTimeout)) // until CONNECT; the broker resets it
	if err := l.establish(l.id, &wsConn{Conn: raw, ws: c}); err != nil {
		l.log.Debug("connection ended", "remote", raw.RemoteAddr().String(), "error", err)
	}
	_ = raw.Close()
}

// Close stops the HTTP server and closes the broker's clients of this
// listener (hijacked WebSocket connections outlive http.Server.Shutdown).
func (l *wsListener) Close(closeClients listeners.CloseFn) {
	l.closeOnce.Do(func() {
		if l.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = l.srv.Shutdown(ctx)
		} else if l.ln != nil {
			_ = l.ln.Close()
		}
		closeClients(l.id)
	})
}

// wsConn is a net.Conn over a WebSocket: the MQTT byte stream is carried
// in binary messages, one or more packets per message or one packet over
// several [MQTT-6.0.0-1] [MQTT-6.0.0-2].
type wsConn struct {
	net.Conn // the underlying connection: addresses, deadlines, Close
	ws       *websocket.Conn
	r        io.Reader // the current message, or nil

	wmu sync.Mutex // the WebSocket allows one writer at a time
}

// errTextFrame reports a text frame, which MQTT over WebSocket forbids.
var errTextFrame = errors.New("websocket: text frame where MQTT needs binary [MQTT-6.0.0-1]")

// Read reads the byte stream across binary messages.
func (c *wsConn) Read(p []byte) (int, error) {
	for {
		if c.r == nil {
			op, r, err := c.ws.NextReader()
			if err != nil {
				return 0, err
			}
			if op != websocket.BinaryMessage {
				return 0, errTextFrame
			}
			c.r = r
		}
		n, err := c.r.Read(p)
		if errors.Is(err, io.EOF) {
			c.r = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

// Write sends p as one binary message.
func (c *wsConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

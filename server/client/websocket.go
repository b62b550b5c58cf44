package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"

	"github.com/gorilla/websocket"
)

// Subprotocol is the WebSocket subprotocol of MQTT.
const Subprotocol = "mqtt"

// ErrTextMessage is returned by Read when the server sends a text message:
// MQTT over WebSocket uses binary messages only.
var ErrTextMessage = errors.New("client: websocket text message")

func dialWebSocket(ctx context.Context, u *url.URL, tlsConf *tls.Config) (net.Conn, error) {
	target := *u
	target.Host = hostPort(u, DefaultWSPort)
	if target.Path == "" {
		target.Path = "/mqtt"
	}
	d := websocket.Dialer{
		NetDialContext:  (&net.Dialer{}).DialContext,
		TLSClientConfig: tlsConf,
		Subprotocols:    []string{Subprotocol},
	}
	c, resp, err := d.DialContext(ctx, target.String(), nil)
	if err != nil {
		return nil, err
	}
	_ = resp.Body.Close()
	if c.Subprotocol() != Subprotocol {
		_ = c.Close()
		return nil, fmt.Errorf("server chose subprotocol %q, want %q", c.Subprotocol(), Subprotocol)
	}
	return &wsConn{c: c}, nil
}

// wsConn is a net.Conn over a WebSocket: each Write is one binary message,
// Read returns the bytes of consecutive messages as one stream.
type wsConn struct {
	c *websocket.Conn
	r io.Reader // the message being read, nil between messages
}

func (w *wsConn) Read(p []byte) (int, error) {
	for {
		if w.r == nil {
			op, r, err := w.c.NextReader()
			if err != nil {
				return 0, err
			}
			if op != websocket.BinaryMessage {
				return 0, ErrTextMessage
			}
			w.r = r
		}
		n, err := w.r.Read(p)
		if errors.Is(err, io.EOF) {
			w.r = nil
			if n == 0 {
				continue // empty message or end of one: read the next
			}
			err = nil
		}
		return n, err
	}
}

func (w *wsConn) Write(p []byte) (int, error) {
	if err := w.c.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close sends a normal-closure close frame, then closes the connection.
func (w *wsConn) Close() error {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	_ = w.c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	return w.c.Close()
}

func (w *wsConn) LocalAddr() net.Addr  { return w.c.LocalAddr() }
func (w *wsConn) RemoteAddr() net.Addr { return w.c.RemoteAddr() }

func (w *wsConn) SetDeadline(t time.Time) error {
	return errors.Join(w.c.SetReadDeadline(t), w.c.SetWriteDeadline(t))
}
func (w *wsConn) SetReadDeadline(t time.Time) error  { return w.c.SetReadDeadline(t) }
func (w *wsConn) SetWriteDeadline(t time.Time) error { return w.c.SetWriteDeadline(t) }

package server_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/chatim/chat/server"
)

// connect311Anon is an MQTT 3.1.1 CONNECT of client anon.ws.
var connect311Anon = []byte{0x10, 19, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 30, 0, 7, 'a', 'n', 'o', 'n', '.', 'w', 's'}

func TestWebSocketFraming(t *testing.T) {
	srv := newServer(t, t.TempDir())
	d := websocket.Dialer{Subprotocols: []string{"mqtt"}, HandshakeTimeout: 10 * time.Second}
	for _, path := range []string{server.WebSocketPath, "/"} {
		c, resp, err := d.Dial("ws://"+srv.Addr(server.WS)+path, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if resp.Header.Get("Sec-WebSocket-Protocol") != "mqtt" {
			t.Errorf("%s: subprotocol %q, want mqtt [MQTT-6.0.0-4]", path, resp.Header.Get("Sec-WebSocket-Protocol"))
		}
		// A packet split over two binary messages is one packet [MQTT-6.0.0-2].
		_ = c.WriteMessage(websocket.BinaryMessage, connect311Anon[:5])
		_ = c.WriteMessage(websocket.BinaryMessage, connect311Anon[5:])
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, msg, err := c.ReadMessage()
		if err != nil || !bytes.Equal(msg, []byte{0x20, 2, 0, 0}) {
			t.Fatalf("%s: CONNACK % x, %v", path, msg, err)
		}
		c.Close()
	}
	// A text frame ends the connection [MQTT-6.0.0-1].
	c, _, err := d.Dial("ws://"+srv.Addr(server.WS)+server.WebSocketPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.WriteMessage(websocket.TextMessage, connect311Anon)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, msg, err := c.ReadMessage(); err == nil {
		t.Fatalf("text frame answered with % x", msg)
	}
	// Other paths are not MQTT.
	resp, err := http.Get("http://" + srv.Addr(server.WS) + "/other")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /other: %s, want 404", resp.Status)
	}
}

package server_test

import (
	"testing"

	"github.com/chatim/chat/server"
	"github.com/chatim/chat/server/client"
)

// newTunedServer starts a server with only a TCP listener on loopback.
func newTunedServer(t *testing.T, tuning server.Tuning) *server.Server {
	t.Helper()
	return startServer(t, server.Config{DataDir: t.TempDir(), TCPAddr: "127.0.0.1:0", Tuning: tuning})
}

func TestBenchmarkTopic(t *testing.T) {
	for topic, want := range map[string]bool{
		"bench/1":             true,
		"bench/a/b":           true,
		"bench/":              false,
		"bench":               false,
		"bench/+":             false,
		"bench/#":             false,
		"bench/a/+/b":         false,
		"benchx/1":            false,
		"events/anon.a":       false,
		"devices/bob":         false,
		"$SYS/bench/1":        false,
		"xbench/1":            false,
		"/bench/1":            false,
		"bench/\u00e9t\u00e9": true,
	} {
		if got := server.BenchmarkTopic(topic); got != want {
			t.Errorf("BenchmarkTopic(%q) = %v, want %v", topic, got, want)
		}
	}
}

func TestTuningDefaults(t *testing.T) {
	srv := newTunedServer(t, server.Tuning{})
	o := srv.Broker().Options
	if o.ClientNetReadBufferSize != server.DefaultReadBufferSize || o.ClientNetWriteBufferSize != server.DefaultWriteBufferSize {
		t.Errorf("buffers read %d write %d, want %d and %d", o.ClientNetReadBufferSize, o.ClientNetWriteBufferSize,
			server.DefaultReadBufferSize, server.DefaultWriteBufferSize)
	}
	if got := o.Capabilities.MaximumClientWritesPending; got != server.DefaultOutboundQueue {
		t.Errorf("outbound queue %d, want %d", got, server.DefaultOutboundQueue)
	}
}

func TestTuningBufferSizes(t *testing.T) {
	srv := newTunedServer(t, server.Tuning{ReadBufferSize: 1000, WriteBufferSize: 3000})
	o := srv.Broker().Options
	if o.ClientNetReadBufferSize != 1000 || o.ClientNetWriteBufferSize != 3000 {
		t.Errorf("buffers read %d write %d, want 1000 and 3000", o.ClientNetReadBufferSize, o.ClientNetWriteBufferSize)
	}
	// A small read buffer still carries a packet larger than itself.
	url := "tcp://" + srv.Addr(server.TCP)
	sub := mustConnect(t, url, client.ConnectOptions{ClientID: "anon.sub"})
	if code := sub.subscribe(t, "actions/anon.sub"); code >= 0x80 {
		t.Fatalf("subscribe to own actions topic refused: %#x", code)
	}
}

func TestBenchmarkTopicsOption(t *testing.T) {
	payload := make([]byte, 5000) // several times the read buffer
	for i := range payload {
		payload[i] = byte(i)
	}
	t.Run("on", func(t *testing.T) {
		srv := newTunedServer(t, server.Tuning{BenchmarkTopics: true, ReadBufferSize: 512})
		url := "tcp://" + srv.Addr(server.TCP)
		sub := mustConnect(t, url, client.ConnectOptions{ClientID: "anon.sub"})
		pub := mustConnect(t, url, client.ConnectOptions{ClientID: "anon.pub"})
		if code := sub.subscribe(t, "bench/1"); code >= 0x80 {
			t.Fatalf("subscribe bench/1 refused: %#x", code)
		}
		// The chat topic table is unchanged: an anonymous client still may
		// not read another user's topics.
		if code := sub.subscribe(t, "devices/bob"); code < 0x80 {
			t.Errorf("subscribe devices/bob granted (%#x) with benchmark topics on", code)
		}
		if code := pub.publish(t, "bench/1", payload); code >= 0x80 {
			t.Fatalf("publish bench/1 refused: %#x", code)
		}
		m := sub.next(t)
		if m.Topic != "bench/1" || string(m.Payload) != string(payload) {
			t.Errorf("received %q with %d bytes, want bench/1 with the %d bytes sent", m.Topic, len(m.Payload), len(payload))
		}
	})
	t.Run("off", func(t *testing.T) {
		srv := newTunedServer(t, server.Tuning{})
		url := "tcp://" + srv.Addr(server.TCP)
		sub := mustConnect(t, url, client.ConnectOptions{ClientID: "anon.sub"})
		if code := sub.subscribe(t, "bench/1"); code < 0x80 {
			t.Errorf("subscribe bench/1 granted (%#x) without benchmark topics", code)
		}
	})
}

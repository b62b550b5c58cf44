package chat

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chatim/chat/server"
)

// startServer runs the chatd assembly on loopback TLS and TCP in a
// temporary directory.
func startServer(t *testing.T) *server.Server {
	t.Helper()
	srv, err := server.New(server.Config{
		DataDir: t.TempDir(), TLSAddr: "127.0.0.1:0", TCPAddr: "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return srv
}

func roots(srv *server.Server) *tls.Config {
	p := x509.NewCertPool()
	p.AddCert(srv.CA().Certificate())
	return &tls.Config{RootCAs: p}
}

// inbox counts the inbox keys of the run's users.
func inbox(t *testing.T, srv *server.Server, prefix string) int {
	t.Helper()
	n := 0
	if err := srv.Store().Scan([]byte("inbox/"+prefix), func(_, _ []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRunOneToOne: users register through the protocol, every message is
// acknowledged, delivered live exactly once and acknowledged by its
// recipient, whose inbox is then empty — over TLS with certificates and
// over TCP with passwords, in both formats.
func TestRunOneToOne(t *testing.T) {
	srv := startServer(t)
	for _, tc := range []struct {
		url, format, prefix string
		confirmed           bool // inbox Acks await the server's OK
	}{
		{"tls://" + srv.Addr(server.TLS), DER, "tlsder", false},
		{"tls://" + srv.Addr(server.TLS), ETF, "tlsetf", false},
		{"tcp://" + srv.Addr(server.TCP), ETF, "tcpetf", false},
		{"tls://" + srv.Addr(server.TLS), DER, "tlsderconfirmed", true},
	} {
		t.Run(tc.prefix, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.URL, cfg.TLS, cfg.Format, cfg.Prefix = tc.url, roots(srv), tc.format, tc.prefix
			cfg.ConfirmedInboxAck = tc.confirmed
			cfg.Users, cfg.Messages, cfg.Rate, cfg.Timeout = 6, 60, 0, time.Minute
			cfg.LatencyLog = filepath.Join(t.TempDir(), "latency")
			before := time.Now()
			res, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Complete() || res.Acked != 60 || res.Received != 60 || res.Redelivered != 0 || res.InboxAcks != 60 ||
				res.Senders != 3 || res.PerMessage != 1 || res.Latency.P50 <= 0 || res.AckLatency.P99 <= 0 {
				t.Fatalf("result %+v", res)
			}
			if n := inbox(t, srv, tc.prefix); n != 0 {
				t.Fatalf("%d inbox keys left after the recipients' Acks", n)
			}
			checkLatencyLog(t, cfg.LatencyLog, 60, before, time.Now())
			var out strings.Builder
			if err := res.WriteText(&out); err != nil || !strings.Contains(out.String(), "60 acked") {
				t.Fatalf("text %q: %v", out.String(), err)
			}
		})
	}
}

// TestRunRoom: every message reaches every other member of each room.
func TestRunRoom(t *testing.T) {
	srv := startServer(t)
	cfg := DefaultConfig()
	cfg.URL, cfg.TLS, cfg.Format, cfg.Prefix = "tls://"+srv.Addr(server.TLS), roots(srv), ETF, "room"
	cfg.Pattern, cfg.Users, cfg.RoomSize, cfg.SendersPerRoom = Room, 10, 5, 2
	cfg.Messages, cfg.Rate, cfg.Timeout, cfg.RequestQoS = 40, 400, time.Minute, 0
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete() || res.Senders != 4 || res.PerMessage != 4 || res.Acked != 40 || res.Received != 160 || res.Duplicated != 0 {
		t.Fatalf("result %+v", res)
	}
	// Every message's entry is acknowledged; the rooms' creation notices,
	// sent before the members subscribed, may still wait in the inboxes.
	if n := inbox(t, srv, "room"); n > 2*2*4 {
		t.Fatalf("%d inbox keys left", n)
	}
}

// TestRunRefusesBadSetup: a wrong CA fails the set-up with an error.
func TestRunRefusesBadSetup(t *testing.T) {
	srv := startServer(t)
	cfg := DefaultConfig()
	cfg.URL, cfg.TLS, cfg.Users, cfg.Messages, cfg.Timeout = "tls://"+srv.Addr(server.TLS), &tls.Config{RootCAs: x509.NewCertPool()}, 2, 1, 10*time.Second
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Run with an unknown CA: %v", err)
	}
}

func TestValidate(t *testing.T) {
	ok := DefaultConfig()
	ok.URL = "tls://127.0.0.1:1"
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*Config){
		"remote":          func(c *Config) { c.URL = "tls://192.0.2.1:8883" },
		"scheme":          func(c *Config) { c.URL = "http://127.0.0.1:1" },
		"format":          func(c *Config) { c.Format = "json" },
		"one user":        func(c *Config) { c.Users = 1 },
		"pattern":         func(c *Config) { c.Pattern = "fan-out" },
		"room too big":    func(c *Config) { c.Pattern, c.RoomSize = Room, c.Users+1 },
		"senders":         func(c *Config) { c.Pattern, c.RoomSize, c.SendersPerRoom = Room, 4, 5 },
		"small text":      func(c *Config) { c.Size = minSize - 1 },
		"few messages":    func(c *Config) { c.Messages = c.Users/2 - 1 },
		"negative rate":   func(c *Config) { c.Rate = -1 },
		"no timeout":      func(c *Config) { c.Timeout = 0 },
		"prefix":          func(c *Config) { c.Prefix = "Bad/" },
		"request qos":     func(c *Config) { c.RequestQoS = 2 },
		"many deliveries": func(c *Config) { c.Pattern, c.Users, c.RoomSize, c.Messages = Room, 1000, 1000, MaxMessages },
	} {
		c := ok
		mut(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted %+v", name, c)
		}
	}
}

// checkLatencyLog checks a latency log of n receipts of messages sent
// between from and to: one line each, send times in order and in that
// window, latencies positive and within it.
func checkLatencyLog(t *testing.T, name string, n int, from, to time.Time) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, last := 0, int64(0)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines++
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 {
			t.Fatalf("latency log line %d: %q, want two fields", lines, sc.Text())
		}
		sent, err1 := strconv.ParseInt(fields[0], 10, 64)
		lat, err2 := strconv.ParseInt(fields[1], 10, 64)
		switch {
		case err1 != nil || err2 != nil:
			t.Fatalf("latency log line %d: %q: %v %v", lines, sc.Text(), err1, err2)
		case sent < last:
			t.Fatalf("latency log line %d: sent at %d, before the line above (%d)", lines, sent, last)
		case sent < from.UnixNano() || sent+lat > to.UnixNano():
			t.Fatalf("latency log line %d: sent at %d and received %d ns later, outside the run [%d, %d]", lines, sent, lat, from.UnixNano(), to.UnixNano())
		case lat <= 0:
			t.Fatalf("latency log line %d: latency %d", lines, lat)
		}
		last = sent
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if lines != n {
		t.Fatalf("latency log has %d lines, want %d", lines, n)
	}
}

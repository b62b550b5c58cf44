package bench_test

import (
	"github.com/chatim/chat/internal/testpki"

	"github.com/chatim/chat/internal/peers"

	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	mochilisteners "github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/chatim/chat/server/listeners"
	"github.com/chatim/chat/tools/chatbench/bench"
)

// lockedBuffer collects a child process's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func freeTCPPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startMosquitto runs Debian's mosquitto on a loopback port and returns
// its URL and pid.
func startMosquitto(t *testing.T) (string, int) {
	t.Helper()
	bin := "/usr/sbin/mosquitto"
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath("mosquitto"); err != nil {
			peers.Missing(t, "mosquitto binary missing (/usr/sbin/mosquitto, PATH): "+err.Error())
		}
	}
	port := freeTCPPort(t)
	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	body := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\n", port)
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out := &lockedBuffer{}
	cmd := exec.Command(bin, "-c", conf)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			_ = c.Close()
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("mosquitto exited: %v\n%s", err, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("mosquitto not listening on %s: %v\n%s", addr, err, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return "tcp://" + addr, cmd.Process.Pid
}

type allowAll struct{ mqtt.HookBase }

func (*allowAll) ID() string { return "allow-all" }
func (*allowAll) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}
func (*allowAll) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }
func (*allowAll) OnACLCheck(*mqtt.Client, string, bool) bool              { return true }

// startMochi runs a mochi broker in-process with TCP and QUIC listeners
// and returns their URLs and the TLS PKI.
func startMochi(t *testing.T) (tcpURL, quicURL string, pki *testpki.PKI) {
	t.Helper()
	pki = testpki.New(t)
	srv := mqtt.New(&mqtt.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := srv.AddHook(new(allowAll), nil); err != nil {
		t.Fatal(err)
	}
	tcp := mochilisteners.NewTCP(mochilisteners.Config{ID: "tcp", Address: "127.0.0.1:0"})
	q := listeners.NewQUIC(listeners.QUICConfig{Address: "127.0.0.1:0", TLSConfig: pki.ServerTLS()})
	for _, l := range []mochilisteners.Listener{tcp, q} {
		if err := srv.AddListener(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Serve(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return "tcp://" + tcp.Address(), "quic://" + q.Address(), pki
}

func runBench(t *testing.T, cfg bench.Config) *bench.Result {
	t.Helper()
	res, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	_ = res.WriteText(&text)
	t.Logf("\n%s", text.String())
	return res
}

func assertComplete(t *testing.T, res *bench.Result, want int64) {
	t.Helper()
	if res.Received != want || res.Expected != want || res.Lost != 0 || res.Duplicated != 0 || res.Stray != 0 || res.PublishErrors != 0 || !res.Complete() {
		t.Errorf("received %d of %d expected (want %d), lost %d, duplicated %d, stray %d, publish errors %d (%s)",
			res.Received, res.Expected, want, res.Lost, res.Duplicated, res.Stray, res.PublishErrors, res.FirstError)
	}
	if res.Latency.P50 <= 0 || res.Latency.P50 > res.Latency.P99 || res.Latency.P99 > res.Latency.P999 || res.Latency.P999 > res.Latency.Max {
		t.Errorf("latency percentiles out of order: %+v", res.Latency)
	}
}

func smallConfig(url string) bench.Config {
	cfg := bench.DefaultConfig()
	cfg.URL = url
	cfg.Clients = 10
	cfg.Messages = 2000 // 10 clients x 200 messages
	cfg.QoS = 1
	cfg.Timeout = 60 * time.Second
	return cfg
}

func TestChatbenchAgainstMosquitto(t *testing.T) {
	url, pid := startMosquitto(t)
	cfg := smallConfig(url)
	cfg.ServerPID = pid
	res := runBench(t, cfg)
	assertComplete(t, res, 2000)
	if res.Publishers != 10 || res.Subscribers != 10 || res.Published != 2000 {
		t.Errorf("%d publishers, %d subscribers, %d published", res.Publishers, res.Subscribers, res.Published)
	}
	if res.ServerCPUSeconds < 0 {
		t.Errorf("server CPU of pid %d not measured", pid)
	}
}

func TestChatbenchFanOutAgainstMosquitto(t *testing.T) {
	url, _ := startMosquitto(t)
	cfg := smallConfig(url)
	cfg.Pattern = bench.FanOut
	cfg.Subscribers = 5
	cfg.Messages = 200
	cfg.Rate = 2000 // paced
	res := runBench(t, cfg)
	assertComplete(t, res, 1000)
}

func TestChatbenchAgainstMochi(t *testing.T) {
	tcpURL, quicURL, pki := startMochi(t)
	t.Run("tcp", func(t *testing.T) {
		res := runBench(t, smallConfig(tcpURL))
		assertComplete(t, res, 2000)
	})
	t.Run("quic", func(t *testing.T) {
		cfg := smallConfig(quicURL)
		cfg.TLS = pki.ClientTLS(t, "")
		cfg.Messages = 500
		assertComplete(t, runBench(t, cfg), 500)
	})
	t.Run("qos0", func(t *testing.T) {
		cfg := smallConfig(tcpURL)
		cfg.QoS = 0
		cfg.Rate = 5000 // paced well below capacity: nothing should be dropped
		assertComplete(t, runBench(t, cfg), 2000)
	})
}

func TestChatbenchSetupFailure(t *testing.T) {
	cfg := smallConfig(fmt.Sprintf("tcp://127.0.0.1:%d", freeTCPPort(t)))
	cfg.Timeout = 10 * time.Second
	if _, err := bench.Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "bench: connect") {
		t.Errorf("run against a closed port: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*bench.Config)
	}{
		{"remote host", func(c *bench.Config) { c.URL = "tcp://192.0.2.1:1883" }},
		{"remote name", func(c *bench.Config) { c.URL = "tcp://example.com:1883" }},
		{"no host", func(c *bench.Config) { c.URL = "tcp://:1883" }},
		{"pattern", func(c *bench.Config) { c.Pattern = "many-to-many" }},
		{"clients", func(c *bench.Config) { c.Clients = 0 }},
		{"too many clients", func(c *bench.Config) { c.Clients = bench.MaxClients }},
		{"subscribers", func(c *bench.Config) { c.Pattern = bench.FanOut; c.Subscribers = 0 }},
		{"qos", func(c *bench.Config) { c.QoS = 2 }},
		{"size", func(c *bench.Config) { c.Size = bench.PayloadHeaderSize - 1 }},
		{"messages", func(c *bench.Config) { c.Messages = c.Clients - 1 }},
		{"deliveries", func(c *bench.Config) {
			c.Pattern, c.Subscribers, c.Messages = bench.FanOut, 1000, bench.MaxMessages
		}},
		{"rate", func(c *bench.Config) { c.Rate = -1 }},
		{"timeout", func(c *bench.Config) { c.Timeout = 0 }},
		{"id template", func(c *bench.Config) { c.IDTemplate = "bench" }},
		{"topic template", func(c *bench.Config) { c.TopicTemplate = "bench/%d/%s" }},
		{"wildcard topic", func(c *bench.Config) { c.TopicTemplate = "bench/+/%d" }},
	} {
		cfg := bench.DefaultConfig()
		tc.modify(&cfg)
		if err := cfg.Validate(); !errors.Is(err, bench.ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", tc.name, err)
		}
	}
	for _, url := range []string{"tcp://127.0.0.1:1883", "tls://127.8.9.10:8883", "quic://[::1]:14567", "ws://LocalHost:8080/mqtt"} {
		cfg := bench.DefaultConfig()
		cfg.URL = url
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", url, err)
		}
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chatim/chat/server/store"
)

// chatdBin is the chatd binary built once by TestMain.
var chatdBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "chatd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	chatdBin = filepath.Join(dir, "chatd")
	build := exec.Command("go", "build", "-o", chatdBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building chatd:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// daemon is a running chatd process.
type daemon struct {
	cmd    *exec.Cmd
	dir    string
	addrs  map[string]string // tls, quic, ws, tcp, admin
	exited chan struct{}
	err    error // the result of Wait, once exited is closed

	mu  sync.Mutex
	log bytes.Buffer
}

// allLoopback is the flag set that puts every listener on a free loopback port.
var allLoopback = []string{"--tls", "127.0.0.1:0", "--quic", "127.0.0.1:0", "--ws", "127.0.0.1:0",
	"--tcp", "127.0.0.1:0", "--admin", "127.0.0.1:0"}

// startChatd runs chatd on dir and waits for its "chatd started" log line.
func startChatd(t *testing.T, dir string, env []string, args ...string) *daemon {
	t.Helper()
	if args == nil {
		args = allLoopback
	}
	d := &daemon{dir: dir, exited: make(chan struct{})}
	d.cmd = exec.Command(chatdBin, append([]string{"--data", dir, "--log-format", "json"}, args...)...)
	d.cmd.Env = append(os.Environ(), env...)
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan map[string]string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Bytes()
			d.mu.Lock()
			d.log.Write(line)
			d.log.WriteByte('\n')
			d.mu.Unlock()
			var rec map[string]any
			if json.Unmarshal(line, &rec) == nil && rec["msg"] == "chatd started" {
				addrs := map[string]string{}
				for _, k := range []string{"tls", "quic", "ws", "tcp", "admin"} {
					addrs[k], _ = rec[k].(string)
				}
				started <- addrs
			}
		}
		d.err = d.cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-d.exited:
		default:
			_ = d.cmd.Process.Kill()
			<-d.exited
		}
	})
	select {
	case d.addrs = <-started:
	case <-d.exited:
		t.Fatalf("chatd exited before starting: %v\n%s", d.err, d.logText())
	case <-time.After(60 * time.Second):
		t.Fatalf("chatd did not start\n%s", d.logText())
	}
	return d
}

func (d *daemon) logText() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.log.String()
}

// stop sends sig and returns the exit status.
func (d *daemon) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	if err := d.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("chatd did not exit after %v\n%s", sig, d.logText())
	}
	return d.cmd.ProcessState.ExitCode()
}

// runChatd runs a chatd subcommand and returns its stdout; it fails the
// test unless the exit status is want.
func runChatd(t *testing.T, want int, args ...string) string {
	t.Helper()
	cmd := exec.Command(chatdBin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if got := cmd.ProcessState.ExitCode(); got != want {
		t.Fatalf("chatd %s: exit %d (%v), want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, err, want, stdout.String(), stderr.String())
	}
	return stdout.String() + stderr.String()
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestHelp(t *testing.T) {
	out := runChatd(t, 0, "--help")
	for _, want := range []string{"--data", "--tls", "--quic", "--ws", "--tcp", "--admin", "--log-format",
		"CHATD_DATA", "CHATD_TLS", "CHATD_QUIC", "CHATD_WS", "CHATD_TCP", "CHATD_ADMIN",
		`"./data"`, `":8883"`, `":14567"`, `":8080"`, `"127.0.0.1:1883"`, `"127.0.0.1:9090"`} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %s:\n%s", want, out)
		}
	}
	runChatd(t, 2, "--no-such-flag")
	runChatd(t, 2, "--log-format", "xml")
	if out := runChatd(t, 0, "ca", "--help"); !strings.Contains(out, "chatd ca revoke") {
		t.Errorf("ca --help:\n%s", out)
	}
}

// TestFreshStartRestartAndSIGTERM covers the first start on an empty data
// directory, a clean stop on SIGTERM, and a second start that keeps the CA.
func TestFreshStartRestartAndSIGTERM(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	// The environment gives the addresses; flags win over it; an empty
	// value disables a listener.
	env := []string{"CHATD_TLS=127.0.0.1:0", "CHATD_QUIC=", "CHATD_WS=", "CHATD_TCP=256.0.0.1:1", "CHATD_ADMIN=127.0.0.1:0"}
	d := startChatd(t, dir, env, "--tcp", "127.0.0.1:0")
	if d.addrs["tls"] == "" || d.addrs["tcp"] == "" || d.addrs["admin"] == "" || d.addrs["quic"] != "" || d.addrs["ws"] != "" {
		t.Fatalf("addresses %v: want tls, tcp and admin only", d.addrs)
	}
	for name, mode := range map[string]os.FileMode{"ca.pem": 0o644, "ca.key": 0o600, "server.pem": 0o644, "server.key": 0o600} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s mode %v, want %v", name, fi.Mode().Perm(), mode)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "db")); err != nil || !fi.IsDir() {
		t.Fatalf("db: %v", err)
	}
	addr, err := os.ReadFile(filepath.Join(dir, "admin.addr"))
	if err != nil || strings.TrimSpace(string(addr)) != d.addrs["admin"] {
		t.Fatalf("admin.addr = %q, %v; want %s", addr, err, d.addrs["admin"])
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}

	if code := d.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit status %d after SIGTERM\n%s", code, d.logText())
	}
	if _, err := os.Stat(filepath.Join(dir, "admin.addr")); !os.IsNotExist(err) {
		t.Fatalf("admin.addr left behind: %v", err)
	}
	st, err := store.Open(filepath.Join(dir, "db"), nil)
	if err != nil {
		t.Fatalf("store not reopenable after SIGTERM: %v", err)
	}
	st.Close()

	d2 := startChatd(t, dir, nil)
	caPEM2, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(caPEM, caPEM2) {
		t.Fatal("second start replaced ca.pem")
	}
	if code := d2.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("exit status %d after SIGINT", code)
	}
}

// newCSR writes a fresh ECDSA key and a CSR for cn into dir and returns
// the key, and the paths of the key and CSR PEM files.
func newCSR(t *testing.T, dir, cn string) (*ecdsa.PrivateKey, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile, csrFile := filepath.Join(dir, cn+".key"), filepath.Join(dir, cn+".csr")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csrFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr}), 0o644); err != nil {
		t.Fatal(err)
	}
	return key, keyFile, csrFile
}

// issueCert runs `chatd ca issue` and returns the key pair.
func issueCert(t *testing.T, dataDir, cn string, extra ...string) tls.Certificate {
	t.Helper()
	work := t.TempDir()
	key, _, csrFile := newCSR(t, work, cn)
	out := filepath.Join(work, cn+".pem")
	runChatd(t, 0, append([]string{"ca", "issue", "--data", dataDir, "--csr", csrFile, "--out", out}, extra...)...)
	certPEM, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(certPEM)
	if block == nil {
		t.Fatalf("%s holds no PEM", out)
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{block.Bytes}, PrivateKey: key, Leaf: leaf}
}

func caPool(t *testing.T, dataDir string) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatal("ca.pem holds no certificate")
	}
	return pool
}

// foreignCert returns a certificate for cn from a CA unknown to chatd.
func foreignCert(t *testing.T, cn string) tls.Certificate {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "foreign CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// Command benchd runs the chatd server assembly (server.New: listeners,
// authentication and topic ACL, Pebble session store, metrics) for load
// tests, with the benchmark topic namespace bench/ open to every
// connected client (server.Tuning.BenchmarkTopics) and the tuning knobs
// on flags. It is what bench/broker.sh measures; chatd itself has no
// benchmark option.
//
//	benchd --data /tmp/d --tcp 127.0.0.1:18830 --tls 127.0.0.1:18831 --client-cert bench
//
// With --client-cert NICK it issues a client certificate for NICK from the
// server's CA and writes DIR/NICK.pem and DIR/NICK.key (the CA is
// DIR/ca.pem). With --pprof it serves net/http/pprof on that loopback
// address. With --debug it logs at debug level, the store's flushes and
// compactions included, to set against chatbench's --latency-log. It
// prints "benchd ready pid N" and runs until SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // profiles on --pprof
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"syscall"
	"time"

	"github.com/chatim/chat/server"
	"github.com/chatim/chat/server/ca"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchd:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("benchd", flag.ContinueOnError)
	data := fs.String("data", "", "data `directory` (required; a fresh one per run)")
	tcp := fs.String("tcp", "", "MQTT over TCP loopback `address`")
	tlsAddr := fs.String("tls", "", "MQTT over TLS loopback `address`")
	quic := fs.String("quic", "", "MQTT over QUIC loopback `address`")
	ws := fs.String("ws", "", "MQTT over WebSocket loopback `address`")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof on this loopback `address`")
	clientCert := fs.String("client-cert", "", "issue a client certificate for this `nickname` into the data directory")
	benchTopics := fs.Bool("bench-topics", true, "open the bench/ topic namespace to every client")
	readBuf := fs.Int("read-buffer", 0, "per-connection read buffer `bytes` (0: server default)")
	writeBuf := fs.Int("write-buffer", 0, "per-connection write flush threshold `bytes` (0: server default)")
	queue := fs.Int("queue", 0, "per-client outbound queue `packets` (0: server default)")
	verbose := fs.Bool("v", false, "log at info level (default: errors only)")
	debugLog := fs.Bool("debug", false, "log at debug level: the store's flushes and compactions, with their times, included")
	gcPercent := fs.Int("gogc", 0, "garbage collection target `percent` (debug.SetGCPercent; 0: GOGC or 100)")
	memLimit := fs.Int64("memory-limit", 0, "soft memory limit in `bytes` (debug.SetMemoryLimit; 0: GOMEMLIMIT or none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("--data is required")
	}
	for _, a := range []string{*tcp, *tlsAddr, *quic, *ws, *pprofAddr} {
		if err := checkLoopback(a); err != nil {
			return err
		}
	}
	if *gcPercent != 0 {
		debug.SetGCPercent(*gcPercent)
	}
	if *memLimit > 0 {
		debug.SetMemoryLimit(*memLimit)
	}
	level := slog.LevelError
	switch {
	case *debugLog:
		level = slog.LevelDebug
	case *verbose:
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	srv, err := server.New(server.Config{
		DataDir: *data, TCPAddr: *tcp, TLSAddr: *tlsAddr, QUICAddr: *quic, WSAddr: *ws,
		Logger: log, OutboundQueue: *queue,
		Tuning: server.Tuning{ReadBufferSize: *readBuf, WriteBufferSize: *writeBuf, BenchmarkTopics: *benchTopics},
	})
	if err != nil {
		return err
	}
	if *clientCert != "" {
		if err := writeClientCert(srv.CA(), *data, *clientCert); err != nil {
			_ = srv.Shutdown(context.Background())
			return err
		}
	}
	if *pprofAddr != "" {
		ln, err := net.Listen("tcp", *pprofAddr)
		if err != nil {
			_ = srv.Shutdown(context.Background())
			return err
		}
		http.HandleFunc("/debug/memory", memoryReport)
		go func() { _ = http.Serve(ln, http.DefaultServeMux) }()
	}
	if err := srv.Start(); err != nil {
		_ = srv.Shutdown(context.Background())
		return err
	}
	fmt.Printf("benchd ready pid %d\n", os.Getpid())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// checkLoopback refuses a non-empty address that is not on loopback.
func checkLoopback(addr string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %s is not loopback", addr)
	}
	return nil
}

// writeClientCert issues a client certificate for nick and writes it and
// its key as DIR/nick.pem and DIR/nick.key.
func writeClientCert(authority *ca.CA, dir, nick string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: nick}}, key)
	if err != nil {
		return err
	}
	cert, err := authority.Issue(csr, ca.IssueOptions{ExpectCN: nick})
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := writePEM(filepath.Join(dir, nick+".pem"), "CERTIFICATE", cert.Raw); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, nick+".key"), "PRIVATE KEY", keyDER)
}

func writePEM(path, typ string, der []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	err = pem.Encode(f, &pem.Block{Type: typ, Bytes: der})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// memoryReport writes the runtime's memory classes and goroutine count,
// one "name value" per line: where resident memory goes.
func memoryReport(w http.ResponseWriter, _ *http.Request) {
	var samples []metrics.Sample
	for _, d := range metrics.All() {
		if d.Kind == metrics.KindUint64 && (strings.HasPrefix(d.Name, "/memory/classes/") || d.Name == "/sched/goroutines:goroutines" || d.Name == "/gc/heap/goal:bytes" || d.Name == "/gc/stack/starting-size:bytes") {
			samples = append(samples, metrics.Sample{Name: d.Name})
		}
	}
	metrics.Read(samples)
	for _, s := range samples {
		fmt.Fprintf(w, "%s %d\n", s.Name, s.Value.Uint64())
	}
}

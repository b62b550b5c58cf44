package client_test

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/server"
)

// testServer is a chatd on loopback with every transport.
type testServer struct {
	*server.Server
	roots *x509.CertPool
}

func newServer(t *testing.T) *testServer {
	t.Helper()
	dir := t.TempDir()
	srv, err := server.New(server.Config{
		DataDir: dir, TLSAddr: "127.0.0.1:0", QUICAddr: "127.0.0.1:0", WSAddr: "127.0.0.1:0",
		TCPAddr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	pemBytes, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		t.Fatal("ca.pem holds no certificate")
	}
	return &testServer{Server: srv, roots: roots}
}

// url returns the URL of one transport of the server.
func (s *testServer) url(transport string) string {
	switch transport {
	case server.WS:
		return "ws://" + s.Addr(server.WS) + "/mqtt"
	}
	return transport + "://" + s.Addr(transport)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// requireProtocol skips nothing: it fails with a clear message when the
// server answers not_implemented, i.e. runs without its protocol handlers.
func requireProtocol(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, client.ErrNotImplemented) {
		t.Fatalf("the server does not serve the protocol yet: %v", err)
	}
}

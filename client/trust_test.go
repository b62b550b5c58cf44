package client_test

import (
	"errors"
	"testing"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/server"
)

func TestFetchCA(t *testing.T) {
	s := newServer(t)
	for _, tr := range []string{server.TLS, server.QUIC} {
		root, err := client.FetchCA(testContext(t), s.url(tr))
		if err != nil {
			t.Fatalf("%s: %v", tr, err)
		}
		if !root.Equal(s.CA().Certificate()) {
			t.Fatalf("%s: fetched %s, want the server's CA", tr, root.Subject)
		}
		if fp := client.Fingerprint(root); len(fp) != 95 {
			t.Fatalf("fingerprint %q", fp)
		}
	}
	if _, err := client.FetchCA(testContext(t), s.url(server.TCP)); !errors.Is(err, client.ErrNoTLS) {
		t.Fatalf("FetchCA over tcp: %v, want ErrNoTLS", err)
	}
}

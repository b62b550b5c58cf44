package conformance_test

import (
	"github.com/chatim/chat/internal/peers"

	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chatim/chat/internal/erlpeer"
)

// specPath is the ASN.1 module the generated package comes from.
const specPath = "../priv/proto/CHAT.asn1"

var (
	peerOnce sync.Once
	peerVM   *erlpeer.Peer
	peerErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if peerVM != nil {
		if err := peerVM.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// erlangPeer returns the Erlang VM shared by the tests and benchmarks of the
// package, skipping tb when Erlang/OTP is not installed.
func erlangPeer(tb testing.TB) *erlpeer.Peer {
	tb.Helper()
	if err := erlpeer.Available(); err != nil {
		peers.Missing(tb, "Erlang/OTP reference peer unavailable: "+err.Error())
	}
	peerOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		peerVM, peerErr = erlpeer.Start(ctx, specPath)
	})
	if peerErr != nil {
		tb.Fatalf("starting the Erlang peer: %v", peerErr)
	}
	return peerVM
}

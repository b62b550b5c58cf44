package erlpeer

import (
	"github.com/chatim/chat/internal/peers"

	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const specPath = "../../priv/proto/CHAT.asn1"

var (
	shared     *Peer
	sharedErr  error
	sharedOnce sync.Once
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		if err := shared.Close(); err != nil && code == 0 {
			os.Stderr.WriteString(err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// peer returns the VM shared by the tests of this package.
func peer(t testing.TB) *Peer {
	t.Helper()
	if err := Available(); err != nil {
		peers.Missing(t, err.Error())
	}
	sharedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared, sharedErr = Start(ctx, specPath)
	})
	if sharedErr != nil {
		t.Fatalf("Start: %v", sharedErr)
	}
	return shared
}

// Hand-built external terms and their DER, independent of the codecs.
var (
	// {'OK', "ok"} with UTF-8 atoms (minor_version 2).
	okETF = []byte{131, 104, 2, 119, 2, 'O', 'K', 107, 0, 2, 'o', 'k'}
	// the same term as OTP 25 writes it by default (ATOM_EXT).
	okETFv1 = []byte{131, 104, 2, 100, 0, 2, 'O', 'K', 107, 0, 2, 'o', 'k'}
	// OK ::= SEQUENCE { data UniversalString }: UCS-4 big-endian.
	okDER = []byte{0x30, 0x0a, 0x1c, 0x08, 0, 0, 0, 'o', 0, 0, 0, 'k'}

	// {'P2P', <<"a">>, <<"b">>}
	p2pETF = []byte{131, 104, 3, 119, 3, 'P', '2', 'P', 109, 0, 0, 0, 1, 'a', 109, 0, 0, 0, 1, 'b'}
	p2pDER = []byte{0x30, 0x06, 0x04, 0x01, 'a', 0x04, 0x01, 'b'}
)

func TestStartModule(t *testing.T) {
	p := peer(t)
	if p.Module != "CHAT" {
		t.Fatalf("Module = %q, want CHAT", p.Module)
	}
}

func TestEncodeDER(t *testing.T) {
	p := peer(t)
	for _, tc := range []struct {
		typ       string
		etf, want []byte
	}{
		{"OK", okETF, okDER},
		{"OK", okETFv1, okDER},
		{"P2P", p2pETF, p2pDER},
	} {
		got, err := p.EncodeDER(tc.typ, tc.etf)
		if err != nil {
			t.Fatalf("EncodeDER(%s, % x): %v", tc.typ, tc.etf, err)
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("EncodeDER(%s) = % x, want % x", tc.typ, got, tc.want)
		}
	}
}

func TestDecodeDER(t *testing.T) {
	p := peer(t)
	for _, tc := range []struct {
		typ       string
		der, want []byte
	}{
		{"OK", okDER, okETF},
		{"P2P", p2pDER, p2pETF},
	} {
		got, err := p.DecodeDER(tc.typ, tc.der)
		if err != nil {
			t.Fatalf("DecodeDER(%s, % x): %v", tc.typ, tc.der, err)
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("DecodeDER(%s) = % x, want % x", tc.typ, got, tc.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	p := peer(t)
	for _, in := range [][]byte{okETF, okETFv1} {
		v2, v1, err := p.Canonical(in)
		if err != nil {
			t.Fatalf("Canonical(% x): %v", in, err)
		}
		if !bytes.Equal(v2, okETF) {
			t.Errorf("Canonical v2 = % x, want % x", v2, okETF)
		}
		if !bytes.Equal(v1, okETFv1) {
			t.Errorf("Canonical default = % x, want % x", v1, okETFv1)
		}
	}
}

func TestErlangErrors(t *testing.T) {
	p := peer(t)
	for _, tc := range []struct {
		name   string
		call   func() error
		reason string
	}{
		{"encode wrong shape", func() error {
			// {'OK', 5}: an integer is not a UniversalString.
			_, err := p.EncodeDER("OK", []byte{131, 104, 2, 119, 2, 'O', 'K', 97, 5})
			return err
		}, "asn1"},
		{"encode bad term", func() error {
			_, err := p.EncodeDER("OK", []byte{131, 255})
			return err
		}, "badarg"},
		{"decode truncated", func() error {
			_, err := p.DecodeDER("P2P", p2pDER[:5])
			return err
		}, "asn1"},
		{"unknown type", func() error {
			_, err := p.DecodeDER("NoSuchTypeAnywhere", p2pDER)
			return err
		}, "unknown_type"},
		{"canonical bad term", func() error {
			_, _, err := p.Canonical([]byte{131})
			return err
		}, "badarg"},
		{"bench unknown op", func() error {
			_, err := p.Bench("frobnicate", "OK", okETF, 1)
			return err
		}, "unknown_bench"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error = %v, want *Error", err)
			}
			if !strings.Contains(e.Reason, tc.reason) {
				t.Errorf("reason %q does not mention %q", e.Reason, tc.reason)
			}
		})
	}
	// The peer keeps serving after errors.
	if got, err := p.EncodeDER("P2P", p2pETF); err != nil || !bytes.Equal(got, p2pDER) {
		t.Fatalf("EncodeDER after errors = % x, %v", got, err)
	}
}

func TestBatch(t *testing.T) {
	p := peer(t)
	calls := []Call{
		{Op: OpEncode, Type: "OK", Input: okETF},
		{Op: OpDecode, Type: "P2P", Input: p2pDER},
		{Op: OpDecode, Type: "P2P", Input: []byte{0x30, 0x05}},
		{Op: OpCanonical, Input: okETFv1},
	}
	res, err := p.Batch(calls)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(calls) {
		t.Fatalf("got %d results, want %d", len(res), len(calls))
	}
	if res[0].Err != nil || !bytes.Equal(res[0].Out, okDER) {
		t.Errorf("encode: % x, %v", res[0].Out, res[0].Err)
	}
	if res[1].Err != nil || !bytes.Equal(res[1].Out, p2pETF) {
		t.Errorf("decode: % x, %v", res[1].Out, res[1].Err)
	}
	if res[2].Err == nil {
		t.Errorf("decode of truncated DER succeeded: % x", res[2].Out)
	}
	if res[3].Err != nil || !bytes.Equal(res[3].Out, okETF) || !bytes.Equal(res[3].Out2, okETFv1) {
		t.Errorf("canonical: % x / % x, %v", res[3].Out, res[3].Out2, res[3].Err)
	}
	if empty, err := p.Batch(nil); err != nil || len(empty) != 0 {
		t.Errorf("empty batch: %v, %v", empty, err)
	}
}

func TestBench(t *testing.T) {
	p := peer(t)
	for _, tc := range []struct {
		op    string
		input []byte
	}{
		{"encode", okETF},
		{"decode", okDER},
		{"term_to_binary", okETF},
		{"binary_to_term", okETF},
	} {
		ns, err := p.Bench(tc.op, "OK", tc.input, 100)
		if err != nil {
			t.Fatalf("Bench(%s): %v", tc.op, err)
		}
		if ns <= 0 {
			t.Errorf("Bench(%s) = %v ns/op, want > 0", tc.op, ns)
		}
	}
	if _, err := p.Bench("decode", "OK", p2pDER[:3], 10); err == nil {
		t.Error("Bench of failing decode succeeded")
	}
	if _, err := p.Bench("encode", "OK", okETF, 0); err == nil {
		t.Error("Bench with n = 0 succeeded")
	}
}

func TestConcurrentCalls(t *testing.T) {
	p := peer(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				got, err := p.EncodeDER("P2P", p2pETF)
				if err == nil && !bytes.Equal(got, p2pDER) {
					err = errors.New("wrong DER")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestStartBadSpec(t *testing.T) {
	if err := Available(); err != nil {
		peers.Missing(t, err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	if _, err := Start(ctx, filepath.Join(t.TempDir(), "missing.asn1")); err == nil {
		t.Error("Start with a missing spec succeeded")
	}

	bad := filepath.Join(t.TempDir(), "BAD.asn1")
	if err := os.WriteFile(bad, []byte("BAD DEFINITIONS ::= BEGIN T ::= SEQUENCE { a NoSuchType } END\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Start(ctx, bad)
	var e *Error
	if !errors.As(err, &e) || e.Op != "start" || !strings.Contains(e.Reason, "asn1ct_compile") {
		t.Fatalf("Start(bad spec) error = %v, want an *Error from asn1ct", err)
	}
}

func TestCloseIdempotent(t *testing.T) {
	if err := Available(); err != nil {
		peers.Missing(t, err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := Start(ctx, specPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := p.EncodeDER("OK", okETF); !errors.Is(err, ErrClosed) {
		t.Fatalf("EncodeDER after Close: %v, want ErrClosed", err)
	}
	if _, err := os.Stat(p.tmp); !os.IsNotExist(err) {
		t.Errorf("temporary directory %s left behind: %v", p.tmp, err)
	}
}

func TestStartCancelled(t *testing.T) {
	if err := Available(); err != nil {
		peers.Missing(t, err.Error())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if p, err := Start(ctx, specPath); err == nil {
		p.Close()
		t.Fatal("Start with a cancelled context succeeded")
	}
}

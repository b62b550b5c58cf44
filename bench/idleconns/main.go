// Command idleconns opens many idle MQTT connections to a loopback broker
// and holds them, so that the broker's resident memory per connection can
// be measured. Each connection completes TCP (and TLS, with the given
// client certificate), sends an MQTT 5 CONNECT with a keepalive of
// --keepalive seconds and waits for a successful CONNACK; then nothing is
// sent. It prints "idleconns ready N" once all N are up and holds them
// until SIGINT, SIGTERM or the end of stdin.
//
//	idleconns --url tls://127.0.0.1:8883 --n 5000 --ca ca.pem --cert c.pem --key c.key --id-template bench.i%d
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// parallel bounds the handshakes in flight.
const parallel = 32

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "idleconns:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("idleconns", flag.ContinueOnError)
	rawURL := fs.String("url", "tcp://127.0.0.1:1883", "broker `URL`, tcp:// or tls://, loopback only")
	n := fs.Int("n", 1000, "connections to open")
	caFile := fs.String("ca", "", "PEM `file` of the CA to trust (tls)")
	certFile := fs.String("cert", "", "client certificate PEM `file` (tls)")
	keyFile := fs.String("key", "", "client key PEM `file` (tls)")
	idTemplate := fs.String("id-template", "anon.i%d", "client id `template`, %d is the connection number")
	keepAlive := fs.Uint("keepalive", 600, "MQTT keepalive in `seconds`; nothing is sent while holding, so keep it longer than the measurement")
	timeout := fs.Duration("timeout", 5*time.Minute, "bound on opening all connections")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 100000 || *keepAlive > 65535 {
		return errors.New("--n must be in 1..100000 and --keepalive at most 65535")
	}
	u, err := url.Parse(*rawURL)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("host %q is not a loopback address", u.Hostname())
	}
	var tlsConf *tls.Config
	switch u.Scheme {
	case "tcp":
	case "tls":
		if tlsConf, err = loadTLS(*caFile, *certFile, *keyFile, u.Hostname()); err != nil {
			return err
		}
	default:
		return fmt.Errorf("scheme %q, want tcp or tls", u.Scheme)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	conns := make([]net.Conn, *n)
	errs := make([]error, *n)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := range *n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			conns[i], errs[i] = open(ctx, u.Host, tlsConf, fmt.Sprintf(*idTemplate, i+1), uint16(*keepAlive))
		}()
	}
	wg.Wait()
	defer func() {
		for _, c := range conns {
			if c != nil {
				_ = c.Close()
			}
		}
	}()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Printf("idleconns ready %d\n", *n)

	sig, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stdinDone := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdinDone)
	}()
	select {
	case <-sig.Done():
	case <-stdinDone:
	}
	return nil
}

// open connects one client and waits for its CONNACK.
func open(ctx context.Context, addr string, tlsConf *tls.Config, id string, keepAlive uint16) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if tlsConf != nil {
		tc := tls.Client(c, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = c.Close()
			return nil, fmt.Errorf("%s: tls: %w", id, err)
		}
		c = tc
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	if _, err := c.Write(connectPacket(id, keepAlive)); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("%s: write CONNECT: %w", id, err)
	}
	if err := readConnack(bufio.NewReaderSize(c, 64)); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	_ = c.SetDeadline(time.Time{})
	return c, nil
}

// connectPacket encodes an MQTT 5 CONNECT with Clean Start, no
// credentials and no properties.
func connectPacket(id string, keepAlive uint16) []byte {
	body := []byte{0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, byte(keepAlive >> 8), byte(keepAlive), 0}
	body = append(body, byte(len(id)>>8), byte(len(id)))
	body = append(body, id...)
	pk := []byte{0x10}
	for l := len(body); ; {
		b := byte(l % 128)
		l /= 128
		if l > 0 {
			b |= 0x80
		}
		pk = append(pk, b)
		if l == 0 {
			break
		}
	}
	return append(pk, body...)
}

// readConnack reads one packet and checks it is a successful CONNACK.
func readConnack(r *bufio.Reader) error {
	typ, err := r.ReadByte()
	if err != nil {
		return fmt.Errorf("read CONNACK: %w", err)
	}
	var l, shift int
	for {
		b, err := r.ReadByte()
		if err != nil {
			return fmt.Errorf("read CONNACK: %w", err)
		}
		l |= int(b&0x7f) << shift
		if b < 0x80 {
			break
		}
		if shift += 7; shift > 21 {
			return errors.New("CONNACK: bad remaining length")
		}
	}
	body := make([]byte, l)
	if _, err := io.ReadFull(r, body); err != nil {
		return fmt.Errorf("read CONNACK: %w", err)
	}
	if typ != 0x20 || l < 2 {
		return fmt.Errorf("got packet type %#x (%d bytes), want CONNACK", typ, l)
	}
	if body[1] != 0 {
		return fmt.Errorf("CONNACK reason code %#x", body[1])
	}
	return nil
}

func loadTLS(caFile, certFile, keyFile, host string) (*tls.Config, error) {
	conf := &tls.Config{ServerName: host}
	if caFile != "" {
		b, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		conf.RootCAs = x509.NewCertPool()
		if !conf.RootCAs.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("no certificate in %s", caFile)
		}
	}
	if certFile != "" {
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, err
		}
		conf.Certificates = []tls.Certificate{pair}
	}
	return conf, nil
}

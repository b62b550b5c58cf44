// Package client dials a chat server over any of its transports and
// connects an MQTT 5 client (github.com/eclipse/paho.golang) over the result.
package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/quic-go/quic-go"

	"github.com/chatim/chat/server/listeners"
)

// Default ports, used when a URL names none; they match chatd's defaults.
const (
	DefaultTCPPort  = "1883"
	DefaultTLSPort  = "8883"
	DefaultQUICPort = "14567"
	DefaultWSPort   = "8080"
)

// DefaultReadBufferSize is the read buffer of a dialled connection.
const DefaultReadBufferSize = 32 << 10

// ErrScheme is returned for a URL whose scheme is not tcp, tls, quic, ws or wss.
var ErrScheme = errors.New("client: unsupported URL scheme")

// Options configures Dial.
type Options struct {
	// TLS is used by tls://, quic:// and wss://: RootCAs to trust, client
	// Certificates to present. Nil means the system roots and no client
	// certificate. It is cloned; ServerName defaults to the URL's host, and
	// quic:// adds ALPN "mqtt".
	TLS *tls.Config
	// QUIC configures quic:// connections. Nil means quic-go's defaults with
	// a 10 s keep-alive; the server may never open streams.
	QUIC *quic.Config
	// ReadBufferSize is the size of the read buffer. Zero means
	// DefaultReadBufferSize.
	ReadBufferSize int
}

// Dial connects to rawURL, one of
//
//	tcp://host:port   plain MQTT over TCP (port 1883 if none)
//	tls://host:port   MQTT over TLS (8883)
//	quic://host:port  MQTT over one QUIC stream, ALPN "mqtt" (14567)
//	ws://host:port/path, wss://host:port/path
//	                  MQTT over WebSocket, subprotocol "mqtt", binary
//	                  messages (8080; path /mqtt if none)
//
// The returned connection buffers reads, and it implements sync.Locker:
// writes made between Lock and Unlock are sent together at Unlock, so a
// packet written in pieces (as paho does) costs one write on the wire. A
// failed write at Unlock closes the connection, and later writes return
// the error.
func Dial(ctx context.Context, rawURL string, opts Options) (net.Conn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	var c net.Conn
	switch u.Scheme {
	case "tcp":
		var d net.Dialer
		c, err = d.DialContext(ctx, "tcp", hostPort(u, DefaultTCPPort))
	case "tls":
		d := tls.Dialer{Config: tlsConfig(opts.TLS, u)}
		c, err = d.DialContext(ctx, "tcp", hostPort(u, DefaultTLSPort))
	case "quic":
		c, err = dialQUIC(ctx, hostPort(u, DefaultQUICPort), tlsConfig(opts.TLS, u), opts.QUIC)
	case "ws", "wss":
		c, err = dialWebSocket(ctx, u, tlsConfig(opts.TLS, u))
	default:
		return nil, fmt.Errorf("%w %q in %q", ErrScheme, u.Scheme, rawURL)
	}
	if err != nil {
		return nil, fmt.Errorf("client: dial %s: %w", rawURL, err)
	}
	return newBufConn(c, opts.ReadBufferSize), nil
}

func hostPort(u *url.URL, defaultPort string) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), defaultPort)
}

func tlsConfig(c *tls.Config, u *url.URL) *tls.Config {
	if c == nil {
		c = &tls.Config{}
	}
	c = c.Clone()
	if c.ServerName == "" {
		c.ServerName = u.Hostname()
	}
	return c
}

// dialQUIC opens a QUIC connection on its own UDP socket and the one
// stream MQTT uses. A host name is resolved and its addresses are tried in
// turn, IPv4 first; the socket is released when the connection closes.
func dialQUIC(ctx context.Context, addr string, tlsConf *tls.Config, conf *quic.Config) (net.Conn, error) {
	if conf == nil {
		conf = &quic.Config{KeepAlivePeriod: 10 * time.Second}
	}
	conf = conf.Clone()
	conf.MaxIncomingStreams, conf.MaxIncomingUniStreams = -1, -1
	tlsConf.NextProtos = []string{listeners.ALPN}

	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("bad port %q", portText)
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	family := func(a netip.Addr) int {
		if a.Unmap().Is4() {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(ips, func(a, b netip.Addr) int { return family(a) - family(b) })
	var errs []error
	for _, ip := range ips {
		c, err := dialQUICAddr(ctx, net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip.Unmap(), uint16(port))), tlsConf, conf)
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("no address for %s", host)
	}
	return nil, errors.Join(errs...)
}

func dialQUICAddr(ctx context.Context, raddr *net.UDPAddr, tlsConf *tls.Config, conf *quic.Config) (net.Conn, error) {
	udp, err := net.ListenUDP("udp", nil)
	if err != nil {
		return nil, err
	}
	tr := &quic.Transport{Conn: udp}
	release := func() {
		_ = tr.Close()
		_ = udp.Close()
	}
	qc, err := tr.Dial(ctx, raddr, tlsConf, conf)
	if err != nil {
		release()
		return nil, err
	}
	go func() {
		<-qc.Context().Done()
		release()
	}()
	str, err := qc.OpenStreamSync(ctx)
	if err != nil {
		_ = qc.CloseWithError(0, "")
		return nil, err
	}
	return syncCloseConn{listeners.NewStreamConn(qc, str, 0)}, nil
}

// syncCloseConn is a client's QUIC stream whose Close returns only once the
// QUIC connection is closed (after the server's FIN, or the close linger at
// most), so a process that exits right after Close still tells the server
// it has gone instead of leaving it to the idle timeout.
type syncCloseConn struct{ *listeners.StreamConn }

// Cause returns why the QUIC connection was closed (a *quic.TransportError
// when the server refused the handshake), or nil while it is open.
func (c syncCloseConn) Cause() error {
	ctx := c.Conn().Context()
	if ctx.Err() == nil {
		return nil
	}
	return context.Cause(ctx)
}

// Close closes the stream and waits for the connection to close.
func (c syncCloseConn) Close() error {
	err := c.StreamConn.Close()
	<-c.Done()
	return err
}

package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/eclipse/paho.golang/paho"
)

// DefaultKeepAlive is the MQTT keepalive, in seconds, when none is given.
const DefaultKeepAlive = 30

// QoS0ReceiveMaximum is a Receive Maximum for clients whose
// subscriptions are all QoS 0, so that the server never has a QoS 1 or 2
// message in flight to them. Paho keeps a channel of Receive Maximum
// packet pointers per connection; the MQTT default, 65,535, costs 512 KiB
// per connection, which the garbage collector scans on every cycle.
const QoS0ReceiveMaximum = 16

// ConnectOptions configures Connect.
type ConnectOptions struct {
	// ClientID is the MQTT client id, <nickname>.<device> for chat clients.
	ClientID string
	// Username and Password authenticate over TCP and WebSocket; over TLS
	// and QUIC the client certificate in TLS does. Empty means not sent.
	Username string
	Password []byte
	// CleanStart discards any session the server holds for ClientID.
	CleanStart bool
	// SessionExpiry is how long, in seconds, the server keeps the session
	// after the connection ends. Zero ends it with the connection.
	SessionExpiry uint32
	// KeepAlive is the MQTT keepalive in seconds. Zero means DefaultKeepAlive.
	KeepAlive uint16
	// ReceiveMaximum is the MQTT 5 Receive Maximum announced to the
	// server: how many QoS 1 and 2 messages it may have in flight to this
	// client. Zero announces none, which means 65,535. chatd does not
	// enforce it (server/sendquota.go: mochi's accounting of it deadlocks
	// and stalls), so keep it at least as large as what a QoS 1
	// subscription may have in flight; other brokers hold deliveries back.
	ReceiveMaximum uint16
	// TLS is passed to Dial: CA pool and client certificate.
	TLS *tls.Config
	// OnPublish, if set, receives every PUBLISH, one at a time; QoS 1 and 2
	// messages are acknowledged after it returns.
	OnPublish func(*paho.Publish)
	// OnError, if set, is told about errors after the connection is up,
	// such as the connection being lost.
	OnError func(error)
}

// Connect dials rawURL (see Dial) and connects an MQTT 5 client over it.
// The client owns the connection: Disconnect closes it, and Done is closed
// once the client has stopped for any reason.
func Connect(ctx context.Context, rawURL string, o ConnectOptions) (*paho.Client, error) {
	conn, err := Dial(ctx, rawURL, Options{TLS: o.TLS})
	if err != nil {
		return nil, err
	}
	cfg := paho.ClientConfig{Conn: conn, OnClientError: o.OnError}
	if o.OnPublish != nil {
		on := o.OnPublish
		cfg.OnPublishReceived = []func(paho.PublishReceived) (bool, error){
			func(r paho.PublishReceived) (bool, error) {
				on(r.Packet)
				return true, nil
			},
		}
	}
	c := paho.NewClient(cfg)
	cp := &paho.Connect{
		ClientID:     o.ClientID,
		KeepAlive:    o.KeepAlive,
		CleanStart:   o.CleanStart,
		Username:     o.Username,
		UsernameFlag: o.Username != "",
		Password:     o.Password,
		PasswordFlag: len(o.Password) > 0,
	}
	if cp.KeepAlive == 0 {
		cp.KeepAlive = DefaultKeepAlive
	}
	if o.ReceiveMaximum > 0 || o.SessionExpiry > 0 {
		cp.Properties = &paho.ConnectProperties{}
	}
	if o.ReceiveMaximum > 0 {
		recvMax := o.ReceiveMaximum
		cp.Properties.ReceiveMaximum = &recvMax
	}
	if o.SessionExpiry > 0 {
		expiry := o.SessionExpiry
		cp.Properties.SessionExpiryInterval = &expiry
	}
	ack, err := c.Connect(ctx, cp) // closes conn on failure
	if err != nil {
		if ack != nil {
			return nil, fmt.Errorf("client: connect %s as %q: reason code %#x: %w", rawURL, o.ClientID, ack.ReasonCode, err)
		}
		if c, ok := conn.(interface{ Cause() error }); ok && c.Cause() != nil {
			// Over QUIC a refused client certificate arrives as the
			// connection's close reason, after the handshake has returned;
			// paho then reports only the closed connection.
			err = errors.Join(err, c.Cause())
		}
		return nil, fmt.Errorf("client: connect %s as %q: %w", rawURL, o.ClientID, err)
	}
	return c, nil
}

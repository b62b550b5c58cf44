package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/chatim/chat/server/admin"
	"github.com/chatim/chat/server/auth"
	"github.com/chatim/chat/server/ca"
	"github.com/chatim/chat/server/chat"
	quiclisteners "github.com/chatim/chat/server/listeners"
	"github.com/chatim/chat/server/mqttstore"
	"github.com/chatim/chat/server/store"
)

// AdminAddrFile is the file in the data directory that holds the admin
// address of a running chatd; it is removed on a clean exit.
const AdminAddrFile = "admin.addr"

// Server is an assembled chatd.
type Server struct {
	cfg Config
	log *slog.Logger

	store   *store.Store
	ca      *ca.CA
	broker  *mqtt.Server
	auth    *auth.Hook
	chat    *chat.Hook
	counts  *countHook
	metrics *admin.Metrics
	admin   *admin.Server

	addrs   map[string]string // listener name → bound address
	running atomic.Bool

	adminDone    chan error
	shutdownOnce sync.Once
	shutdownErr  error
}

// New opens the store and the CA in cfg.DataDir (creating them on first
// use), builds the broker with its hooks, and binds every configured
// address. Nothing is served until Start.
func New(cfg Config) (_ *Server, err error) {
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.OutboundQueue <= 0 {
		cfg.OutboundQueue = DefaultOutboundQueue
	}
	if cfg.MaxPacketSize == 0 {
		cfg.MaxPacketSize = DefaultMaxPacketSize
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	s := &Server{cfg: cfg, log: cfg.Logger, addrs: map[string]string{}, counts: new(countHook)}
	defer func() {
		if err != nil {
			s.closeAll()
		}
	}()

	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("server: data directory: %w", err)
	}
	s.store, err = store.Open(filepath.Join(cfg.DataDir, "db"), &store.Options{Logger: s.log.With("component", "store")})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.ca, err = ca.LoadOrCreate(cfg.DataDir, ca.Options{Records: s.store})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.metrics = admin.NewMetrics()

	opts := &mqtt.Options{
		InlineClient:           true,
		Capabilities:           s.capabilities(),
		Logger:                 s.log.With("component", "mqtt"),
		SysTopicResendInterval: 60, // nobody may read $SYS (the ACL refuses it): publish it rarely
	}
	cfg.Tuning.apply(opts) // per-connection buffer sizes (tuning.go)
	s.broker = mqtt.New(opts)
	if err := s.addHooks(); err != nil {
		return nil, err
	}
	if err := s.addListeners(); err != nil {
		return nil, err
	}
	if err := s.registerMetrics(); err != nil {
		return nil, fmt.Errorf("server: metrics: %w", err)
	}
	if cfg.AdminAddr != "" {
		s.admin, err = admin.New(admin.Config{
			Addr:    cfg.AdminAddr,
			Metrics: s.metrics,
			Health:  s.health,
			CA:      s.ca,
			Logger:  s.log.With("component", "admin"),
		})
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		s.addrs[Admin] = s.admin.Addr()
	}
	return s, nil
}

// capabilities are the broker limits (see the constants in config.go).
func (s *Server) capabilities() *mqtt.Capabilities {
	c := mqtt.NewDefaultServerCapabilities()
	c.MaximumClientWritesPending = int32(min(s.cfg.OutboundQueue, math.MaxInt32))
	c.MaximumPacketSize = s.cfg.MaxPacketSize
	c.MaximumInflight = DefaultMaxInflight
	c.MaximumSessionExpiryInterval = DefaultSessionExpiry
	c.MaximumMessageExpiryInterval = DefaultMessageExpiry
	// Clients never retain: the server keeps state in the store. This also
	// keeps a retained message from being parked on an events/ topic.
	c.RetainAvailable = 0
	// The topic table admits no wildcard and no shared subscription.
	c.WildcardSubAvailable = 0
	c.SharedSubAvailable = 0
	return c
}

// addHooks adds, in order, the authentication and ACL hook (the only one
// providing OnConnectAuthenticate and OnACLCheck), the hook that turns off
// mochi's Receive Maximum accounting (sendquota.go), the session store
// (after every hook that may reject a publish, as it requires) and the
// CHAT protocol, whose facts (friendships, room memberships) the ACL uses.
func (s *Server) addHooks() error {
	var err error
	s.chat, err = chat.New(chat.Options{
		Store: s.store, CA: s.ca, Server: s.broker, Logger: s.log.With("component", "chat"),
		OnDecodeError: s.metrics.DecodeError,
	})
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	s.auth = auth.New(auth.Options{
		Store: s.store,
		Facts: s.chat.Facts(),
		Connack: func(cl *mqtt.Client, code packets.Code) error {
			return s.broker.SendConnack(cl, code, false, nil)
		},
	})
	if err := s.broker.AddHook(s.auth, nil); err != nil {
		return fmt.Errorf("server: auth hook: %w", err)
	}
	if err := s.broker.AddHook(new(sendQuotaHook), nil); err != nil {
		return fmt.Errorf("server: send quota hook: %w", err)
	}
	if err := s.broker.AddHook(new(mqttstore.Hook), &mqttstore.Options{
		DB: s.store.DB(), Server: s.broker,
		// Requests on events/<client> are consumed by the chat hook and
		// never subscribed to (the ACL refuses it); the chat hook syncs
		// what they change before the PUBACK.
		Unsubscribable: func(topic string) bool { return strings.HasPrefix(topic, auth.EventsPrefix) },
	}); err != nil {
		return fmt.Errorf("server: session store hook: %w", err)
	}
	if err := s.broker.AddHook(s.chat, nil); err != nil {
		return fmt.Errorf("server: chat hook: %w", err)
	}
	if err := s.broker.AddHook(s.counts, nil); err != nil {
		return fmt.Errorf("server: metrics hook: %w", err)
	}
	if s.cfg.Tuning.BenchmarkTopics { // load tests only (tuning.go)
		if err := s.broker.AddHook(new(benchmarkTopicsHook), nil); err != nil {
			return fmt.Errorf("server: benchmark topics hook: %w", err)
		}
	}
	return nil
}

// addListeners creates and binds every configured listener.
func (s *Server) addListeners() error {
	var ls []listeners.Listener
	if a := s.cfg.TLSAddr; a != "" {
		ls = append(ls, newTCPListener(TLS, a, s.ca.TLSConfig("mqtt"), s.cfg.ConnectTimeout))
	}
	if a := s.cfg.QUICAddr; a != "" {
		ls = append(ls, quiclisteners.NewQUIC(quiclisteners.QUICConfig{
			ID: QUIC, Address: a, TLSConfig: s.ca.TLSConfig(quiclisteners.ALPN),
		}))
	}
	if a := s.cfg.WSAddr; a != "" {
		ls = append(ls, newWSListener(WS, a, s.cfg.ConnectTimeout))
	}
	if a := s.cfg.TCPAddr; a != "" {
		ls = append(ls, newTCPListener(TCP, a, nil, s.cfg.ConnectTimeout))
	}
	for _, l := range ls {
		if err := s.broker.AddListener(closingListener{Listener: l, disconnect: s.disconnectListener}); err != nil {
			return fmt.Errorf("server: %s listener on %s: %w", l.ID(), l.Address(), err)
		}
		s.addrs[l.ID()] = l.Address()
	}
	return nil
}

// registerMetrics registers the broker's counters and connection gauges.
func (s *Server) registerMetrics() error {
	info := s.broker.Info
	err := s.metrics.RegisterBroker(admin.BrokerCounters{
		MessagesReceived: s.counts.publishes.Load,
		MessagesSent:     func() int64 { return atomic.LoadInt64(&info.MessagesSent) },
		MessagesDropped:  func() int64 { return atomic.LoadInt64(&info.MessagesDropped) },
		BytesReceived:    func() int64 { return atomic.LoadInt64(&info.BytesReceived) },
		BytesSent:        func() int64 { return atomic.LoadInt64(&info.BytesSent) },
	})
	if err != nil {
		return err
	}
	for _, name := range []string{TLS, QUIC, WS, TCP} {
		if _, ok := s.addrs[name]; !ok {
			continue
		}
		if err := s.metrics.RegisterConnections(name, func() int { return s.connections(name) }); err != nil {
			return err
		}
	}
	return s.metrics.RegisterPebble(s.store.DB())
}

// connections counts the open connections of one listener. It copies the
// client table with GetAll: mochi v2.7.9's GetByListener takes the table's
// read lock twice, and deadlocks the table when a connect or disconnect
// waits for its write lock in between (TestMetricsDuringConnectionChurn).
func (s *Server) connections(listener string) int {
	n := 0
	for _, cl := range s.broker.Clients.GetAll() {
		if cl.Net.Listener == listener && !cl.Closed() {
			n++
		}
	}
	return n
}

// disconnectListener says goodbye to the clients of one listener as
// mochi's own closer does (DISCONNECT 0x8B for MQTT 5 clients), without
// GetByListener (see connections).
func (s *Server) disconnectListener(listener string) {
	for _, cl := range s.broker.Clients.GetAll() {
		if cl.Net.Listener == listener && !cl.Closed() {
			_ = s.broker.DisconnectClient(cl, packets.ErrServerShuttingDown)
		}
	}
}

// closingListener hands its listener the server's disconnectListener in
// place of the closer mochi passes, which goes through GetByListener.
type closingListener struct {
	listeners.Listener
	disconnect listeners.CloseFn
}

// Close closes the listener and disconnects its clients.
func (l closingListener) Close(listeners.CloseFn) { l.Listener.Close(l.disconnect) }

// health reports whether the broker runs and the store answers.
func (s *Server) health() error {
	if !s.running.Load() {
		return errors.New("broker not running")
	}
	if _, err := s.store.Get([]byte("health")); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Addr returns the address bound by the named listener (TLS, QUIC, WS,
// TCP or Admin), or "" when it is disabled.
func (s *Server) Addr(name string) string { return s.addrs[name] }

// CA returns the server's certificate authority.
func (s *Server) CA() *ca.CA { return s.ca }

// Store returns the server's store.
func (s *Server) Store() *store.Store { return s.store }

// Broker returns the mochi broker, for hooks added before Start.
func (s *Server) Broker() *mqtt.Server { return s.broker }

// Auth returns the authentication and ACL hook.
func (s *Server) Auth() *auth.Hook { return s.auth }

// Metrics returns the metrics registry.
func (s *Server) Metrics() *admin.Metrics { return s.metrics }

// Start restores the broker's sessions, starts serving on every listener
// and the admin server, and writes DIR/admin.addr.
func (s *Server) Start() error {
	if err := s.broker.Serve(); err != nil {
		return fmt.Errorf("server: start broker: %w", err)
	}
	s.running.Store(true)
	if s.admin != nil {
		s.adminDone = make(chan error, 1)
		go func() { s.adminDone <- s.admin.Serve() }()
		path := filepath.Join(s.cfg.DataDir, AdminAddrFile)
		if err := writeFileAtomic(path, []byte(s.admin.Addr()+"\n"), 0o600); err != nil {
			return fmt.Errorf("server: %w", err)
		}
	}
	s.log.Info("chatd started", "data", s.cfg.DataDir, "tls", s.addrs[TLS], "quic", s.addrs[QUIC],
		"ws", s.addrs[WS], "tcp", s.addrs[TCP], "admin", s.addrs[Admin])
	return nil
}

// Shutdown stops the admin server and the listeners, disconnects every
// client (MQTT 5 clients get DISCONNECT 0x8B server shutting down), stops
// the broker and its hooks, closes the store and removes DIR/admin.addr.
// If ctx ends first Shutdown returns its error and leaves the store open,
// since clients may still be writing to it.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() { s.shutdownErr = s.shutdown(ctx) })
	return s.shutdownErr
}

func (s *Server) shutdown(ctx context.Context) error {
	s.running.Store(false)
	var errs []error
	if s.admin != nil {
		_ = os.Remove(filepath.Join(s.cfg.DataDir, AdminAddrFile))
		if err := s.admin.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
		if s.adminDone != nil {
			if err := <-s.adminDone; err != nil {
				errs = append(errs, err)
			}
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.broker.Close()
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return errors.Join(append(errs, fmt.Errorf("server: shutdown: %w", ctx.Err()))...)
	}
	if err := s.store.Close(); err != nil {
		errs = append(errs, fmt.Errorf("server: %w", err))
	}
	s.log.Info("chatd stopped")
	return errors.Join(errs...)
}

// closeAll releases what New opened when New fails.
func (s *Server) closeAll() {
	if s.admin != nil {
		_ = s.admin.Shutdown(context.Background())
	}
	if s.broker != nil {
		s.broker.Listeners.CloseAll(func(string) {})
	}
	if s.store != nil {
		_ = s.store.Close()
	}
}

// writeFileAtomic writes path through a temporary file and a rename.
func writeFileAtomic(path string, b []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

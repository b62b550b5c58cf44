package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// DefaultAddr is the default admin address: loopback only.
const DefaultAddr = "127.0.0.1:9090"

// Config configures New.
type Config struct {
	// Addr is the TCP address to listen on; empty means DefaultAddr.
	Addr string
	// Metrics is served on /metrics; nil serves an empty registry.
	Metrics *Metrics
	// Health reports whether the broker and the store are up; nil means
	// always healthy.
	Health func() error
	// CA serves the /ca/ endpoints; nil answers them with 503.
	CA CA
	// Logger receives request errors; nil means slog.Default().
	Logger *slog.Logger
}

// Server is the admin HTTP server.
type Server struct {
	cfg Config
	ln  net.Listener
	srv *http.Server
}

// New binds the admin address and returns the server; Serve starts it.
func New(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	s := &Server{cfg: cfg, ln: ln}
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug),
	}
	return s, nil
}

// Addr returns the address the server is bound to.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.cfg.Metrics.Handler())
	mux.Handle("POST /ca/issue", s.operator(s.caIssue))
	mux.Handle("POST /ca/revoke", s.operator(s.caRevoke))
	mux.Handle("GET /ca/list", s.operator(s.caList))
	return mux
}

// Serve serves until Shutdown; it returns nil after Shutdown.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("admin: %w", err)
	}
	return nil
}

// Shutdown stops the server, waiting for requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("admin: shutdown: %w", err)
	}
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	if s.cfg.Health != nil {
		if err := s.cfg.Health(); err != nil {
			http.Error(w, "unhealthy: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok"))
}

// operator restricts a handler to loopback clients that are not web pages.
func (s *Server) operator(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		ip := net.ParseIP(host)
		if err != nil || ip == nil || !ip.IsLoopback() {
			http.Error(w, "CA operations are allowed from loopback only", http.StatusForbidden)
			return
		}
		if r.Header.Get("Origin") != "" {
			http.Error(w, "CA operations are not allowed from web pages", http.StatusForbidden)
			return
		}
		if s.cfg.CA == nil {
			http.Error(w, "no CA", http.StatusServiceUnavailable)
			return
		}
		h(w, r)
	})
}

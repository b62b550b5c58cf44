// Command chatd is the CHAT server: an MQTT broker over TLS, QUIC,
// WebSocket and TCP with its own certificate authority and a Pebble store.
//
// Usage:
//
//	chatd [flags]                 run the server
//	chatd ca issue|revoke|list    operate the CA (see chatd ca -h)
//
// Every flag can also be given in the environment (CHATD_DATA, CHATD_TLS,
// CHATD_QUIC, CHATD_WS, CHATD_TCP, CHATD_ADMIN); a flag wins over the
// environment. An empty address disables that listener.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/chatim/chat/server"
)

// shutdownTimeout bounds a graceful stop after SIGINT or SIGTERM.
const shutdownTimeout = 30 * time.Second

func main() {
	if len(os.Args) > 1 && os.Args[1] == "ca" {
		os.Exit(caMain(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(run(os.Args[1:], os.Stderr))
}

// option is one flag with its environment variable and default.
type option struct {
	flag, env, def, help string
	val                  string
}

func options() []*option {
	return []*option{
		{flag: "data", env: "CHATD_DATA", def: server.DefaultDataDir, help: "data directory (CA, store, admin.addr)"},
		{flag: "tls", env: "CHATD_TLS", def: server.DefaultTLSAddr, help: "MQTT over TLS address"},
		{flag: "quic", env: "CHATD_QUIC", def: server.DefaultQUICAddr, help: "MQTT over QUIC address (UDP, ALPN mqtt)"},
		{flag: "ws", env: "CHATD_WS", def: server.DefaultWSAddr, help: "MQTT over WebSocket address (path " + server.WebSocketPath + ")"},
		{flag: "tcp", env: "CHATD_TCP", def: server.DefaultTCPAddr, help: "MQTT over plain TCP address"},
		{flag: "admin", env: "CHATD_ADMIN", def: server.DefaultAdminAddr, help: "admin HTTP address (healthz, metrics, CA)"},
	}
}

// bind registers o on fs with its default taken from the environment when set.
func (o *option) bind(fs *flag.FlagSet) {
	def := o.def
	if v, ok := os.LookupEnv(o.env); ok {
		def = v
	}
	fs.StringVar(&o.val, o.flag, def, o.help)
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("chatd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := options()
	for _, o := range opts {
		o.bind(fs)
	}
	logFormat := fs.String("log-format", "text", "log format: text or json")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: chatd [flags]\n       chatd ca issue|revoke|list [flags]\n\nFlags (each also from its environment variable; the flag wins; an empty address disables the listener):\n")
		for _, o := range opts {
			fmt.Fprintf(stderr, "  --%-10s %s (env %s, default %q)\n", o.flag, o.help, o.env, o.def)
		}
		fmt.Fprintf(stderr, "  --%-10s %s (default %q)\n", "log-format", "log format: text or json", "text")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "chatd: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	var h slog.Handler
	switch *logFormat {
	case "text":
		h = slog.NewTextHandler(stderr, nil)
	case "json":
		h = slog.NewJSONHandler(stderr, nil)
	default:
		fmt.Fprintf(stderr, "chatd: --log-format: want text or json, not %q\n", *logFormat)
		return 2
	}
	log := slog.New(h)
	slog.SetDefault(log)

	v := map[string]string{}
	for _, o := range opts {
		v[o.flag] = o.val
	}
	srv, err := server.New(server.Config{
		DataDir: v["data"], TLSAddr: v["tls"], QUICAddr: v["quic"], WSAddr: v["ws"],
		TCPAddr: v["tcp"], AdminAddr: v["admin"], Logger: log,
	})
	if err != nil {
		log.Error("cannot start", "error", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Start(); err != nil {
		log.Error("cannot start", "error", err)
		_ = srv.Shutdown(context.Background())
		return 1
	}
	<-ctx.Done()
	stop()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("unclean shutdown", "error", err)
		return 1
	}
	return 0
}

// Command refbroker runs a bare mochi MQTT broker (allow-all auth, no
// storage, no chat hooks) on a loopback TCP address, as a reference point
// for chatbench runs. It stops on interrupt or after --for.
//
//	refbroker --addr 127.0.0.1:1884 --for 10m
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:1884", "loopback TCP `address` to listen on")
	lifetime := flag.Duration("for", 10*time.Minute, "stop after this long")
	flag.Parse()
	if err := serve(*addr, *lifetime); err != nil {
		fmt.Fprintln(os.Stderr, "refbroker:", err)
		os.Exit(1)
	}
}

func serve(addr string, lifetime time.Duration) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %s is not loopback", addr)
	}
	srv := mqtt.New(&mqtt.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := srv.AddHook(new(allowAll), nil); err != nil {
		return err
	}
	if err := srv.AddListener(listeners.NewTCP(listeners.Config{ID: "tcp", Address: addr})); err != nil {
		return err
	}
	if err := srv.Serve(); err != nil {
		return err
	}
	fmt.Printf("refbroker listening on %s, pid %d\n", addr, os.Getpid())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, lifetime)
	defer cancel()
	<-ctx.Done()
	return srv.Close()
}

// allowAll lets every client connect, publish and subscribe.
type allowAll struct{ mqtt.HookBase }

func (*allowAll) ID() string { return "allow-all" }

func (*allowAll) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}

func (*allowAll) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

func (*allowAll) OnACLCheck(*mqtt.Client, string, bool) bool { return true }

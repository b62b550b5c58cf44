// Command chatbench is a bounded MQTT load generator for loopback brokers:
// chatd, mochi, mosquitto. It publishes numbered, timestamped messages in a
// one-to-one or fan-out pattern and reports msgs/s, latency percentiles,
// lost and duplicated messages, and CPU time.
//
//	chatbench --url tcp://127.0.0.1:1883 --clients 100 --qos 1 --size 256 --messages 100000
//
// With --mode chat it speaks the CHAT protocol instead (package chat):
//
//	chatbench --mode chat --url tls://127.0.0.1:8883 --ca ca.pem --users 200 --format der --pattern one-to-one --messages 20000
//
// It exits 0 when every message arrived exactly once, 1 otherwise.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/chatim/chat/tools/chatbench/bench"
	chatmode "github.com/chatim/chat/tools/chatbench/chat"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chatbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg := bench.DefaultConfig()
	fs := flag.NewFlagSet("chatbench", flag.ContinueOnError)
	fs.StringVar(&cfg.URL, "url", cfg.URL, "broker `URL`: tcp://, tls://, quic:// or ws://, loopback only")
	ca := fs.String("ca", "", "PEM `file` of CA certificates to trust (tls, quic)")
	cert := fs.String("cert", "", "client certificate PEM `file`")
	key := fs.String("key", "", "client key PEM `file`")
	fs.IntVar(&cfg.Clients, "clients", cfg.Clients, "publishers for one-to-one (each with its own subscriber)")
	fs.StringVar(&cfg.Pattern, "pattern", cfg.Pattern, "one-to-one or fan-out")
	fs.IntVar(&cfg.Subscribers, "subscribers", cfg.Subscribers, "subscribers for fan-out")
	qos := fs.Uint("qos", uint(cfg.QoS), "QoS 0 or 1")
	fs.IntVar(&cfg.Size, "size", cfg.Size, "payload `bytes`")
	fs.IntVar(&cfg.Messages, "messages", cfg.Messages, "total messages published")
	fs.Float64Var(&cfg.Rate, "rate", cfg.Rate, "total publish rate in msgs/s, 0 for closed loop")
	fs.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "hard bound on the whole run")
	fs.DurationVar(&cfg.Drain, "drain", cfg.Drain, "wait for outstanding messages after publishing (0 = 5s)")
	fs.StringVar(&cfg.IDTemplate, "id-template", cfg.IDTemplate, "client id `template`, %d is the client number")
	fs.StringVar(&cfg.TopicTemplate, "topic-template", cfg.TopicTemplate, "topic `template`, %d is the publisher number")
	fs.IntVar(&cfg.ServerPID, "server-pid", 0, "report the CPU time of this local broker `pid` too")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	memProfile := fs.String("memprofile", "", "write chatbench's own heap profile to `file` when the run ends")
	cpuProfile := fs.String("cpuprofile", "", "write chatbench's own CPU profile of the whole run to `file`")
	mode := fs.String("mode", "raw", "raw (publish and subscribe on topics) or chat (the CHAT protocol; patterns one-to-one, room)")
	chatCfg := chatmode.DefaultConfig()
	chatCfg.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *qos > 1 {
		return fmt.Errorf("qos %d, want 0 or 1", *qos)
	}
	cfg.QoS = byte(*qos)
	tlsConf, err := loadTLS(*ca, *cert, *key)
	if err != nil {
		return err
	}
	cfg.TLS = tlsConf

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var res interface {
		WriteText(io.Writer) error
		Complete() bool
	}
	switch *mode {
	case "raw":
		res, err = bench.Run(ctx, cfg)
	case "chat":
		c := chatCfg
		c.URL, c.TLS, c.Pattern, c.Messages, c.Rate = cfg.URL, cfg.TLS, cfg.Pattern, cfg.Messages, cfg.Rate
		c.Size, c.Timeout, c.Drain, c.ServerPID = cfg.Size, cfg.Timeout, cfg.Drain, cfg.ServerPID
		res, err = chatmode.Run(ctx, c)
	default:
		return fmt.Errorf("mode %q, want raw or chat", *mode)
	}
	if err != nil {
		return err
	}
	if *memProfile != "" {
		if err := writeHeapProfile(*memProfile); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(res)
	} else {
		err = res.WriteText(os.Stdout)
	}
	if err != nil {
		return err
	}
	if !res.Complete() {
		return errors.New("incomplete run: messages lost, duplicated or not published")
	}
	return nil
}

// writeHeapProfile writes the heap profile of this process to file.
func writeHeapProfile(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %w", err)
	}
	return f.Close()
}

func loadTLS(caFile, certFile, keyFile string) (*tls.Config, error) {
	conf := &tls.Config{}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		conf.RootCAs = x509.NewCertPool()
		if !conf.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no certificate in %s", caFile)
		}
	}
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("--cert and --key go together")
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

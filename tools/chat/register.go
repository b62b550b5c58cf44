package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chatim/chat/client"
)

var cmdRegister = &command{
	usage: "register NICK --server URL [--format der|etf] [--ca FILE | --tofu] [--device NAME] [--password-stdin]",
	flags: func(fs *flagSet) {
		fs.str("ca", "")
		fs.str("device", "")
		fs.boolean("tofu")
		fs.boolean("password-stdin")
	},
	run: runRegister,
}

func runRegister(e *env, fs *flagSet, args []string) error {
	if len(args) != 1 {
		return usageFor("register")
	}
	nick := args[0]
	if e.server == "" {
		return usagef("register needs --server URL (tls://host:8883, quic://host:14567, ws://host:8080/mqtt, tcp://host:1883)")
	}
	f, err := client.ParseFormat(e.format)
	if err != nil {
		return usagef("%v", err)
	}
	dir := filepath.Join(e.root, nick)
	if _, err := os.Stat(filepath.Join(dir, settingsFile)); err == nil {
		return fmt.Errorf("a profile %s already exists in %s", nick, dir)
	}
	device := *fs.strs["device"]
	if device == "" {
		device = client.RandomDevice()
	}
	password, err := registerPassword(e, *fs.bools["password-stdin"])
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(e.ctx, e.timeout)
	defer cancel()

	caCert, err := trustedCA(ctx, e, *fs.strs["ca"], *fs.bools["tofu"])
	if err != nil {
		return err
	}
	cfg := client.Config{URL: e.server, Format: f, Device: device}
	if caCert != nil {
		cfg.RootCAs = x509.NewCertPool()
		cfg.RootCAs.AddCert(caCert)
	}
	creds, err := client.Register(ctx, cfg, nick, password)
	if err != nil {
		return err
	}
	p := &profile{dir: dir, settings: settings{Nick: nick, Server: e.server, Format: f.String(), Device: device}}
	if err := p.save(creds, caCert, password); err != nil {
		return fmt.Errorf("registered, but the profile could not be saved: %w", err)
	}
	if err := writeFile(filepath.Join(e.root, defaultFile), []byte(nick+"\n"), 0o644); err != nil {
		return err
	}
	if e.json {
		return printJSON(e.stdout, map[string]any{
			"nick": nick, "server": e.server, "format": f.String(), "session": p.session(),
			"serial": fmt.Sprintf("%x", creds.Cert.SerialNumber), "expires": creds.Cert.NotAfter, "profile": dir,
		})
	}
	fmt.Fprintf(e.stdout, "registered %s on %s (session %s)\ncertificate serial %x, valid until %s\nprofile %s\n",
		nick, e.server, p.session(), creds.Cert.SerialNumber, creds.Cert.NotAfter.Format("2006-01-02"), dir)
	return nil
}

// registerPassword returns the password of a new user: $CHAT_PASSWORD,
// the first line of standard input with --password-stdin, or a random
// one. It is stored in the profile (mode 0600): it is the identity over
// tcp:// and ws://, where no client certificate travels.
func registerPassword(e *env, fromStdin bool) ([]byte, error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return nil, fmt.Errorf("--password-stdin: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return nil, errors.New("--password-stdin: empty password")
		}
		return []byte(line), nil
	}
	if p := os.Getenv("CHAT_PASSWORD"); p != "" {
		return []byte(p), nil
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return []byte(base64.RawURLEncoding.EncodeToString(b[:])), nil
}

// trustedCA returns the CA to trust for the server: the first certificate
// of --ca FILE; with --tofu, the CA the server presents now (its
// fingerprint is printed); otherwise nil, the system roots.
func trustedCA(ctx context.Context, e *env, caPath string, tofu bool) (*x509.Certificate, error) {
	switch {
	case caPath != "" && tofu:
		return nil, usagef("--ca and --tofu exclude each other")
	case caPath != "":
		b, err := os.ReadFile(caPath)
		if err != nil {
			return nil, fmt.Errorf("--ca: %w", err)
		}
		blk, _ := pem.Decode(b)
		if blk == nil || blk.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("--ca %s: no PEM certificate", caPath)
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("--ca %s: %w", caPath, err)
		}
		return c, nil
	case tofu:
		c, err := client.FetchCA(ctx, e.server)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(e.stderr, "chat: trusting the CA %q presented by %s\n      SHA-256 fingerprint %s\n"+
			"      compare it with: openssl x509 -in DIR/ca.pem -noout -fingerprint -sha256\n",
			c.Subject.CommonName, e.server, client.Fingerprint(c))
		return c, nil
	}
	return nil, nil
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/chatim/chat/client"
)

// profile loads the profile chosen by --as (or the default one).
func (e *env) profile() (*profile, error) { return loadProfile(e.root, e.as) }

// config returns the connection settings of profile p, with --server and
// --format applied. device is the device part of the client id.
func (e *env) config(p *profile, device string) (client.Config, error) {
	cfg := client.Config{URL: p.Server, Nick: p.Nick, Device: device}
	if e.server != "" {
		cfg.URL = e.server
	}
	fs := p.Format
	if e.format != "" {
		fs = e.format
	}
	f, err := client.ParseFormat(fs)
	if err != nil {
		return cfg, usagef("%v", err)
	}
	cfg.Format = f
	if cfg.RootCAs, err = p.roots(); err != nil {
		return cfg, err
	}
	creds, err := p.credentials()
	if err != nil {
		return cfg, err
	}
	cfg.Certificate = creds.TLSCertificate()
	if client.NeedsPassword(cfg.URL) {
		if cfg.Password, err = p.password(); err != nil {
			return cfg, fmt.Errorf("profile %s has no password for %s: %w", p.Nick, cfg.URL, err)
		}
	}
	return cfg, nil
}

// oneShotDevice is the device of a one-shot command: the profile's device
// with a random suffix, so that it never takes over the client id of a
// running full-screen session.
func oneShotDevice(p *profile) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return p.Device + "-" + hex.EncodeToString(b[:])
}

// connect opens a connection for a one-shot command. The returned context
// bounds the command by --timeout; done ends the command's session on the
// server (the record the server keeps of the device <nick>.<device>-xxxxxx,
// so that one-shot commands leave no trace in chat sessions) and closes
// the connection.
func (e *env) connect() (*profile, *client.Conn, context.Context, func(), error) {
	p, err := e.profile()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	cfg, err := e.config(p, oneShotDevice(p))
	if err != nil {
		return nil, nil, nil, nil, err
	}
	ctx, cancel := context.WithTimeout(e.ctx, e.timeout)
	c, err := client.Dial(ctx, cfg)
	if err != nil {
		cancel()
		return nil, nil, nil, nil, err
	}
	done := func() {
		fctx, fcancel := context.WithTimeout(context.WithoutCancel(e.ctx), 5*time.Second)
		_ = c.Forget(fctx, c.ClientID())
		fcancel()
		c.Close()
		cancel()
	}
	return p, c, ctx, done, nil
}

// requestContext bounds one request by --timeout.
func (e *env) requestContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(e.ctx, e.timeout)
}

// isCode reports whether err is a refusal with code.
func isCode(err error, code string) bool {
	return errors.Is(err, &client.Error{Code: code})
}

// Command chat is the CHAT messenger for the terminal: one-shot commands
// for scripts and a full-screen interface when run without arguments.
//
// Usage:
//
//	chat register NICK --server URL [--format der|etf] [--ca FILE | --tofu]
//	chat send NICK|#ROOM [TEXT...] [--file PATH]
//	chat history NICK|#ROOM [--limit N] [--before ID]
//	chat listen [--count N] [--timeout DURATION]
//	chat friends | friend add|accept|ignore|ban|unban NICK
//	chat rooms | room create|add|remove|leave|info ...
//	chat search TEXT | whoami | sessions | logout | profiles
//	chat                      the full-screen interface
//
// Global flags: --as NICK (profile), --server URL and --format der|etf
// (override the profile's), --json, --config DIR. See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what every command gets.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	root    string // configuration root
	as      string // --as
	server  string // --server override
	format  string // --format override
	json    bool
	timeout time.Duration
}

// command is one subcommand.
type command struct {
	usage string
	run   func(e *env, fs *flagSet, args []string) error
	flags func(fs *flagSet)
}

var commands map[string]*command

func init() {
	commands = map[string]*command{
		"register": cmdRegister,
		"send":     cmdSend,
		"history":  cmdHistory,
		"listen":   cmdListen,
		"friends":  cmdFriends,
		"friend":   cmdFriend,
		"rooms":    cmdRooms,
		"room":     cmdRoom,
		"search":   cmdSearch,
		"whoami":   cmdWhoami,
		"sessions": cmdSessions,
		"logout":   cmdLogout,
		"profiles": cmdProfiles,
		"help":     {usage: "help", run: func(e *env, _ *flagSet, _ []string) error { usage(e.stdout); return nil }},
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: chat [command] [flags]

Without a command, chat opens the full-screen messenger.

Commands:
`)
	for _, name := range []string{"register", "send", "history", "listen", "friends", "friend", "rooms", "room",
		"search", "whoami", "sessions", "logout", "profiles"} {
		fmt.Fprintf(w, "  chat %s\n", commands[name].usage)
	}
	fmt.Fprint(w, `
Global flags:
  --as NICK          use the profile of NICK (default: the last registered)
  --server URL       override the profile's server (tls://, quic://, ws://, tcp://)
  --format der|etf   override the profile's wire format
  --json             print results as JSON
  --config DIR       configuration directory (default $XDG_CONFIG_HOME/chat)
  --timeout D        give up on the server after D (default 30s)
`)
}

// run runs one command line and returns the exit status: 0 success, 1 a
// refusal or failure, 2 a usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := ""
	rest := args
	for i, a := range args {
		if !strings.HasPrefix(a, "-") {
			if i == 0 || !takesValue(args[i-1]) {
				name, rest = a, append(append([]string(nil), args[:i]...), args[i+1:]...)
				break
			}
		}
	}
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	fs := newFlags()
	as, server, format := fs.str("as", ""), fs.str("server", ""), fs.str("format", "")
	config, timeout := fs.str("config", ""), fs.str("timeout", "30s")
	jsonOut, help := fs.boolean("json"), fs.boolean("help")
	var cmd *command
	if name != "" {
		cmd = commands[name]
		if cmd == nil {
			fmt.Fprintf(stderr, "chat: unknown command %q (see chat help)\n", name)
			return 2
		}
		if cmd.flags != nil {
			cmd.flags(fs)
		}
	} else {
		cmd = cmdTUI
	}
	if err := fs.parse(rest); err != nil {
		fmt.Fprintf(stderr, "chat: %v\n", err)
		return 2
	}
	if *help {
		if name == "" {
			usage(stdout)
		} else {
			fmt.Fprintf(stdout, "Usage: chat %s\n", cmd.usage)
		}
		return 0
	}
	d, err := time.ParseDuration(*timeout)
	if err != nil || d <= 0 {
		fmt.Fprintf(stderr, "chat: --timeout: want a positive duration like 30s, not %q\n", *timeout)
		return 2
	}
	e.as, e.server, e.format, e.json, e.timeout = *as, *server, *format, *jsonOut, d
	if e.root, err = configRoot(*config); err != nil {
		fmt.Fprintf(stderr, "chat: %v\n", err)
		return 1
	}
	if err := cmd.run(e, fs, fs.args); err != nil {
		return report(stderr, name, err)
	}
	return 0
}

// valueFlags are the global flags that take a value, for finding the
// command name among the arguments.
var valueFlags = map[string]bool{"as": true, "server": true, "format": true, "config": true, "timeout": true}

func takesValue(arg string) bool {
	n := strings.TrimLeft(arg, "-")
	return strings.HasPrefix(arg, "-") && !strings.Contains(n, "=") && valueFlags[n]
}

// usageFor is the usage error of a command.
func usageFor(name string) error {
	return usagef("usage: chat %s", commands[name].usage)
}

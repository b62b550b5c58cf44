package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
)

var cmdFriends = &command{usage: "friends   list contacts with their status and presence", run: runFriends}

func runFriends(e *env, _ *flagSet, args []string) error {
	if len(args) != 0 {
		return usageFor("friends")
	}
	_, c, ctx, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	r, err := c.Roster(ctx)
	if err != nil {
		return err
	}
	out := make([]contactOut, 0, len(r.Contacts))
	for i := range r.Contacts {
		out = append(out, toContactOut(&r.Contacts[i]))
	}
	if e.json {
		return printJSON(e.stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(e.stdout, "no contacts yet: chat friend add NICK")
	}
	for _, o := range out {
		fmt.Fprintf(e.stdout, "%-20s %-14s %s\n", o.Nick, describeContact(o.Status), o.Presence)
	}
	return nil
}

// describeContact says what a contact status means to the user.
func describeContact(s string) string {
	switch s {
	case "request":
		return "request sent"
	case "authorization":
		return "wants to be your friend"
	case "ban":
		return "banned"
	}
	return s
}

var friendActions = map[string]chat.Friendship{
	"add": chat.FriendshipRequest, "request": chat.FriendshipRequest,
	"accept": chat.FriendshipConfirm, "confirm": chat.FriendshipConfirm,
	"ignore": chat.FriendshipIgnore, "ban": chat.FriendshipBan, "unban": chat.FriendshipUnban,
}

var cmdFriend = &command{usage: "friend add|accept|ignore|ban|unban NICK", run: runFriend}

func runFriend(e *env, _ *flagSet, args []string) error {
	if len(args) != 2 {
		return usageFor("friend")
	}
	t, ok := friendActions[args[0]]
	if !ok {
		return usagef("friend: unknown action %q (add, accept, ignore, ban, unban)", args[0])
	}
	_, c, ctx, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	ct, err := c.Friend(ctx, args[1], t)
	if err != nil {
		return err
	}
	o := toContactOut(&ct)
	if e.json {
		return printJSON(e.stdout, o)
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", o.Nick, describeContact(o.Status))
	return nil
}

var cmdWhoami = &command{usage: "whoami   show the profile and check it with the server", run: runWhoami}

func runWhoami(e *env, _ *flagSet, args []string) error {
	if len(args) != 0 {
		return usageFor("whoami")
	}
	p, c, _, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	creds, err := p.credentials()
	if err != nil {
		return err
	}
	url := p.Server
	if e.server != "" {
		url = e.server
	}
	info := map[string]any{
		"nick": p.Nick, "server": url, "format": c.Format().String(), "session": p.session(),
		"client_id": c.ClientID(), "serial": fmt.Sprintf("%x", creds.Cert.SerialNumber),
		"expires": creds.Cert.NotAfter.UTC(), "fingerprint": client.Fingerprint(creds.Cert), "profile": p.dir,
	}
	if e.json {
		return printJSON(e.stdout, info)
	}
	fmt.Fprintf(e.stdout, "%s on %s (%s), connected as %s\nsession     %s\ncertificate serial %x, valid until %s\nfingerprint %s\nprofile     %s\n",
		p.Nick, url, c.Format(), c.ClientID(), p.session(), creds.Cert.SerialNumber,
		creds.Cert.NotAfter.Format("2006-01-02"), client.Fingerprint(creds.Cert), p.dir)
	return nil
}

var cmdSessions = &command{usage: "sessions   list the devices of the user", run: runSessions}

func runSessions(e *env, _ *flagSet, args []string) error {
	if len(args) != 0 {
		return usageFor("sessions")
	}
	p, c, ctx, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	ss, err := c.Sessions(ctx)
	if err != nil {
		return err
	}
	type sessionOut struct {
		Session string `json:"session"`
		Type    string `json:"type"`
		This    bool   `json:"this"`
	}
	out := make([]sessionOut, 0, len(ss))
	for _, s := range ss {
		if string(s.Session) == c.ClientID() {
			continue // this command's own, ended when it exits
		}
		out = append(out, sessionOut{Session: string(s.Session), Type: s.Type.String(), This: string(s.Session) == p.session()})
	}
	if e.json {
		return printJSON(e.stdout, out)
	}
	for _, s := range out {
		mark := ""
		if s.This {
			mark = "  (this profile)"
		}
		fmt.Fprintf(e.stdout, "%s%s\n", s.Session, mark)
	}
	return nil
}

var cmdLogout = &command{
	usage: "logout [SESSION]   end this profile's session (revoking its certificate, deleting the profile) or another device's",
	run:   runLogout,
}

func runLogout(e *env, _ *flagSet, args []string) error {
	if len(args) > 1 {
		return usageFor("logout")
	}
	p, c, ctx, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	session := p.session()
	if len(args) == 1 {
		session = args[0]
	}
	if err := c.Forget(ctx, session); err != nil {
		return err
	}
	if session == p.session() {
		if err := os.RemoveAll(p.dir); err != nil {
			return err
		}
		def := filepath.Join(e.root, defaultFile)
		if b, err := os.ReadFile(def); err == nil && strings.TrimSpace(string(b)) == p.Nick {
			_ = os.Remove(def)
		}
	}
	if e.json {
		return printJSON(e.stdout, map[string]any{"forgot": session, "at": time.Now().UTC()})
	}
	if session == p.session() {
		fmt.Fprintf(e.stdout, "logged out %s: session %s ended, certificate revoked, profile deleted\n", p.Nick, session)
	} else {
		fmt.Fprintf(e.stdout, "session %s ended\n", session)
	}
	return nil
}

var cmdProfiles = &command{usage: "profiles   list the local profiles", run: runProfiles}

func runProfiles(e *env, _ *flagSet, args []string) error {
	names, err := listProfiles(e.root)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	def := ""
	if b, err := os.ReadFile(filepath.Join(e.root, defaultFile)); err == nil {
		def = strings.TrimSpace(string(b))
	}
	type profileOut struct {
		Nick    string `json:"nick"`
		Server  string `json:"server"`
		Format  string `json:"format"`
		Default bool   `json:"default"`
	}
	out := []profileOut{}
	for _, n := range names {
		p, err := loadProfile(e.root, n)
		if err != nil {
			return err
		}
		out = append(out, profileOut{Nick: n, Server: p.Server, Format: p.Format, Default: n == def})
	}
	if e.json {
		return printJSON(e.stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(e.stdout, "no profiles: chat register NICK --server URL")
	}
	for _, o := range out {
		mark := " "
		if o.Default {
			mark = "*"
		}
		fmt.Fprintf(e.stdout, "%s %-20s %s (%s)\n", mark, o.Nick, o.Server, o.Format)
	}
	return nil
}

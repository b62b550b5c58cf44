package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chatim/chat/client"
	"github.com/chatim/chat/generated/chat"
)

var cmdSend = &command{
	usage: "send NICK|#ROOM [TEXT...] [--file PATH]   (text from standard input when none is given)",
	flags: func(fs *flagSet) { fs.str("file", "") },
	run:   runSend,
}

func runSend(e *env, fs *flagSet, args []string) error {
	if len(args) < 1 {
		return usageFor("send")
	}
	path := *fs.strs["file"]
	text := strings.Join(args[1:], " ")
	if path == "" && len(args) == 1 {
		b, err := io.ReadAll(io.LimitReader(e.stdin, maxStdinText+1))
		if err != nil {
			return fmt.Errorf("reading the message from standard input: %w", err)
		}
		if len(b) > maxStdinText {
			return fmt.Errorf("the message on standard input is longer than %d bytes: send it with --file", maxStdinText)
		}
		text = strings.TrimRight(string(b), "\n")
	}
	if path == "" && strings.TrimSpace(text) == "" {
		return usagef("nothing to send: give TEXT, standard input or --file PATH")
	}
	p, c, ctx, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	f, err := parseTarget(p.Nick, args[0])
	if err != nil {
		return err
	}
	var ids []string
	if text != "" {
		id, err := c.Send(ctx, f, text)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if path != "" {
		fid, err := sendFile(e, c, f, path)
		if err != nil {
			return err
		}
		ids = append(ids, fid...)
	}
	if e.json {
		return printJSON(e.stdout, map[string]any{"feed": f.Table(), "ids": ids})
	}
	fmt.Fprintf(e.stdout, "sent to %s: message %s\n", displayTarget(p.Nick, f), strings.Join(ids, ", "))
	return nil
}

// maxStdinText bounds a text message read from standard input.
const maxStdinText = 48 << 10

func displayTarget(me string, f client.Feed) string {
	if f.IsRoom() {
		return "#" + f.Room
	}
	return f.Other(me)
}

// Sizes of file parts: each part is one FileDesc whose payload the server
// accepts inline (64 KiB by default); several parts travel per message.
const (
	filePartSize    = 60000
	minFilePartSize = 4 << 10
	partsPerMessage = 4
)

// sendFile sends a file as messages of parts, showing a progress bar on
// standard error when it takes more than one message. A refusal as too
// large makes the parts smaller, down to minFilePartSize.
func sendFile(e *env, c *client.Conn, f client.Feed, path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name := path[strings.LastIndexAny(path, `/\`)+1:]
	fileID := client.RandomDevice()
	size := int64(len(data))
	part := filePartSize
	bar := newProgress(e.stderr, name, size, !e.json && size > filePartSize*partsPerMessage)
	var ids []string
	for off := 0; off < len(data) || (off == 0 && len(data) == 0); {
		var files []chat.FileDesc
		end := off
		for i := 0; i < partsPerMessage && (end < len(data) || len(files) == 0); i++ {
			next := min(end+part, len(data))
			files = append(files, client.FilePart(fileID, name, size, int64(end), data[end:next]))
			end = next
		}
		ctx, cancel := e.requestContext()
		id, err := c.Post(ctx, f, files)
		cancel()
		if err != nil {
			if part > minFilePartSize && isCode(err, client.CodeTooLarge) {
				part /= 2
				continue
			}
			bar.fail()
			return ids, err
		}
		ids = append(ids, id)
		bar.set(int64(end))
		off = end
		if len(data) == 0 {
			break
		}
	}
	bar.done()
	return ids, nil
}

var cmdHistory = &command{
	usage: "history NICK|#ROOM [--limit N] [--before ID]",
	flags: func(fs *flagSet) {
		fs.str("limit", "20")
		fs.str("before", "0")
	},
	run: runHistory,
}

func runHistory(e *env, fs *flagSet, args []string) error {
	if len(args) != 1 {
		return usageFor("history")
	}
	limit, err := strconv.Atoi(*fs.strs["limit"])
	if err != nil || limit < 1 {
		return usagef("--limit: want a positive number, not %q", *fs.strs["limit"])
	}
	before, err := strconv.ParseInt(*fs.strs["before"], 10, 64)
	if err != nil || before < 0 {
		return usagef("--before: want a message id, not %q", *fs.strs["before"])
	}
	p, c, ctx, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	f, err := parseTarget(p.Nick, args[0])
	if err != nil {
		return err
	}
	var msgs []chat.Message
	for len(msgs) < limit {
		page, last, err := c.History(ctx, f, min(limit-len(msgs), 100), before)
		if err != nil {
			return err
		}
		msgs = append(msgs, page...)
		if last || len(page) == 0 {
			break
		}
		if before, err = strconv.ParseInt(string(page[len(page)-1].Id), 10, 64); err != nil {
			break
		}
	}
	slices.Reverse(msgs) // oldest first
	if e.json {
		out := make([]messageOut, 0, len(msgs))
		for i := range msgs {
			out = append(out, toMessageOut(&msgs[i]))
		}
		return printJSON(e.stdout, out)
	}
	if len(msgs) == 0 {
		fmt.Fprintf(e.stdout, "no messages with %s\n", displayTarget(p.Nick, f))
	}
	for i := range msgs {
		fmt.Fprintln(e.stdout, formatMessage(&msgs[i], false))
	}
	return nil
}

var cmdListen = &command{
	usage: "listen [--count N] [--wait DURATION]   print incoming messages (acknowledging them) until N arrived or DURATION passed",
	flags: func(fs *flagSet) {
		fs.str("count", "0")
		fs.str("wait", "0s")
	},
	run: runListen,
}

func runListen(e *env, fs *flagSet, args []string) error {
	if len(args) != 0 {
		return usageFor("listen")
	}
	count, err := strconv.Atoi(*fs.strs["count"])
	if err != nil || count < 0 {
		return usagef("--count: want a number, not %q", *fs.strs["count"])
	}
	wait, err := time.ParseDuration(*fs.strs["wait"])
	if err != nil || wait < 0 {
		return usagef("--wait: want a duration like 10s, not %q", *fs.strs["wait"])
	}
	p, c, _, done, err := e.connect()
	if err != nil {
		return err
	}
	defer done()
	rctx, rcancel := e.requestContext()
	_, ferr := c.Follow(rctx)
	rcancel()
	if ferr != nil && !isCode(ferr, client.CodeNotImplemented) {
		return ferr
	}
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	seen := map[string]bool{}
	got := 0
	for count == 0 || got < count {
		select {
		case <-c.Done():
			return fmt.Errorf("the connection ended: %w", c.Err())
		case ev := <-c.Events():
			m, ok := ev.(client.MessageEvent)
			if !ok || string(m.Message.From) == p.Nick {
				continue
			}
			key := m.Feed.Table() + "/" + string(m.Message.Id) + "/" + m.Message.Status.String()
			if !seen[key] {
				seen[key] = true
				got++
				if e.json {
					if err := printJSON(e.stdout, toMessageOut(&m.Message)); err != nil {
						return err
					}
				} else {
					fmt.Fprintln(e.stdout, formatMessage(&m.Message, true))
				}
			}
			actx, acancel := e.requestContext()
			err := c.Ack(actx, m.Feed, string(m.Message.Id))
			acancel()
			if err != nil {
				return err
			}
		case <-timeout:
			if count > 0 {
				return fmt.Errorf("%d of %d messages arrived within %s", got, count, wait)
			}
			return nil
		case <-e.ctx.Done():
			return nil
		}
	}
	return nil
}

// Package erlpeer runs an Erlang/OTP virtual machine as a reference peer:
// it compiles an ASN.1 specification with Erlang's asn1 compiler (DER) and
// answers encode, decode, term_to_binary and timing requests, so that the
// project's codecs can be checked byte for byte against Erlang/OTP.
//
// One VM serves one Peer. Requests travel as length-prefixed packets
// ({packet, 4}) over two pipes handed to the VM as file descriptors 3 and 4,
// which keeps the framing safe from anything the runtime prints on stdout.
package erlpeer

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

//go:embed erlpeer.erl
var peerSource []byte

// closeGrace is how long Close waits for the VM to exit on its own before
// killing it.
const closeGrace = 10 * time.Second

// maxPacket bounds the size of one reply read from the VM.
const maxPacket = 1 << 30

// ErrClosed is returned by requests made after Close.
var ErrClosed = errors.New("erlpeer: peer closed")

// Error is a failure reported by the Erlang side: Reason is the Erlang
// reason printed with ~tP.
type Error struct {
	Op     string // request that failed: "encode", "decode", "canonical", "bench", "start"
	Type   string // ASN.1 type name, when the request had one
	Reason string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Type != "" {
		return fmt.Sprintf("erlpeer: %s %s: %s", e.Op, e.Type, e.Reason)
	}
	return fmt.Sprintf("erlpeer: %s: %s", e.Op, e.Reason)
}

// Available reports whether the Erlang tools the peer needs (erl and erlc)
// are on PATH; the error names what is missing.
func Available() error {
	var missing []string
	for _, tool := range []string{"erl", "erlc"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("erlpeer: Erlang/OTP not found on PATH: missing %v", missing)
	}
	return nil
}

// Peer is a running Erlang VM with one compiled ASN.1 module. Its methods
// are safe for concurrent use; requests are served one at a time.
type Peer struct {
	// Module is the name of the Erlang module compiled from the
	// specification (the ASN.1 module name, e.g. "CHAT").
	Module string

	mu     sync.Mutex
	cmd    *exec.Cmd
	req    *os.File // our end of the request pipe (the VM's fd 3)
	rep    *bufio.Reader
	repF   *os.File // our end of the reply pipe (the VM's fd 4)
	logs   *tailBuffer
	tmp    string
	done   chan struct{} // closed when the VM has exited
	waitEr error
	closed bool
}

// Start compiles the erlpeer module and the ASN.1 specification at specPath
// into a temporary directory, starts the VM and loads the compiled module.
// ctx bounds the start only; the VM runs until Close.
func Start(ctx context.Context, specPath string) (*Peer, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	spec, err := filepath.Abs(specPath)
	if err != nil {
		return nil, fmt.Errorf("erlpeer: %w", err)
	}
	if _, err := os.Stat(spec); err != nil {
		return nil, fmt.Errorf("erlpeer: spec: %w", err)
	}
	tmp, err := os.MkdirTemp("", "erlpeer-")
	if err != nil {
		return nil, fmt.Errorf("erlpeer: %w", err)
	}
	p, err := start(ctx, spec, tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return p, nil
}

func start(ctx context.Context, spec, tmp string) (*Peer, error) {
	beamDir := filepath.Join(tmp, "peer")
	specDir := filepath.Join(tmp, "spec")
	for _, dir := range []string{beamDir, specDir} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, fmt.Errorf("erlpeer: %w", err)
		}
	}
	src := filepath.Join(beamDir, "erlpeer.erl")
	if err := os.WriteFile(src, peerSource, 0o644); err != nil {
		return nil, fmt.Errorf("erlpeer: %w", err)
	}
	if out, err := exec.CommandContext(ctx, "erlc", "-o", beamDir, src).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("erlpeer: erlc: %w: %s", err, bytes.TrimSpace(out))
	}

	// The ASN.1 compiler writes its output next to the input's base name.
	specCopy := filepath.Join(specDir, filepath.Base(spec))
	if err := copyFile(specCopy, spec); err != nil {
		return nil, fmt.Errorf("erlpeer: %w", err)
	}

	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("erlpeer: %w", err)
	}
	repR, repW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, fmt.Errorf("erlpeer: %w", err)
	}
	logs := &tailBuffer{max: 8 << 10}
	cmd := exec.Command("erl", "-noshell", "-noinput", "-pa", beamDir,
		"-run", "erlpeer", "main", specCopy, specDir)
	cmd.Dir = specDir
	cmd.Stdout = logs
	cmd.Stderr = logs
	cmd.ExtraFiles = []*os.File{reqR, repW} // fds 3 and 4 in the VM
	if err := cmd.Start(); err != nil {
		for _, f := range []*os.File{reqR, reqW, repR, repW} {
			f.Close()
		}
		return nil, fmt.Errorf("erlpeer: erl: %w", err)
	}
	reqR.Close()
	repW.Close()

	p := &Peer{
		cmd:  cmd,
		req:  reqW,
		rep:  bufio.NewReaderSize(repR, 64<<10),
		repF: repR,
		logs: logs,
		tmp:  tmp,
		done: make(chan struct{}),
	}
	go func() {
		p.waitEr = cmd.Wait()
		close(p.done)
	}()

	// Wait for the compilation reply, or for ctx.
	type result struct {
		reply []byte
		err   error
	}
	ready := make(chan result, 1)
	go func() {
		reply, err := p.readPacket()
		ready <- result{reply, err}
	}()
	var r result
	select {
	case r = <-ready:
	case <-ctx.Done():
		p.kill()
		return nil, fmt.Errorf("erlpeer: start: %w", ctx.Err())
	}
	if r.err != nil {
		p.kill()
		return nil, fmt.Errorf("erlpeer: start: %w (output: %s)", r.err, logs.String())
	}
	payload, err := splitReply("start", "", r.reply)
	if err != nil {
		p.kill()
		return nil, fmt.Errorf("%w (output: %s)", err, logs.String())
	}
	p.Module = string(payload)
	return p, nil
}

func copyFile(dst, src string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// kill stops the VM at once and releases everything; used on failed starts.
func (p *Peer) kill() {
	p.req.Close()
	p.cmd.Process.Kill()
	<-p.done
	p.repF.Close()
	os.RemoveAll(p.tmp)
}

// Close ends the VM: it closes the request pipe, on which the VM halts, and
// kills it if it has not exited within a grace period. Close is idempotent.
func (p *Peer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	p.req.Close()
	timer := time.NewTimer(closeGrace)
	defer timer.Stop()
	var err error
	select {
	case <-p.done:
		if p.waitEr != nil {
			err = fmt.Errorf("erlpeer: erl exited: %w (output: %s)", p.waitEr, p.logs.String())
		}
	case <-timer.C:
		p.cmd.Process.Kill()
		<-p.done
		err = errors.New("erlpeer: erl did not exit after its input closed; killed")
	}
	p.repF.Close()
	if rmErr := os.RemoveAll(p.tmp); rmErr != nil && err == nil {
		err = fmt.Errorf("erlpeer: %w", rmErr)
	}
	return err
}

// roundTrip sends one request packet and reads its reply packet.
func (p *Peer) roundTrip(req []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(len(req)))
	if _, err := p.req.Write(append(hdr[:], req...)); err != nil {
		return nil, fmt.Errorf("erlpeer: write: %w (output: %s)", err, p.logs.String())
	}
	reply, err := p.readPacket()
	if err != nil {
		return nil, fmt.Errorf("erlpeer: %w (output: %s)", err, p.logs.String())
	}
	return reply, nil
}

func (p *Peer) readPacket() ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(p.rep, hdr[:]); err != nil {
		return nil, fmt.Errorf("read reply: %w", err)
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxPacket {
		return nil, fmt.Errorf("reply of %d bytes exceeds %d", n, maxPacket)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(p.rep, buf); err != nil {
		return nil, fmt.Errorf("read reply: %w", err)
	}
	return buf, nil
}

// splitReply turns a <<Status, Payload>> reply into the payload or an *Error.
func splitReply(op, typ string, reply []byte) ([]byte, error) {
	if len(reply) == 0 {
		return nil, fmt.Errorf("erlpeer: %s: empty reply", op)
	}
	switch reply[0] {
	case 0:
		return reply[1:], nil
	case 1:
		return nil, &Error{Op: op, Type: typ, Reason: string(reply[1:])}
	default:
		return nil, fmt.Errorf("erlpeer: %s: bad reply status %d", op, reply[0])
	}
}

// tailBuffer keeps the last max bytes written to it, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}

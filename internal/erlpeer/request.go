package erlpeer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Op is one kind of request a Call makes.
type Op byte

// The operations a Call can make.
const (
	// OpEncode is 'Mod':encode(Type, binary_to_term(Input)); Out is the DER.
	OpEncode Op = 'E'
	// OpDecode is 'Mod':decode(Type, Input); Out is the decoded value as
	// term_to_binary(V, [{minor_version, 2}]).
	OpDecode Op = 'D'
	// OpCanonical is binary_to_term(Input); Out is term_to_binary with
	// minor_version 2 and Out2 with the VM's default options.
	OpCanonical Op = 'C'
)

// String names the operation as in error messages.
func (o Op) String() string {
	switch o {
	case OpEncode:
		return "encode"
	case OpDecode:
		return "decode"
	case OpCanonical:
		return "canonical"
	}
	return fmt.Sprintf("op(%d)", byte(o))
}

// Call is one request of a Batch.
type Call struct {
	Op    Op
	Type  string // ASN.1 type name; unused by OpCanonical
	Input []byte // an external term (OpEncode, OpCanonical) or DER (OpDecode)
}

// Result is the answer to one Call. Err is an *Error when Erlang refused
// the call.
type Result struct {
	Out  []byte
	Out2 []byte // OpCanonical only: the term in the VM's default encoding
	Err  error
}

// EncodeDER returns 'Mod':encode(typ, binary_to_term(etfTerm)).
func (p *Peer) EncodeDER(typ string, etfTerm []byte) ([]byte, error) {
	r, err := p.one(Call{Op: OpEncode, Type: typ, Input: etfTerm})
	if err != nil {
		return nil, err
	}
	return r.Out, r.Err
}

// DecodeDER returns term_to_binary(V, [{minor_version, 2}]) of the value V
// that 'Mod':decode(typ, der) yields.
func (p *Peer) DecodeDER(typ string, der []byte) ([]byte, error) {
	r, err := p.one(Call{Op: OpDecode, Type: typ, Input: der})
	if err != nil {
		return nil, err
	}
	return r.Out, r.Err
}

// Canonical re-encodes an external term: v2 is term_to_binary with
// minor_version 2 (UTF-8 atoms), v1 with the VM's defaults (on OTP 25,
// minor_version 1 with Latin-1 atoms).
func (p *Peer) Canonical(etfTerm []byte) (v2, v1 []byte, err error) {
	r, err := p.one(Call{Op: OpCanonical, Input: etfTerm})
	if err != nil {
		return nil, nil, err
	}
	return r.Out, r.Out2, r.Err
}

func (p *Peer) one(c Call) (Result, error) {
	req, err := appendCall(nil, c)
	if err != nil {
		return Result{}, err
	}
	reply, err := p.roundTrip(req)
	if err != nil {
		return Result{}, err
	}
	return parseResult(c, reply), nil
}

// Batch sends many calls in one packet and returns one Result per call,
// in order. The error is for the exchange as a whole; per-call failures
// are in Result.Err.
func (p *Peer) Batch(calls []Call) ([]Result, error) {
	req := []byte{'M', 0, 0, 0, 0}
	binary.BigEndian.PutUint32(req[1:], uint32(len(calls)))
	for _, c := range calls {
		start := len(req)
		req = append(req, 0, 0, 0, 0)
		var err error
		if req, err = appendCall(req, c); err != nil {
			return nil, err
		}
		binary.BigEndian.PutUint32(req[start:], uint32(len(req)-start-4))
	}
	reply, err := p.roundTrip(req)
	if err != nil {
		return nil, err
	}
	return parseBatch(calls, reply)
}

// parseBatch splits the reply to a batch into one Result per call.
func parseBatch(calls []Call, reply []byte) ([]Result, error) {
	payload, err := splitReply("batch", "", reply)
	if err != nil {
		return nil, err
	}
	if len(payload) < 4 || binary.BigEndian.Uint32(payload) != uint32(len(calls)) {
		return nil, errors.New("erlpeer: batch: reply count does not match")
	}
	payload = payload[4:]
	results := make([]Result, len(calls))
	for i, c := range calls {
		if len(payload) < 4 {
			return nil, fmt.Errorf("erlpeer: batch: reply %d truncated", i)
		}
		n := binary.BigEndian.Uint32(payload)
		if uint64(n) > uint64(len(payload)-4) {
			return nil, fmt.Errorf("erlpeer: batch: reply %d truncated", i)
		}
		results[i] = parseResult(c, payload[4:4+n])
		payload = payload[4+n:]
	}
	if len(payload) != 0 {
		return nil, errors.New("erlpeer: batch: trailing reply data")
	}
	return results, nil
}

func appendCall(b []byte, c Call) ([]byte, error) {
	switch c.Op {
	case OpEncode, OpDecode:
		if len(c.Type) == 0 || len(c.Type) > math.MaxUint16 {
			return nil, fmt.Errorf("erlpeer: %s: bad type name %q", c.Op, c.Type)
		}
		b = append(b, byte(c.Op))
		b = binary.BigEndian.AppendUint16(b, uint16(len(c.Type)))
		b = append(b, c.Type...)
	case OpCanonical:
		b = append(b, byte(c.Op))
	default:
		return nil, fmt.Errorf("erlpeer: unknown %s", c.Op)
	}
	return append(b, c.Input...), nil
}

func parseResult(c Call, reply []byte) Result {
	payload, err := splitReply(c.Op.String(), c.Type, reply)
	if err != nil {
		return Result{Err: err}
	}
	if c.Op != OpCanonical {
		return Result{Out: payload}
	}
	if len(payload) < 4 {
		return Result{Err: errors.New("erlpeer: canonical: short reply")}
	}
	n := binary.BigEndian.Uint32(payload)
	if uint64(n) > uint64(len(payload)-4) {
		return Result{Err: errors.New("erlpeer: canonical: short reply")}
	}
	return Result{Out: payload[4 : 4+n], Out2: payload[4+n:]}
}

// Bench times n iterations, inside the VM, of op on input and returns the
// mean nanoseconds per iteration. op is "encode" or "decode" ('Mod':encode
// of the term input, or 'Mod':decode of the DER input, for type typ), or
// "term_to_binary" or "binary_to_term" (of the external term input; typ is
// ignored). The operation is run once and checked before timing.
func (p *Peer) Bench(op string, typ string, input []byte, n int) (nsPerOp float64, err error) {
	if n <= 0 || n > math.MaxUint32 {
		return 0, fmt.Errorf("erlpeer: bench: iteration count %d out of range", n)
	}
	if len(op) > math.MaxUint8 || len(typ) > math.MaxUint16 {
		return 0, fmt.Errorf("erlpeer: bench: name too long")
	}
	if typ == "" {
		typ = "-"
	}
	req := append([]byte{'B', byte(len(op))}, op...)
	req = binary.BigEndian.AppendUint16(req, uint16(len(typ)))
	req = append(req, typ...)
	req = binary.BigEndian.AppendUint32(req, uint32(n))
	req = append(req, input...)
	reply, err := p.roundTrip(req)
	if err != nil {
		return 0, err
	}
	payload, err := splitReply("bench "+op, typ, reply)
	if err != nil {
		return 0, err
	}
	if len(payload) != 8 {
		return 0, errors.New("erlpeer: bench: malformed reply")
	}
	return float64(binary.BigEndian.Uint64(payload)) / float64(n), nil
}

package conformance_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/erlpeer"
)

// Batch bounds: a batch goes to Erlang when it holds this many vectors or
// this many input bytes.
const (
	batchVectors = 64
	batchBytes   = 4 << 20
)

// vector is one value to compare with Erlang: its ASN.1 type, a label
// saying where it came from (a seed or an edge case) and our encodings.
type vector struct {
	typ   string
	label string
	der   []byte // our DER
	etf   []byte // our ETF
}

// newVector encodes v with our codecs.
func newVector(typ, label string, v chat.Value) vector {
	return vector{typ: typ, label: label, der: v.AppendDER(nil), etf: v.AppendETF(nil)}
}

func (v vector) String() string { return v.typ + " " + v.label }

// erlangView is what Erlang made of a vector.
type erlangView struct {
	der    []byte // 'CHAT':encode(Type, binary_to_term(our ETF))
	encErr error
	etf    []byte // term_to_binary('CHAT':decode(Type, our DER), [{minor_version, 2}])
	decErr error
	etf2   []byte // term_to_binary(binary_to_term(our ETF), [{minor_version, 2}])
	etf25  []byte // the same with the OTP 25 defaults (Latin-1 atoms)
	canErr error
}

// askErlang runs one batch of vectors through the peer: three calls each.
func askErlang(p *erlpeer.Peer, vecs []vector) ([]erlangView, error) {
	calls := make([]erlpeer.Call, 0, 3*len(vecs))
	for _, v := range vecs {
		calls = append(calls,
			erlpeer.Call{Op: erlpeer.OpEncode, Type: v.typ, Input: v.etf},
			erlpeer.Call{Op: erlpeer.OpDecode, Type: v.typ, Input: v.der},
			erlpeer.Call{Op: erlpeer.OpCanonical, Input: v.etf})
	}
	res, err := p.Batch(calls)
	if err != nil {
		return nil, err
	}
	views := make([]erlangView, len(vecs))
	for i := range views {
		enc, dec, can := res[3*i], res[3*i+1], res[3*i+2]
		views[i] = erlangView{
			der: enc.Out, encErr: enc.Err,
			etf: dec.Out, decErr: dec.Err,
			etf2: can.Out, etf25: can.Out2, canErr: can.Err,
		}
	}
	return views, nil
}

// mismatches compares a vector with Erlang's view of it and with what our
// decoders make of Erlang's bytes; it returns one line per disagreement.
func mismatches(v vector, e erlangView) []string {
	var out []string
	bad := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("%s: %s", v, fmt.Sprintf(format, args...)))
	}
	diff := func(what string, got, want []byte) {
		if !bytes.Equal(got, want) {
			bad("%s differs (ours vs Erlang): %s", what, hexDiff(got, want))
		}
	}

	if e.encErr != nil {
		bad("Erlang cannot encode our ETF %x: %v", trim(v.etf), e.encErr)
	} else {
		diff("DER", v.der, e.der)
	}
	if e.decErr != nil {
		bad("Erlang cannot decode our DER %x: %v", trim(v.der), e.decErr)
	} else {
		diff("ETF of Erlang's decode of our DER", v.etf, e.etf)
	}
	if e.canErr != nil {
		bad("binary_to_term refuses our ETF %x: %v", trim(v.etf), e.canErr)
	} else {
		diff("ETF (term_to_binary minor_version 2 of our term)", v.etf, e.etf2)
	}

	// Our decoders on Erlang's bytes re-encode them identically.
	if e.encErr == nil {
		out = append(out, ourDecode(v, "Erlang's DER", e.der, true, e.der, e.etf)...)
	}
	if e.decErr == nil {
		out = append(out, ourDecode(v, "Erlang's ETF (minor 2)", e.etf, false, e.der, e.etf)...)
	}
	if e.canErr == nil {
		out = append(out, ourDecode(v, "Erlang's ETF (OTP 25 default)", e.etf25, false, e.der, e.etf2)...)
	}
	return out
}

// ourDecode decodes input (DER when isDER, else ETF) into a new value of
// v's type and compares its encodings with wantDER and wantETF (either may
// be nil when Erlang gave none).
func ourDecode(v vector, what string, input []byte, isDER bool, wantDER, wantETF []byte) []string {
	var out []string
	val, ok := chat.New(v.typ)
	if !ok {
		return []string{fmt.Sprintf("%s: chat.New does not know the type", v)}
	}
	var err error
	if isDER {
		err = val.UnmarshalDER(input)
	} else {
		err = val.UnmarshalETF(input)
	}
	if err != nil {
		return []string{fmt.Sprintf("%s: our decoder refuses %s %x: %v", v, what, trim(input), err)}
	}
	if wantDER != nil {
		if got := val.AppendDER(nil); !bytes.Equal(got, wantDER) {
			out = append(out, fmt.Sprintf("%s: DER re-encoded from %s differs (ours vs Erlang): %s", v, what, hexDiff(got, wantDER)))
		}
	}
	if wantETF != nil {
		if got := val.AppendETF(nil); !bytes.Equal(got, wantETF) {
			out = append(out, fmt.Sprintf("%s: ETF re-encoded from %s differs (ours vs Erlang): %s", v, what, hexDiff(got, wantETF)))
		}
	}
	return out
}

// trim shortens bytes shown in messages.
func trim(b []byte) []byte {
	if len(b) > 96 {
		return b[:96]
	}
	return b
}

// maxReported is how many mismatch lines a test prints before summarising.
const maxReported = 40

// crossCheck sends vectors from next to Erlang in batches and compares the
// answers; Go-side encoding and comparison overlap with Erlang's work. It
// returns the number of vectors checked and every mismatch.
func crossCheck(t *testing.T, p *erlpeer.Peer, next func(yield func(vector) bool)) (checked int, bad []string) {
	t.Helper()
	type answered struct {
		vecs  []vector
		views []erlangView
	}
	ch := make(chan answered, 1)
	errc := make(chan error, 1)
	go func() {
		defer close(ch)
		var batch []vector
		size := 0
		flush := func() bool {
			if len(batch) == 0 {
				return true
			}
			views, err := askErlang(p, batch)
			if err != nil {
				errc <- err
				return false
			}
			ch <- answered{batch, views}
			batch, size = nil, 0
			return true
		}
		for v := range next {
			batch = append(batch, v)
			size += len(v.der) + 2*len(v.etf)
			if len(batch) >= batchVectors || size >= batchBytes {
				if !flush() {
					return
				}
			}
		}
		flush()
	}()
	for a := range ch {
		for i, v := range a.vecs {
			checked++
			bad = append(bad, mismatches(v, a.views[i])...)
		}
	}
	select {
	case err := <-errc:
		t.Fatalf("Erlang peer: %v", err)
	default:
	}
	return checked, bad
}

// report fails t with the mismatches, at most maxReported of them in full.
func report(t *testing.T, checked int, bad []string) {
	t.Helper()
	for i, m := range bad {
		if i == maxReported {
			t.Errorf("... and %d more mismatches", len(bad)-maxReported)
			break
		}
		t.Error(m)
	}
	if len(bad) > 0 {
		t.Errorf("%d mismatches in %d vectors", len(bad), checked)
	}
	t.Logf("%d vectors checked against Erlang/OTP, %d mismatches", checked, len(bad))
}

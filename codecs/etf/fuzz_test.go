package etf

import (
	"bytes"
	"testing"
)

// FuzzETFDecoder walks arbitrary input with the Decoder API and re-encodes
// what it accepts. The re-encoding must be a fixed point (decoding it gives
// it back), and it may differ from the input only where the input used an
// alternative encoding Erlang also emits.
func FuzzETFDecoder(f *testing.F) {
	for _, v := range vectors {
		f.Add(append([]byte{Version}, unhex(v.etf)...))
	}
	for _, c := range badInputs {
		f.Add(c.in)
	}
	f.Add(unhex("83 64 00 01 f6"))
	f.Add(compressed(AppendBinary(nil, bytes.Repeat([]byte("ab"), 50)), 0))
	f.Add(nestedLists(10))
	f.Add(nestedTuples(10))
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		d, err := NewDecoder(in, Limits{MaxDepth: 32, MaxSize: 1 << 20})
		if err != nil {
			return
		}
		src := in
		if len(in) > 1 && in[1] == tagCompressed {
			src = nil
		}
		re, alt, err := canonical(&d, src)
		if !bytes.Equal(in, orig) {
			t.Fatal("decoding modified its input")
		}
		if err != nil {
			return
		}
		if src != nil && !alt && !bytes.Equal(re, in) {
			t.Fatalf("re-encoded % x from % x", re, in)
		}
		d2, err := NewDecoder(re, Limits{MaxDepth: 32, MaxSize: 1 << 21})
		if err != nil {
			t.Fatalf("re-encoding rejected: %v", err)
		}
		again, alt2, err := canonical(&d2, re)
		if err != nil || alt2 || !bytes.Equal(again, re) {
			t.Fatalf("re-encoding is not a fixed point: % x -> % x (alt %v, %v)", re, again, alt2, err)
		}
	})
}

package conformance_test

import (
	"bytes"
	"encoding/asn1"
	"testing"
)

// TestBaselinesEncodeSameBytes proves the benchmark baselines do the same
// work as the generated code: on SmallMessage, the hand-written encoder and
// encoding/asn1 reproduce the generated DER exactly.
func TestBaselinesEncodeSameBytes(t *testing.T) {
	m, der := smallAsText(t)
	if got := m.AppendDER(nil); !bytes.Equal(got, der) {
		t.Fatalf("hand-written encoder differs from generated:\n% x\n% x", got, der)
	}
	std, err := asn1.Marshal(m.Std())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(std, der) {
		t.Fatalf("encoding/asn1 differs from generated:\n% x\n% x", std, der)
	}
}

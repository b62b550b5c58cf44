package conformance_test

import (
	"bytes"
	"testing"

	"github.com/chatim/chat/generated/chat"
)

// TestCrossCheckDetectsMismatch makes sure the comparison fails on a wrong
// byte: a vector whose DER or ETF was altered must be reported.
func TestCrossCheckDetectsMismatch(t *testing.T) {
	p := erlangPeer(t)
	good := newVector("P2P", "tampered", &chat.P2P{From: []byte("alice"), To: []byte("bob")})
	badDER := good
	badDER.der = bytes.Clone(good.der)
	badDER.der[len(badDER.der)-1] ^= 1 // "boc"
	badETF := good
	badETF.etf = bytes.Clone(good.etf)
	badETF.etf[len(badETF.etf)-1] ^= 1

	views, err := askErlang(p, []vector{good, badDER, badETF})
	if err != nil {
		t.Fatal(err)
	}
	if m := mismatches(good, views[0]); len(m) != 0 {
		t.Fatalf("untouched vector reported: %v", m)
	}
	for i, v := range []vector{badDER, badETF} {
		m := mismatches(v, views[i+1])
		if len(m) == 0 {
			t.Errorf("altered vector %d not reported", i)
		}
		for _, line := range m {
			t.Log(line)
		}
	}
}

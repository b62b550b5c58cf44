package conformance_test

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"testing"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/generated/chat/chatrand"
)

// valuesPerType is how many seeded random values of every type
// TestErlangCrossCheck compares with Erlang.
const valuesPerType = 300

// seeded returns the random value of type typ for seed: the same on every
// run, so that a reported seed reproduces a mismatch.
func seeded(typ string, seed uint64) chat.Value {
	h := fnv.New64a()
	h.Write([]byte(typ))
	return chatrand.New(typ, rand.New(rand.NewPCG(seed, h.Sum64())))
}

// TestErlangCrossCheck compares, for every type of the module and
// valuesPerType random values of each, our DER with 'CHAT':encode of the
// term our ETF encodes, our ETF with term_to_binary of Erlang's decode of
// our DER, and our decoders with Erlang's DER and both atom encodings of
// its ETF; then the same for a table of edge cases.
func TestErlangCrossCheck(t *testing.T) {
	p := erlangPeer(t)
	n := valuesPerType
	if testing.Short() {
		n = 30
	}
	if len(chat.Types) == 0 {
		t.Fatal("chat.Types is empty")
	}

	t.Run("random", func(t *testing.T) {
		checked, bad := crossCheck(t, p, func(yield func(vector) bool) {
			for _, typ := range chat.Types {
				for seed := range uint64(n) {
					v := seeded(typ, seed)
					if v == nil {
						t.Errorf("chatrand.New(%q) = nil", typ)
						return
					}
					if !yield(newVector(typ, fmt.Sprintf("seed=%d", seed), v)) {
						return
					}
				}
			}
		})
		if want := n * len(chat.Types); checked != want {
			t.Errorf("checked %d vectors, want %d", checked, want)
		}
		report(t, checked, bad)
	})

	t.Run("edge", func(t *testing.T) {
		cases := edgeCases()
		checked, bad := crossCheck(t, p, func(yield func(vector) bool) {
			for _, c := range cases {
				if !yield(newVector(c.typ, c.name, c.v)) {
					return
				}
			}
		})
		if checked != len(cases) {
			t.Errorf("checked %d edge cases, want %d", checked, len(cases))
		}
		report(t, checked, bad)
	})
}

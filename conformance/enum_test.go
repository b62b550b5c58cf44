package conformance_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/erlpeer"
)

// TestErlangEnumerations offers every ENUMERATED type the encodings of the
// values -1 to 31 and checks that our DER decoder accepts exactly the
// values Erlang's decoder accepts, and yields the same atom.
func TestErlangEnumerations(t *testing.T) {
	p := erlangPeer(t)
	var (
		calls []erlpeer.Call
		ders  [][]byte
	)
	enums := 0
	for _, typ := range chat.Types {
		v, _ := chat.New(typ)
		if reflect.ValueOf(v).Elem().Kind() != reflect.Int64 {
			continue
		}
		enums++
		for k := -1; k < 32; k++ {
			der := []byte{0x0a, 0x01, byte(k)}
			calls = append(calls, erlpeer.Call{Op: erlpeer.OpDecode, Type: typ, Input: der})
			ders = append(ders, der)
		}
	}
	if enums == 0 {
		t.Fatal("no ENUMERATED type in chat.Types")
	}
	res, err := p.Batch(calls)
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for i, c := range calls {
		v, _ := chat.New(c.Type)
		ourErr := v.UnmarshalDER(ders[i])
		erlErr := res[i].Err
		what := fmt.Sprintf("%s %x", c.Type, ders[i])
		switch {
		case ourErr != nil && erlErr != nil:
			continue
		case ourErr != nil:
			t.Errorf("%s: Erlang accepts, we refuse: %v", what, ourErr)
		case erlErr != nil:
			t.Errorf("%s: we accept, Erlang refuses: %v", what, erlErr)
		default:
			accepted++
			if got := v.AppendETF(nil); !bytes.Equal(got, res[i].Out) {
				t.Errorf("%s: ETF differs (ours vs Erlang): %s", what, hexDiff(got, res[i].Out))
			}
			if got := v.AppendDER(nil); !bytes.Equal(got, ders[i]) {
				t.Errorf("%s: DER re-encodes as %x", what, got)
			}
		}
	}
	if want := len(enumCases()); accepted != want {
		t.Errorf("Erlang and we accept %d enumeration values; the types name %d", accepted, want)
	}
	t.Logf("%d ENUMERATED types, %d values accepted by both", enums, accepted)
}

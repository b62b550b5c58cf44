package conformance

import (
	"bytes"
	"testing"

	"github.com/chatim/chat/generated/chat"
)

// TestSamples checks that the benchmark samples have the documented sizes,
// are the same on every call and decode back to themselves.
func TestSamples(t *testing.T) {
	for _, s := range []struct {
		name     string
		make     func() chat.Value
		min, max int
	}{
		{"SmallMessage", func() chat.Value { return SmallMessage() }, 240, 280},
		{"Roster50", func() chat.Value { return Roster50() }, 20_000, 24_000},
		{"History100", func() chat.Value { return History100() }, 23_000, 27_000},
	} {
		der := s.make().AppendDER(nil)
		etf := s.make().AppendETF(nil)
		if n := len(der); n < s.min || n > s.max {
			t.Errorf("%s: %d bytes of DER, want %d..%d", s.name, n, s.min, s.max)
		}
		if again := s.make().AppendDER(nil); !bytes.Equal(again, der) {
			t.Errorf("%s: not deterministic", s.name)
		}
		v := s.make()
		if err := v.UnmarshalDER(der); err != nil {
			t.Fatalf("%s: UnmarshalDER: %v", s.name, err)
		}
		if got := v.AppendETF(nil); !bytes.Equal(got, etf) {
			t.Errorf("%s: DER -> ETF differs from the direct ETF", s.name)
		}
		t.Logf("%s: DER %d bytes, ETF %d bytes", s.name, len(der), len(etf))
	}
}

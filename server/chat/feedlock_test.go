package chat

import (
	"hash/fnv"
	"testing"
)

// TestFeedLockStripe checks that feedLock picks the FNV-1a stripe of the
// feed name and spreads 100 one-to-one feeds over nearly as many locks.
func TestFeedLockStripe(t *testing.T) {
	h := &Hook{}
	seen := map[int]bool{}
	for i := 0; i < 100; i++ {
		table := p2pTableFor(i)
		x := fnv.New32a()
		x.Write([]byte(table))
		want := &h.feedLocks[x.Sum32()%feedLockStripes]
		got := h.feedLock(table)
		if got != want {
			t.Fatalf("feedLock(%q) is not the FNV-1a stripe", table)
		}
		for j := range h.feedLocks {
			if &h.feedLocks[j] == got {
				seen[j] = true
			}
		}
	}
	if len(seen) < 95 {
		t.Fatalf("100 feeds share %d locks", len(seen))
	}
	if n := testing.AllocsPerRun(100, func() { h.feedLock("p2p/alice/bob") }); n != 0 {
		t.Fatalf("feedLock allocates %v times", n)
	}
}

func p2pTableFor(i int) string {
	return "p2p/user" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "/peer" + string(rune('a'+i%26))
}

package mqttstore

import (
	"bytes"
	"testing"
)

func TestClientPrefixesDisjoint(t *testing.T) {
	ids := []string{"a", "a\x00", "a\x00b", "a\x01", "ab", "", "\x00"}
	for _, x := range ids {
		for _, y := range ids {
			if x == y {
				continue
			}
			if bytes.HasPrefix(subKey(y, "t/#"), clientSubPrefix(x)) {
				t.Errorf("subscription of %q falls under the prefix of %q", y, x)
			}
			if bytes.HasPrefix(inflightKey(y, 7), clientInflightPrefix(x)) {
				t.Errorf("inflight of %q falls under the prefix of %q", y, x)
			}
		}
	}
	if !bytes.HasPrefix(subKey("a", "x"), clientSubPrefix("a")) {
		t.Fatal("subscription key outside its client prefix")
	}
}

func TestPendingKeysOrdered(t *testing.T) {
	if bytes.Compare(pendingKey(255), pendingKey(256)) >= 0 {
		t.Fatal("pending keys do not sort numerically")
	}
}

package erlpeer

import (
	"bytes"
	"testing"
)

// FuzzParseBatch feeds arbitrary replies to the batch reply parser: it must
// return one result per call or an error, never panic or read past the
// reply.
func FuzzParseBatch(f *testing.F) {
	calls := []Call{
		{Op: OpEncode, Type: "OK"},
		{Op: OpDecode, Type: "P2P"},
		{Op: OpCanonical},
	}
	f.Add([]byte{0, 0, 0, 0, 3,
		0, 0, 0, 3, 0, 0x30, 0x00,
		0, 0, 0, 4, 1, 'b', 'a', 'd',
		0, 0, 0, 7, 0, 0, 0, 0, 1, 131, 132})
	f.Add([]byte{1, 'e', 'r', 'r'})
	f.Add([]byte{0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, reply []byte) {
		orig := bytes.Clone(reply)
		res, err := parseBatch(calls, reply)
		if !bytes.Equal(reply, orig) {
			t.Fatal("parseBatch modified its input")
		}
		if err == nil && len(res) != len(calls) {
			t.Fatalf("%d results for %d calls", len(res), len(calls))
		}
	})
}

func TestParseBatchErrors(t *testing.T) {
	calls := []Call{{Op: OpEncode, Type: "OK"}, {Op: OpCanonical}}
	for _, tc := range []struct {
		name  string
		reply []byte
	}{
		{"empty", nil},
		{"bad status", []byte{7}},
		{"count mismatch", []byte{0, 0, 0, 0, 1, 0, 0, 0, 1, 0}},
		{"truncated element", []byte{0, 0, 0, 0, 2, 0, 0, 0, 9, 0}},
		{"missing element", []byte{0, 0, 0, 0, 2, 0, 0, 0, 1, 0}},
		{"trailing", []byte{0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 9}},
	} {
		if _, err := parseBatch(calls, tc.reply); err == nil {
			t.Errorf("%s: parseBatch accepted % x", tc.name, tc.reply)
		}
	}
	// A short canonical payload is a per-call error, not a batch error.
	res, err := parseBatch(calls, []byte{0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 3, 0, 0, 9})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[1].Err == nil {
		t.Errorf("results = %+v", res)
	}
}

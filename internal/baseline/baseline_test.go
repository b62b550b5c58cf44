package baseline

import (
	"bytes"
	"encoding/asn1"
	"reflect"
	"testing"
)

func TestHandAndStdAgree(t *testing.T) {
	m := Sample()
	hand := m.AppendDER(nil)
	std, err := asn1.Marshal(m.Std())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(hand, std) {
		t.Fatalf("hand-written and encoding/asn1 differ:\n% x\n% x", hand, std)
	}
	if len(hand) < 200 || len(hand) > 320 {
		t.Fatalf("sample is %d bytes, want about 260", len(hand))
	}
	var back TextMessage
	if err := back.UnmarshalDER(hand); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Fatalf("round trip changed the value:\n%+v\n%+v", back, m)
	}
	m.Status = 4
	hand = m.AppendDER(nil)
	if std, _ = asn1.Marshal(m.Std()); !bytes.Equal(hand, std) {
		t.Fatalf("non-default status: hand-written and encoding/asn1 differ")
	}
}

func TestDecodeRejects(t *testing.T) {
	m := Sample()
	good := m.AppendDER(nil)
	for i := range good {
		var v TextMessage
		if v.UnmarshalDER(good[:i]) == nil {
			t.Fatalf("truncation at %d accepted", i)
		}
	}
	withDefault := append([]byte(nil), good...)
	var v TextMessage
	if v.UnmarshalDER(append(withDefault, 0)) == nil {
		t.Fatal("trailing byte accepted")
	}
}

func TestEncodeNoAlloc(t *testing.T) {
	m := Sample()
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { buf = m.AppendDER(buf[:0]) }); n != 0 {
		t.Fatalf("AppendDER allocates %v times", n)
	}
}

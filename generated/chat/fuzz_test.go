package chat_test

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/generated/chat/chatrand"
)

func seeds(f *testing.F, enc func(chat.Value) []byte) {
	f.Add(enc(textMessage()))
	r := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 40; i++ {
		if b := enc(chatrand.New("CHATMessage", r)); len(b) < 8192 {
			f.Add(b)
		}
	}
}

// usedMessage returns a CHATMessage that already holds slices, pointers
// and CHOICE alternatives, for decoding into.
func usedMessage(t *testing.T) *chat.CHATMessage {
	var m chat.CHATMessage
	if err := m.UnmarshalDER(textMessage().AppendDER(nil)); err != nil {
		t.Fatal(err)
	}
	return &m
}

// FuzzCHATMessageDER checks that whatever decodes re-encodes to the same
// bytes: the decoder accepts only canonical DER. Decoding into a value
// that holds an earlier message must accept and produce the same.
func FuzzCHATMessageDER(f *testing.F) {
	seeds(f, func(v chat.Value) []byte { return v.AppendDER(nil) })
	f.Fuzz(func(t *testing.T, data []byte) {
		var m chat.CHATMessage
		err := m.UnmarshalDER(data)
		used := usedMessage(t)
		if uerr := used.UnmarshalDER(data); (uerr == nil) != (err == nil) {
			t.Fatalf("decoding into a used value: %v; into a zero value: %v", uerr, err)
		}
		keep := bytes.Clone(data)
		var alias chat.CHATMessage
		if aerr := alias.UnmarshalDERNoCopy(data); (aerr == nil) != (err == nil) {
			t.Fatalf("decoding without a copy: %v; with one: %v", aerr, err)
		}
		if !bytes.Equal(data, keep) {
			t.Fatal("UnmarshalDERNoCopy changed its input")
		}
		if err != nil {
			return
		}
		if out := alias.AppendDER(nil); !bytes.Equal(out, data) {
			t.Fatalf("decoded without a copy but re-encodes differently:\n in % x\nout % x", data, out)
		}
		if out := m.AppendDER(nil); !bytes.Equal(out, data) {
			t.Fatalf("decoded but re-encodes differently:\n in % x\nout % x", data, out)
		}
		if out := used.AppendDER(nil); !bytes.Equal(out, data) {
			t.Fatalf("decoded into a used value but re-encodes differently:\n in % x\nout % x", data, out)
		}
		var e chat.CHATMessage
		if err := e.UnmarshalETF(m.AppendETF(nil)); err != nil {
			t.Fatalf("ETF of a decoded value does not decode: %v", err)
		}
	})
}

// FuzzCHATMessageETF checks that whatever decodes re-encodes to a
// canonical term that decodes to the same value. ETF input may be
// non-canonical (latin-1 atoms, asn1_DEFAULT, wide integer forms,
// compression), so the oracle compares values, then canonical bytes.
func FuzzCHATMessageETF(f *testing.F) {
	seeds(f, func(v chat.Value) []byte { return v.AppendETF(nil) })
	f.Fuzz(func(t *testing.T, data []byte) {
		var m chat.CHATMessage
		err := m.UnmarshalETF(data)
		used := usedMessage(t)
		if uerr := used.UnmarshalETF(data); (uerr == nil) != (err == nil) {
			t.Fatalf("decoding into a used value: %v; into a zero value: %v", uerr, err)
		}
		keep := bytes.Clone(data)
		var alias chat.CHATMessage
		if aerr := alias.UnmarshalETFNoCopy(data); (aerr == nil) != (err == nil) {
			t.Fatalf("decoding without a copy: %v; with one: %v", aerr, err)
		}
		if !bytes.Equal(data, keep) {
			t.Fatal("UnmarshalETFNoCopy changed its input")
		}
		if err != nil {
			return
		}
		e1 := m.AppendETF(nil)
		if !bytes.Equal(alias.AppendETF(nil), e1) {
			t.Fatalf("decoded without a copy, the value differs")
		}
		if !bytes.Equal(used.AppendETF(nil), e1) {
			t.Fatalf("decoded into a used value, the value differs")
		}
		var m2 chat.CHATMessage
		if err := m2.UnmarshalETF(e1); err != nil {
			t.Fatalf("re-encoding does not decode: %v", err)
		}
		if !reflect.DeepEqual(normalize(&m), normalize(&m2)) {
			t.Fatalf("value changed through re-encoding")
		}
		if e2 := m2.AppendETF(nil); !bytes.Equal(e1, e2) {
			t.Fatalf("canonical encoding not stable")
		}
		var d chat.CHATMessage
		if err := d.UnmarshalDER(m.AppendDER(nil)); err != nil {
			t.Fatalf("DER of a decoded value does not decode: %v", err)
		}
	})
}

// FuzzCHATMessageJSON checks that whatever JSON decodes re-encodes to JSON
// that decodes to the same value.
func FuzzCHATMessageJSON(f *testing.F) {
	seeds(f, func(v chat.Value) []byte { b, _ := v.MarshalJSON(); return b })
	f.Fuzz(func(t *testing.T, data []byte) {
		var m chat.CHATMessage
		if err := m.UnmarshalJSON(data); err != nil {
			return
		}
		j, err := m.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var m2 chat.CHATMessage
		if err := m2.UnmarshalJSON(j); err != nil {
			t.Fatalf("re-encoding does not decode: %v\n%s", err, j)
		}
		if !reflect.DeepEqual(normalize(&m), normalize(&m2)) {
			t.Fatalf("value changed through re-encoding:\n%s", j)
		}
	})
}

package chat_test

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/generated/chat/chatrand"
)

// TestDecodeReuse decodes a stream of random values of every type into one
// value, so that each decode finds the slices, pointers and CHOICE
// alternatives of the one before, and checks that every result equals
// the value encoded, in both codecs.
func TestDecodeReuse(t *testing.T) {
	for _, name := range chat.Types {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, uint64(len(name))))
			intoDER, intoETF := mustNew(t, name), mustNew(t, name)
			for i := 0; i < valuesPerType; i++ {
				v := chatrand.New(name, r)
				want := normalize(v)
				d := v.AppendDER(nil)
				if err := intoDER.UnmarshalDER(d); err != nil {
					t.Fatalf("value %d: DER decode: %v", i, err)
				}
				if !reflect.DeepEqual(normalize(intoDER), want) {
					t.Fatalf("value %d: DER decode into a used value differs:\n%#v\n%#v", i, intoDER, v)
				}
				if again := intoDER.AppendDER(nil); !bytes.Equal(again, d) {
					t.Fatalf("value %d: DER re-encoding differs", i)
				}
				e := v.AppendETF(nil)
				if err := intoETF.UnmarshalETF(e); err != nil {
					t.Fatalf("value %d: ETF decode: %v", i, err)
				}
				if !reflect.DeepEqual(normalize(intoETF), want) {
					t.Fatalf("value %d: ETF decode into a used value differs:\n%#v\n%#v", i, intoETF, v)
				}
			}
		})
	}
}

// TestDecodeReuseAllocs checks that decoding into a value that already
// has the shape of the input allocates only the copy of the input.
func TestDecodeReuseAllocs(t *testing.T) {
	m := textMessage()
	d, e := m.AppendDER(nil), m.AppendETF(nil)
	var v chat.CHATMessage
	if err := v.UnmarshalDER(d); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = v.UnmarshalDER(d) }); n != 1 {
		t.Errorf("UnmarshalDER into a used value: %v allocations, want 1 (the copy)", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = v.UnmarshalETF(e) }); n != 1 {
		t.Errorf("UnmarshalETF into a used value: %v allocations, want 1 (the copy)", n)
	}
}

// TestDecodeKeepsEarlierResult checks the other half of the contract: a
// result decoded into its own zero value is not touched by later decodes.
func TestDecodeKeepsEarlierResult(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	first := chatrand.CHATMessage(r)
	var a chat.CHATMessage
	if err := a.UnmarshalDER(first.AppendDER(nil)); err != nil {
		t.Fatal(err)
	}
	before := a.AppendDER(nil)
	for i := 0; i < 50; i++ {
		var b chat.CHATMessage
		if err := b.UnmarshalDER(chatrand.CHATMessage(r).AppendDER(nil)); err != nil {
			t.Fatal(err)
		}
	}
	if after := a.AppendDER(nil); !bytes.Equal(before, after) {
		t.Fatal("a later decode into a fresh value changed an earlier result")
	}
}

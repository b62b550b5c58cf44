package chat_test

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/generated/chat/chatrand"
)

// TestDecodeNoCopy checks, for random values of every type decoded one
// after another into one value, that UnmarshalDERNoCopy and
// UnmarshalETFNoCopy give what the copying decoders give and leave their
// input unchanged.
func TestDecodeNoCopy(t *testing.T) {
	for _, name := range chat.Types {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, uint64(len(name))))
			intoDER, intoETF := mustNew(t, name), mustNew(t, name)
			for i := 0; i < valuesPerType; i++ {
				v := chatrand.New(name, r)
				want := normalize(v)
				d := v.AppendDER(nil)
				keep := bytes.Clone(d)
				if err := intoDER.UnmarshalDERNoCopy(d); err != nil {
					t.Fatalf("value %d: DER decode: %v", i, err)
				}
				if !bytes.Equal(d, keep) {
					t.Fatalf("value %d: UnmarshalDERNoCopy changed its input", i)
				}
				if !reflect.DeepEqual(normalize(intoDER), want) {
					t.Fatalf("value %d: DER decode without copy differs:\n%#v\n%#v", i, intoDER, v)
				}
				e := v.AppendETF(nil)
				keep = bytes.Clone(e)
				if err := intoETF.UnmarshalETFNoCopy(e); err != nil {
					t.Fatalf("value %d: ETF decode: %v", i, err)
				}
				if !bytes.Equal(e, keep) {
					t.Fatalf("value %d: UnmarshalETFNoCopy changed its input", i)
				}
				if !reflect.DeepEqual(normalize(intoETF), want) {
					t.Fatalf("value %d: ETF decode without copy differs:\n%#v\n%#v", i, intoETF, v)
				}
			}
		})
	}
}

// TestDecodeNoCopyAliases checks the contract both ways: the byte slices
// of a value decoded without a copy alias the input, those of a value
// decoded with one do not, and decoding into a used value without a copy
// allocates nothing.
func TestDecodeNoCopyAliases(t *testing.T) {
	m := textMessage()
	d := m.AppendDER(nil)
	var alias, copied chat.CHATMessage
	if err := alias.UnmarshalDERNoCopy(d); err != nil {
		t.Fatal(err)
	}
	if err := copied.UnmarshalDER(d); err != nil {
		t.Fatal(err)
	}
	h := alias.Headers[0]
	at := bytes.Index(d, h)
	if at < 0 || &d[at] != &h[0] {
		t.Fatalf("header %q does not alias the input", h)
	}
	if &copied.Headers[0][0] == &h[0] {
		t.Fatal("UnmarshalDER returned a header aliasing its input")
	}
	if n := testing.AllocsPerRun(100, func() { _ = alias.UnmarshalDERNoCopy(d) }); n != 0 {
		t.Errorf("UnmarshalDERNoCopy into a used value: %v allocations, want 0", n)
	}
	e := m.AppendETF(nil)
	if err := alias.UnmarshalETFNoCopy(e); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = alias.UnmarshalETFNoCopy(e) }); n != 0 {
		t.Errorf("UnmarshalETFNoCopy into a used value: %v allocations, want 0", n)
	}
}

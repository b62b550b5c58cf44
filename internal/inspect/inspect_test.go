package inspect

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"

	"github.com/chatim/chat/internal/baseline"
)

func sampleDER() []byte {
	m := baseline.Sample()
	return m.AppendDER(nil)
}

// countBER counts the TLVs in a tree read by go-asn1-ber, an independent
// BER reader.
func countBER(p *ber.Packet) int {
	n := 1
	for _, c := range p.Children {
		n += countBER(c)
	}
	return n
}

func countNodes(ns []*Node) int {
	n := 0
	for _, x := range ns {
		n += 1 + countNodes(x.Children)
	}
	return n
}

func TestParseBERAgreesWithAsn1Ber(t *testing.T) {
	data := sampleDER()
	nodes, err := ParseBER(data)
	if err != nil {
		t.Fatal(err)
	}
	pkt, err := ber.DecodePacketErr(data)
	if err != nil {
		t.Fatal(err)
	}
	// go-asn1-ber descends into context-specific constructed elements and
	// SEQUENCEs alike; both trees must count the same TLVs.
	if got, want := countNodes(nodes), countBER(pkt); got != want {
		t.Fatalf("ParseBER found %d TLVs, go-asn1-ber %d", got, want)
	}
	if nodes[0].Offset != 0 || nodes[0].HeaderLen != 3 || nodes[0].Len != len(data)-3 {
		t.Fatalf("top node %+v", nodes[0])
	}
	var out bytes.Buffer
	if err := WriteBER(&out, nodes); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"0:d=0  hl=3", "cons: SEQUENCE", "prim:   INTEGER  :42", `"alice"`, "cont [ 4 ]", "cont [ 1 ]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dump lacks %q:\n%s", want, out.String())
		}
	}
}

func TestParseBERIndefinite(t *testing.T) {
	data := []byte{0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00}
	nodes, err := ParseBER(data)
	if err != nil {
		t.Fatal(err)
	}
	if nodes[0].Len != -1 || len(nodes[0].Children) != 1 {
		t.Fatalf("got %+v", nodes[0])
	}
}

func TestParseBERRejects(t *testing.T) {
	data := sampleDER()
	for i := 1; i < len(data); i++ {
		if _, err := ParseBER(data[:i]); !errors.Is(err, ErrMalformed) {
			t.Fatalf("truncation at %d: %v", i, err)
		}
	}
	huge := []byte{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00}
	if _, err := ParseBER(huge); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("2 GiB length: %v", err)
	}
	deep := bytes.Repeat([]byte{0x30, 0x80}, 10000)
	if _, err := ParseBER(deep); err == nil || !strings.Contains(err.Error(), "nesting") {
		t.Fatalf("deep nesting: %v", err)
	}
}

// etfSample is term_to_binary({'P2P', <<"alice">>, "bob", 'ö', 300, [1,{0,1,246,0}]}, [{minor_version,2}]).
var etfSample = []byte{131, 104, 6, 119, 3, 'P', '2', 'P', 109, 0, 0, 0, 5, 'a', 'l', 'i', 'c', 'e',
	107, 0, 3, 'b', 'o', 'b', 119, 2, 0xc3, 0xb6, 98, 0, 0, 1, 44,
	108, 0, 0, 0, 2, 97, 1, 104, 4, 97, 0, 97, 1, 97, 246, 97, 0, 106}

func TestParseETF(t *testing.T) {
	term, note, err := ParseETF(etfSample)
	if err != nil || note != "" {
		t.Fatal(err, note)
	}
	var out bytes.Buffer
	if err := WriteETF(&out, term); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1: tuple/6", "3:   atom 'P2P'", `binary <<"alice">>`, `string "bob"`, "atom 'ö'", "integer 300", "list/2", "tuple/4"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dump lacks %q:\n%s", want, out.String())
		}
	}
	for i := 0; i < len(etfSample); i++ {
		if _, _, err := ParseETF(etfSample[:i]); !errors.Is(err, ErrBadETF) {
			t.Fatalf("truncation at %d: %v", i, err)
		}
	}
	if _, _, err := ParseETF([]byte{131, 108, 0xff, 0xff, 0xff, 0xff}); !errors.Is(err, ErrBadETF) {
		t.Fatalf("huge list header: %v", err)
	}
}

func FuzzParseBER(f *testing.F) {
	f.Add(sampleDER())
	f.Add([]byte{0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		nodes, err := ParseBER(data)
		if err == nil {
			var out bytes.Buffer
			if err := WriteBER(&out, nodes); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzParseETF(f *testing.F) {
	f.Add(etfSample)
	f.Fuzz(func(t *testing.T, data []byte) {
		term, _, err := ParseETF(data)
		if err == nil {
			var out bytes.Buffer
			if err := WriteETF(&out, term); err != nil {
				t.Fatal(err)
			}
		}
	})
}

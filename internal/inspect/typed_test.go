package inspect

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chatim/chat/asn1"
	"github.com/chatim/chat/priv/proto"
)

func chatType(t *testing.T, name string) *asn1.TypeAssignment {
	t.Helper()
	mods, err := asn1.Parse(asn1.File{Name: proto.CHATFile, Src: proto.CHAT})
	if err != nil {
		t.Fatal(err)
	}
	for _, ta := range mods[0].Types {
		if ta.Name == name {
			return ta
		}
	}
	t.Fatalf("no type %s", name)
	return nil
}

func TestLabelBER(t *testing.T) {
	nodes, err := ParseBER(sampleDER())
	if err != nil {
		t.Fatal(err)
	}
	LabelBER(nodes[0], chatType(t, "CHATMessage"))
	var out bytes.Buffer
	if err := WriteBER(&out, nodes); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"CHATMessage.no", "CHATMessage.headers[0]", "CHATMessage.body.message Message",
		"CHATMessage.body.message.feed.p2p P2P", "CHATMessage.body.message.files[0].payload ANY",
		"CHATMessage.body.message.link.empty", "CHATMessage.body.message.mentioned[0]",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("labelled dump lacks %q:\n%s", want, out.String())
		}
	}
}

func TestLabelETF(t *testing.T) {
	term, _, err := ParseETF(etfSample)
	if err != nil {
		t.Fatal(err)
	}
	p2p := &Term{Kind: "tuple/3", Children: term.Children[:3]}
	LabelETF(p2p, chatType(t, "P2P"))
	if p2p.Children[1].Label != "P2P.from" || p2p.Children[2].Label != "P2P.to" {
		t.Fatalf("labels %q %q", p2p.Children[1].Label, p2p.Children[2].Label)
	}
}

package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/chatim/chat/asn1"
	"github.com/chatim/chat/internal/inspect"
	"github.com/chatim/chat/priv/proto"
)

func dump(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("dump", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	from := fs.String("from", "", "input format: der or etf (default: by the first byte, 0x83 is etf)")
	typ := fs.String("type", "", "label the tree with the fields of this ASN.1 type")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	data, err := readInput(in)
	if err != nil {
		return err
	}
	if *from == "" {
		*from = "der"
		if len(data) > 0 && data[0] == 131 {
			*from = "etf"
		}
	}
	var t *asn1.TypeAssignment
	if *typ != "" {
		if t, err = specType(*typ); err != nil {
			return err
		}
	}
	switch *from {
	case "der", "ber":
		nodes, err := inspect.ParseBER(data)
		if t != nil && len(nodes) > 0 {
			inspect.LabelBER(nodes[0], t)
		}
		if werr := inspect.WriteBER(out, nodes); werr != nil {
			return werr
		}
		return err
	case "etf":
		term, note, err := inspect.ParseETF(data)
		if note != "" {
			fmt.Fprintln(out, "# "+note)
		}
		if term != nil {
			if t != nil {
				inspect.LabelETF(term, t)
			}
			if werr := inspect.WriteETF(out, term); werr != nil {
				return werr
			}
		}
		return err
	}
	return fmt.Errorf("%w: dump reads der or etf", errUsage)
}

// specType finds a type assignment in the embedded CHAT module.
func specType(name string) (*asn1.TypeAssignment, error) {
	mods, err := asn1.Parse(asn1.File{Name: proto.CHATFile, Src: proto.CHAT})
	if err != nil {
		return nil, fmt.Errorf("embedded spec: %w", err)
	}
	for _, m := range mods {
		for _, ta := range m.Types {
			if ta.Name == name {
				return ta, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: unknown type %q (see chatcodec types)", errUsage, name)
}

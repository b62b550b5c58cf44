package inspect

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

var universalNames = map[uint64]string{
	1: "BOOLEAN", 2: "INTEGER", 3: "BIT STRING", 4: "OCTET STRING", 5: "NULL",
	6: "OBJECT", 10: "ENUMERATED", 12: "UTF8STRING", 16: "SEQUENCE", 17: "SET",
	18: "NUMERICSTRING", 19: "PRINTABLESTRING", 20: "T61STRING", 22: "IA5STRING",
	23: "UTCTIME", 24: "GENERALIZEDTIME", 26: "VISIBLESTRING", 28: "UNIVERSALSTRING",
	30: "BMPSTRING",
}

// TagName names a tag the way openssl asn1parse does: the universal type
// name, or cont [ n ], appl [ n ], priv [ n ].
func (n *Node) TagName() string {
	switch n.Class {
	case 0:
		if s, ok := universalNames[n.Tag]; ok {
			return s
		}
		return fmt.Sprintf("univ [ %d ]", n.Tag)
	case 1:
		return fmt.Sprintf("appl [ %d ]", n.Tag)
	case 2:
		return fmt.Sprintf("cont [ %d ]", n.Tag)
	}
	return fmt.Sprintf("priv [ %d ]", n.Tag)
}

// WriteBER prints nodes as an indented tree, one line per TLV:
// offset, depth, header and content lengths, the tag, the label when
// known, and a short rendering of primitive contents.
func WriteBER(w io.Writer, nodes []*Node) error {
	for _, n := range nodes {
		if err := writeNode(w, n, 0); err != nil {
			return err
		}
	}
	return nil
}

func writeNode(w io.Writer, n *Node, depth int) error {
	kind := "prim"
	if n.Constructed {
		kind = "cons"
	}
	l := fmt.Sprintf("%4d", n.Len)
	if n.Len < 0 {
		l = " inf"
	}
	line := fmt.Sprintf("%5d:d=%-2d hl=%d l=%s %s: %s%s", n.Offset, depth, n.HeaderLen, l, kind,
		strings.Repeat("  ", depth), n.TagName())
	if n.Label != "" {
		line += "  " + n.Label
	}
	if !n.Constructed {
		if v := renderPrimitive(n); v != "" {
			line += "  :" + v
		}
	}
	if _, err := fmt.Fprintln(w, line); err != nil {
		return err
	}
	for _, c := range n.Children {
		if err := writeNode(w, c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// renderPrimitive shows contents: integers in decimal, printable strings as
// text, UniversalString decoded, anything else as hex (shortened).
func renderPrimitive(n *Node) string {
	c := n.Content
	if n.Class == 0 {
		switch n.Tag {
		case 1:
			if len(c) == 1 && c[0] != 0 {
				return "TRUE"
			}
			return "FALSE"
		case 2, 10:
			return intText(c)
		case 5:
			return ""
		case 28:
			if s, ok := ucs4(c); ok {
				return fmt.Sprintf("%q", s)
			}
		}
	}
	if len(c) == 0 {
		return ""
	}
	if utf8.Valid(c) && printable(c) {
		return fmt.Sprintf("%q", string(c))
	}
	if len(c) > 32 {
		return strings.ToUpper(hex.EncodeToString(c[:32])) + fmt.Sprintf("… (%d bytes)", len(c))
	}
	return strings.ToUpper(hex.EncodeToString(c))
}

func intText(c []byte) string {
	if len(c) == 0 || len(c) > 8 {
		return strings.ToUpper(hex.EncodeToString(c))
	}
	x := int64(int8(c[0]))
	for _, b := range c[1:] {
		x = x<<8 | int64(b)
	}
	return fmt.Sprint(x)
}

func ucs4(c []byte) (string, bool) {
	if len(c)%4 != 0 {
		return "", false
	}
	var sb strings.Builder
	for i := 0; i < len(c); i += 4 {
		r := rune(c[i])<<24 | rune(c[i+1])<<16 | rune(c[i+2])<<8 | rune(c[i+3])
		if !utf8.ValidRune(r) {
			return "", false
		}
		sb.WriteRune(r)
	}
	return sb.String(), true
}

func printable(c []byte) bool {
	for _, r := range string(c) {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

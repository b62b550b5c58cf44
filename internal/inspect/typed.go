package inspect

import (
	"fmt"
	"strconv"

	"github.com/chatim/chat/asn1"
)

// LabelBER labels n and its descendants with the field names of the type
// ta, as far as the tree matches the type. Nodes that do not match keep no
// label, so a malformed payload still shows where it departs from the type.
func LabelBER(n *Node, ta *asn1.TypeAssignment) {
	labelBER(n, ta.Type, ta.Name, 0)
}

func labelBER(n *Node, t *asn1.Type, path string, depth int) {
	if depth > maxDepth {
		return
	}
	tags := t.EncodingTags()
	cur := n
	for i, tg := range tags {
		if !tagMatches(cur, tg) {
			return
		}
		if i == 0 {
			cur.Label = path + " " + typeText(t)
		}
		if i < len(tags)-1 {
			if len(cur.Children) != 1 {
				return
			}
			cur = cur.Children[0]
		}
	}
	u := t.Underlying()
	switch u.Kind {
	case asn1.Choice:
		for _, f := range u.Fields {
			if nodeMatches(cur, f.Type) {
				labelBER(cur, f.Type, path+"."+f.Name, depth+1)
				return
			}
		}
	case asn1.Sequence, asn1.Set:
		fi := 0
		for _, c := range cur.Children {
			for fi < len(u.Fields) && !nodeMatches(c, u.Fields[fi].Type) {
				fi++
			}
			if fi == len(u.Fields) {
				return
			}
			labelBER(c, u.Fields[fi].Type, path+"."+u.Fields[fi].Name, depth+1)
			fi++
		}
	case asn1.SequenceOf, asn1.SetOf:
		for i, c := range cur.Children {
			labelBER(c, u.Elem, path+"["+strconv.Itoa(i)+"]", depth+1)
		}
	case asn1.Any:
		if len(tags) == 0 {
			n.Label = path + " ANY"
		}
	}
}

// nodeMatches reports whether n can be an encoding of t, by its outermost tag.
func nodeMatches(n *Node, t *asn1.Type) bool {
	if tags := t.EncodingTags(); len(tags) > 0 {
		return tagMatches(n, tags[0])
	}
	u := t.Underlying()
	if u.Kind == asn1.Choice {
		for _, f := range u.Fields {
			if nodeMatches(n, f.Type) {
				return true
			}
		}
		return false
	}
	return true // untagged ANY
}

func tagMatches(n *Node, tg asn1.Tag) bool {
	return n.Class == int(tg.Class) && n.Tag == uint64(tg.Number)
}

func typeText(t *asn1.Type) string {
	if t.Kind == asn1.Reference {
		return t.Ref
	}
	switch t.Kind {
	case asn1.Sequence:
		return "SEQUENCE"
	case asn1.Set:
		return "SET"
	case asn1.SequenceOf:
		return "SEQUENCE OF"
	case asn1.SetOf:
		return "SET OF"
	case asn1.Choice:
		return "CHOICE"
	}
	return ""
}

// LabelETF labels a term tree with the field names of ta, following the
// asn1ct record mapping: a record tuple's elements after the name are the
// fields in order, a CHOICE is {alternative, Value}.
func LabelETF(t *Term, ta *asn1.TypeAssignment) {
	labelETF(t, ta.Type, ta.Name, 0)
}

func labelETF(term *Term, t *asn1.Type, path string, depth int) {
	if depth > maxDepth {
		return
	}
	term.Label = path
	if s := typeText(t); s != "" {
		term.Label += " " + s
	}
	u := t.Underlying()
	switch u.Kind {
	case asn1.Sequence, asn1.Set:
		if len(term.Children) != len(u.Fields)+1 {
			return
		}
		for i, f := range u.Fields {
			labelETF(term.Children[i+1], f.Type, path+"."+f.Name, depth+1)
		}
	case asn1.Choice:
		if len(term.Children) != 2 {
			return
		}
		for _, f := range u.Fields {
			if term.Children[0].Text == quoteAtom(f.Name) {
				labelETF(term.Children[1], f.Type, path+"."+f.Name, depth+1)
				return
			}
		}
	case asn1.SequenceOf, asn1.SetOf:
		for i, c := range term.Children {
			labelETF(c, u.Elem, fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	}
}

package gen

import (
	"fmt"
	"sort"

	"github.com/chatim/chat/asn1"
	"github.com/dave/jennifer/jen"
)

// wireTag is one tag as it appears on the wire.
type wireTag struct {
	class asn1.Class
	num   uint32
	cons  bool
}

// universal returns the universal tag of a built-in kind; ok is false for
// CHOICE and ANY, which have none.
func universal(k asn1.Kind) (wireTag, bool) {
	num := map[asn1.Kind]uint32{
		asn1.Boolean: 1, asn1.Integer: 2, asn1.BitString: 3, asn1.OctetString: 4, asn1.Null: 5,
		asn1.ObjectIdentifier: 6, asn1.Real: 9, asn1.Enumerated: 10, asn1.UTF8String: 12,
		asn1.Sequence: 16, asn1.SequenceOf: 16, asn1.Set: 17, asn1.SetOf: 17,
		asn1.NumericString: 18, asn1.PrintableString: 19, asn1.TeletexString: 20, asn1.IA5String: 22,
		asn1.UTCTime: 23, asn1.GeneralizedTime: 24, asn1.GraphicString: 25, asn1.VisibleString: 26,
		asn1.GeneralString: 27, asn1.UniversalString: 28, asn1.BMPString: 30,
	}
	n, ok := num[k]
	if !ok {
		return wireTag{}, false
	}
	cons := k == asn1.Sequence || k == asn1.SequenceOf || k == asn1.Set || k == asn1.SetOf
	return wireTag{class: asn1.Universal, num: n, cons: cons}, true
}

// applyTags puts the tags written on an occurrence (outermost first) over
// the wire tags of what it refers to: an implicit tag replaces the
// outermost tag, an explicit one wraps. An implicit tag on something
// without a tag (an untagged CHOICE or ANY) is explicit (X.680 §31.2.7).
func applyTags(tags []asn1.Tag, inner []wireTag) []wireTag {
	out := append([]wireTag(nil), inner...)
	for i := len(tags) - 1; i >= 0; i-- {
		t := tags[i]
		if !t.Explicit && len(out) > 0 {
			out[0].class, out[0].num = t.Class, t.Number
			continue
		}
		out = append([]wireTag{{class: t.Class, num: t.Number, cons: true}}, out...)
	}
	return out
}

// computeWire computes the wire tags of every named type.
func (m *module) computeWire() error {
	done := map[*named]bool{}
	busy := map[*named]bool{}
	var visit func(n *named) error
	visit = func(n *named) error {
		if done[n] {
			return nil
		}
		if busy[n] {
			return fmt.Errorf("%s: circular type definition", n.asn1Name)
		}
		busy[n] = true
		inner, err := m.calleeWireOf(n.def, visit)
		if err != nil {
			return err
		}
		n.wire = applyTags(n.ownTags, inner)
		done[n] = true
		return nil
	}
	for _, n := range m.types {
		if err := visit(n); err != nil {
			return err
		}
	}
	return nil
}

// calleeWireOf returns the wire tags produced by the code an occurrence
// delegates to, before the occurrence's own tags are applied.
func (m *module) calleeWireOf(t *asn1.Type, visit func(*named) error) ([]wireTag, error) {
	if t.Kind == asn1.Reference {
		n := m.byAssign[t.Target]
		if n == nil {
			return nil, fmt.Errorf("unresolved reference %s", t.Ref)
		}
		if visit != nil {
			if err := visit(n); err != nil {
				return nil, err
			}
		}
		return n.wire, nil
	}
	if u, ok := universal(t.Kind); ok {
		return []wireTag{u}, nil
	}
	return nil, nil
}

// occWire returns, for an occurrence, its full wire tags and how many of
// them are wrappers emitted by the occurrence itself.
func (m *module) occWire(t *asn1.Type, own []asn1.Tag) (all []wireTag, wrappers int) {
	inner, _ := m.calleeWireOf(t, nil)
	all = applyTags(own, inner)
	return all, len(all) - len(inner)
}

// firstTags returns the tags an occurrence can start with; any is true for
// an untagged ANY, which can start with every tag.
func (m *module) firstTags(t *asn1.Type) (tags []wireTag, any bool) {
	all, _ := m.occWire(t, t.Tags)
	if len(all) > 0 {
		return all[:1], false
	}
	base, _ := t.Resolve()
	if base.Kind == asn1.Any {
		return nil, true
	}
	if base.Kind == asn1.Choice {
		for _, f := range base.Fields {
			ft, a := m.firstTags(f.Type)
			if a {
				return nil, true
			}
			tags = append(tags, ft...)
		}
	}
	return tags, false
}

// tagCode renders a wire tag as a der.Tag expression.
func tagCode(t wireTag) jen.Code {
	if t.class == asn1.Universal {
		names := map[uint32]string{
			1: "TagBoolean", 2: "TagInteger", 3: "TagBitString", 4: "TagOctetString", 5: "TagNull",
			6: "TagOID", 10: "TagEnumerated", 12: "TagUTF8String", 19: "TagPrintableString",
			22: "TagIA5String", 23: "TagUTCTime", 24: "TagGeneralizedTime", 28: "TagUniversalString",
		}
		if t.num == 16 && t.cons {
			return jen.Qual(derPkg, "TagSequence")
		}
		if t.num == 17 && t.cons {
			return jen.Qual(derPkg, "TagSet")
		}
		if n, ok := names[t.num]; ok && !t.cons {
			return jen.Qual(derPkg, n)
		}
	}
	class := map[asn1.Class]string{asn1.Universal: "ClassUniversal", asn1.Application: "ClassApplication",
		asn1.Context: "ClassContext", asn1.Private: "ClassPrivate"}[t.class]
	c := jen.Qual(derPkg, class)
	if t.cons {
		c = c.Op("|").Qual(derPkg, "Constructed")
	}
	return c.Op("|").Lit(int(t.num))
}

// tagLess orders tags canonically (X.680 §8.6): class, then number.
func tagLess(a, b wireTag) bool {
	if a.class != b.class {
		return a.class < b.class
	}
	return a.num < b.num
}

// setOrder returns the components of a SET in DER order: sorted by the
// smallest tag each can start with (X.690 §10.3).
func (m *module) setOrder(fields []*field) []*field {
	out := append([]*field(nil), fields...)
	key := func(f *field) wireTag {
		tags, _ := m.firstTags(f.f.Type)
		if len(tags) == 0 {
			return wireTag{class: asn1.Private + 1}
		}
		min := tags[0]
		for _, t := range tags[1:] {
			if tagLess(t, min) {
				min = t
			}
		}
		return min
	}
	sort.SliceStable(out, func(i, j int) bool { return tagLess(key(out[i]), key(out[j])) })
	return out
}

package asn1

import "fmt"

// This file answers questions about tags on resolved types.

// universalTags holds the universal tag number of each kind that has one
// (X.680 §8.4, Table 1).
var universalTags = map[Kind]uint32{
	Boolean:          1,
	Integer:          2,
	BitString:        3,
	OctetString:      4,
	Null:             5,
	ObjectIdentifier: 6,
	ObjectDescriptor: 7,
	Real:             9,
	Enumerated:       10,
	UTF8String:       12,
	RelativeOID:      13,
	Sequence:         16,
	SequenceOf:       16,
	Set:              17,
	SetOf:            17,
	NumericString:    18,
	PrintableString:  19,
	TeletexString:    20,
	VideotexString:   21,
	IA5String:        22,
	UTCTime:          23,
	GeneralizedTime:  24,
	GraphicString:    25,
	VisibleString:    26,
	GeneralString:    27,
	UniversalString:  28,
	BMPString:        30,
}

// UniversalTag returns the universal tag of kind k, with Constructed set
// for SEQUENCE, SET and their OF forms. It reports false for kinds
// without one (CHOICE, ANY, Reference, Invalid).
func UniversalTag(k Kind) (Tag, bool) {
	n, ok := universalTags[k]
	if !ok {
		return Tag{}, false
	}
	c := k == Sequence || k == SequenceOf || k == Set || k == SetOf
	return Tag{Class: Universal, Number: n, Constructed: c}, true
}

// Underlying follows references to the built-in type. It returns the
// last reference when a reference is unresolved.
func (t *Type) Underlying() *Type {
	for n := 0; t != nil && t.Kind == Reference && t.Target != nil && n < maxRefChain; n++ {
		t = t.Target.Type
	}
	return t
}

// EncodingTags returns the tags this occurrence of t puts on the wire,
// outermost first. An explicit tag adds a constructed TLV around what
// follows; an implicit tag replaces the next tag (the next written one
// or the universal tag of the kind) and takes its form. An untagged
// CHOICE or ANY contributes no tag: the tags of a CHOICE occurrence are
// its explicit wrappers only.
func (t *Type) EncodingTags() []Tag {
	u, written := t.Resolve()
	var out []Tag
	if ut, ok := UniversalTag(u.Kind); ok {
		out = append(out, ut)
	}
	for i := len(written) - 1; i >= 0; i-- {
		w := written[i]
		if w.Explicit || len(out) == 0 {
			out = append([]Tag{{Class: w.Class, Number: w.Number, Explicit: true, Constructed: true}}, out...)
			continue
		}
		out[0] = Tag{Class: w.Class, Number: w.Number, Explicit: out[0].Explicit, Constructed: out[0].Constructed}
	}
	return out
}

// outerTags returns the tags a decoder may see first for an occurrence of
// t: the outermost encoding tag, or for an untagged CHOICE the outer tags
// of all its alternatives. open is set when an untagged ANY makes any
// tag possible. A CHOICE met again through recursion adds nothing.
func outerTags(t *Type, seen map[*Type]bool) (tags []Tag, open bool) {
	if enc := t.EncodingTags(); len(enc) > 0 {
		return enc[:1], false
	}
	u := t.Underlying()
	if u == nil || seen[u] {
		return nil, false
	}
	switch u.Kind {
	case Any:
		return nil, true
	case Choice:
		if seen == nil {
			seen = map[*Type]bool{}
		}
		seen[u] = true
		for _, f := range u.Fields {
			ft, fo := outerTags(f.Type, seen)
			tags = append(tags, ft...)
			open = open || fo
		}
	}
	return tags, open
}

// String names the class as in tag notation.
func (c Class) String() string {
	switch c {
	case Universal:
		return "UNIVERSAL"
	case Application:
		return "APPLICATION"
	case Context:
		return "CONTEXT"
	case Private:
		return "PRIVATE"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// String formats the tag in X.680 notation: [0], [APPLICATION 1],
// [UNIVERSAL 16].
func (t Tag) String() string {
	if t.Class == Context {
		return fmt.Sprintf("[%d]", t.Number)
	}
	return fmt.Sprintf("[%s %d]", t.Class, t.Number)
}

var kindNames = map[Kind]string{
	Invalid: "invalid", Reference: "reference", Boolean: "BOOLEAN", Integer: "INTEGER",
	Enumerated: "ENUMERATED", Null: "NULL", OctetString: "OCTET STRING", BitString: "BIT STRING",
	ObjectIdentifier: "OBJECT IDENTIFIER", UTF8String: "UTF8String", UniversalString: "UniversalString",
	IA5String: "IA5String", PrintableString: "PrintableString", UTCTime: "UTCTime",
	GeneralizedTime: "GeneralizedTime", NumericString: "NumericString", VisibleString: "VisibleString",
	TeletexString: "TeletexString", BMPString: "BMPString", GeneralString: "GeneralString",
	GraphicString: "GraphicString", Real: "REAL", Any: "ANY", Sequence: "SEQUENCE", Set: "SET",
	SequenceOf: "SEQUENCE OF", SetOf: "SET OF", Choice: "CHOICE", ObjectDescriptor: "ObjectDescriptor",
	VideotexString: "VideotexString", RelativeOID: "RELATIVE-OID",
}

// String returns the ASN.1 name of the kind (SEQUENCE OF, OCTET STRING).
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

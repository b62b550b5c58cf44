package gen

import (
	"fmt"

	"github.com/chatim/chat/asn1"
	"github.com/dave/jennifer/jen"
)

// dec is the *der.Decoder of generated decoders. There is one per input:
// a constructed element is read by narrowing it in place with Descend and
// widening it back with Ascend, so no cursor is copied.
var dec = jen.Id("d")

// tagRef is a wire tag as generated decoding code knows it: an expression
// of type der.Tag and, when the tag is known at generation time and has
// the low tag number form, its identifier octet, so that the code can try
// the runtime's inlinable fast path for that octet first.
type tagRef struct {
	code  jen.Code
	id    byte
	known bool
}

// tagParam is the tag parameter of a decodeDER method: known only when the
// program runs.
var tagParam = tagRef{code: jen.Id("tag")}

// wireRef returns the tagRef of a tag known at generation time.
func wireRef(w wireTag) tagRef {
	r := tagRef{code: tagCode(w)}
	if w.num < 31 {
		r.id, r.known = identifier(w), true
	}
	return r
}

// identifier is the identifier octet of a low tag number (X.690 §8.1.2.2).
func identifier(w wireTag) byte {
	id := byte(w.class)<<6 | byte(w.num)
	if w.cons {
		id |= 0x20
	}
	return id
}

// idLit renders an identifier octet.
func idLit(id byte) jen.Code { return jen.Op(fmt.Sprintf("%#02x", id)) }

// derTags returns the tags of an occurrence's wire tags, the first replaced
// by outer when given, and the number of wrappers.
func (m *module) derTags(t *asn1.Type, own []asn1.Tag, outer *tagRef) ([]tagRef, int) {
	all, k := m.occWire(t, own)
	tags := make([]tagRef, len(all))
	for i, w := range all {
		tags[i] = wireRef(w)
	}
	if outer != nil && len(tags) > 0 {
		tags[0] = *outer
	}
	return tags, k
}

// try emits reading x with a Try fast path of the runtime and, when it
// declines, the full method, whose error goes to h:
//
//	x, ok := d.TryMethod(id)
//	if !ok {
//		var err error
//		if x, err = d.Method(tag); err != nil { h(err) }
//	}
//
// For a tag without a known identifier octet it emits only the full method.
func try(x, method string, tag tagRef, h onErr) []jen.Code {
	if !tag.known {
		return []jen.Code{
			jen.List(jen.Id(x), jen.Err()).Op(":=").Add(dec).Dot(method).Call(tag.code),
			jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
		}
	}
	return []jen.Code{
		jen.List(jen.Id(x), jen.Id("ok")).Op(":=").Add(dec).Dot("Try" + method).Call(idLit(tag.id)),
		jen.If(jen.Op("!").Id("ok")).Block(
			jen.Var().Err().Error(),
			jen.If(jen.List(jen.Id(x), jen.Err()).Op("=").Add(dec).Dot(method).Call(tag.code), jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
		),
	}
}

// descend emits entering a constructed element with tag and returns the
// name of the der.Outer to give ascend.
func descend(g *fn, tag tagRef, h onErr) (string, []jen.Code) {
	o := g.v("o")
	return o, try(o, "Descend", tag, h)
}

// ascend emits the Ascend that ends the contents entered by descend.
func ascend(o string, h onErr) jen.Code {
	return check(jen.Add(dec).Dot("Ascend").Call(jen.Id(o)), h)
}

// derDecode emits statements decoding the occurrence t from the decoder
// dec into the assignable expression target.
func (m *module) derDecode(g *fn, self *named, t *asn1.Type, own []asn1.Tag, target jen.Code, outer *tagRef, h onErr) []jen.Code {
	tags, k := m.derTags(t, own, outer)
	var out, post []jen.Code
	for i := 0; i < k; i++ {
		o, enter := descend(g, tags[i], h)
		out = append(out, enter...)
		post = append([]jen.Code{ascend(o, h)}, post...)
	}
	tag := tagRef{code: jen.Lit(0)}
	if k < len(tags) {
		tag = tags[k]
	}
	out = append(out, m.derDecodeCallee(g, self, t, target, tag, h)...)
	return append(out, post...)
}

// inlinable reports whether the decoding of the named type n is emitted in
// place of a call to its decodeDER method: a built-in type other than a
// SEQUENCE, SET, CHOICE or list, so that its tag, known where it is used,
// selects the runtime's fast path.
func inlinable(n *named) bool {
	switch n.def.Kind {
	case asn1.Sequence, asn1.Set, asn1.Choice, asn1.SequenceOf, asn1.SetOf, asn1.Reference:
		return false
	}
	return !n.isChoice
}

func (m *module) derDecodeCallee(g *fn, self *named, t *asn1.Type, target jen.Code, tag tagRef, h onErr) []jen.Code {
	if n := m.target(t); n != nil && n != self {
		if n.isChoice {
			return []jen.Code{check(jen.Id("derDecode"+n.goName).Call(dec, jen.Op("&").Add(target), tag.code), h)}
		}
		var out []jen.Code
		// An alias (self.def == t) decodes through a converted pointer,
		// which is not assignable: it calls.
		if inlinable(n) && (self == nil || self.def != t) {
			out = m.derDecode(g, n, n.def, n.ownTags, target, &tag, h)
		} else {
			out = []jen.Code{check(jen.Add(target).Dot("decodeDER").Call(dec, tag.code), h)}
		}
		return append(out, m.constraintCheck(t, target, jen.Add(dec).Dot("Offset").Call(), derPkg, h)...)
	}
	conv := self != nil && self.def == t
	assign := func(x string) jen.Code {
		if conv {
			return jen.Add(target).Op("=").Id(self.goName).Parens(jen.Id(x))
		}
		return jen.Add(target).Op("=").Id(x)
	}
	read := func(method string, args ...jen.Code) []jen.Code {
		x := g.v("x")
		var out []jen.Code
		off := ""
		if t.Constraint != nil || t.Kind == asn1.Enumerated {
			off = g.v("off")
			out = append(out, jen.Id(off).Op(":=").Add(dec).Dot("Offset").Call())
		}
		switch method {
		case "OctetString", "Integer":
			out = append(out, try(x, method, tag, h)...)
		default:
			out = append(out,
				jen.List(jen.Id(x), jen.Err()).Op(":=").Add(dec).Dot(method).Call(args...),
				jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())))
		}
		if t.Kind == asn1.Enumerated {
			out = append(out, m.enumCheck(self, x, off, h))
		}
		out = append(out, m.checkValue(t, jen.Id(x), jen.Id(off), derPkg, h)...)
		return append(out, assign(x))
	}
	switch k := t.Kind; {
	case k == asn1.Sequence || k == asn1.Set:
		return m.derDecodeStruct(g, self, tag, h)
	case k == asn1.Choice:
		return m.derDecodeChoiceBody(g, self, h)
	case k == asn1.SequenceOf || k == asn1.SetOf:
		return m.derDecodeList(g, t, target, tag, h, conv, self)
	case k == asn1.Boolean:
		return read("Boolean", tag.code)
	case k == asn1.Integer || k == asn1.Enumerated:
		return read("Integer", tag.code)
	case k == asn1.Null:
		null := check(jen.Add(dec).Dot("Null").Call(tag.code), h)
		if !tag.known {
			return []jen.Code{null}
		}
		return []jen.Code{jen.If(jen.Op("!").Add(dec).Dot("TryNull").Call(idLit(tag.id))).Block(null)}
	case k == asn1.OctetString:
		return read("OctetString", tag.code)
	case k == asn1.Any:
		return read("Any")
	case k == asn1.BitString:
		return read("BitString", tag.code)
	case k == asn1.ObjectIdentifier:
		return read("OID", tag.code)
	case k == asn1.UTF8String:
		return read("UTF8String", tag.code)
	case k == asn1.IA5String:
		return read("IA5String", tag.code)
	case k == asn1.PrintableString:
		return read("PrintableString", tag.code)
	case k == asn1.UTCTime:
		return read("UTCTime", tag.code)
	case k == asn1.GeneralizedTime:
		return read("GeneralizedTime", tag.code)
	case k == asn1.UniversalString:
		return read("UniversalString", tag.code)
	case isString(k):
		return read("String", tag.code)
	}
	panic(fmt.Sprintf("gen: no DER decoder for kind %d", t.Kind))
}

// enumCheck rejects values that are not items of a non-extensible
// ENUMERATED.
func (m *module) enumCheck(self *named, x, off string, h onErr) jen.Code {
	if self.def.Extensible || len(self.items) == 0 {
		return jen.Null()
	}
	var vals []jen.Code
	for _, it := range self.items {
		vals = append(vals, intLit(it.value))
	}
	return jen.Switch(jen.Id(x)).Block(
		jen.Case(vals...),
		jen.Default().Block(h(jen.Qual(derPkg, "Errorf").Call(jen.Id(off), jen.Qual(derPkg, "ErrUnknownEnum"), jen.Lit("%d"), jen.Id(x)))),
	)
}

// derDecodeStruct emits the decoding of a SEQUENCE or SET body.
func (m *module) derDecodeStruct(g *fn, self *named, tag tagRef, h onErr) []jen.Code {
	o, out := descend(g, tag, h)
	fields := self.fields
	if self.def.Kind == asn1.Set {
		fields = m.setOrder(fields)
	}
	for _, fd := range fields {
		fh := at(derPkg, h, fd.f.Name)
		ft := fd.f.Type
		fieldVal := jen.Id("v").Dot(fd.goName)
		if !fd.f.Optional && fd.f.Default == nil {
			out = append(out, m.derDecode(g, nil, ft, ft.Tags, fieldVal, nil, fh)...)
			continue
		}
		present := m.presentCond(g, ft)
		var body []jen.Code
		var absent jen.Code
		switch {
		case fd.f.Optional && m.isPointer(fd.f) && m.target(ft) != nil:
			into := fieldVal
			if inlinable(m.target(ft)) {
				into = jen.Parens(jen.Op("*").Add(fieldVal))
			}
			body = append([]jen.Code{reusePtr(fieldVal, m.goType(ft, false))},
				m.derDecode(g, nil, ft, ft.Tags, into, nil, fh)...)
			absent = jen.Add(fieldVal).Op("=").Nil()
		case fd.f.Optional && m.isPointer(fd.f):
			x := g.v("x")
			body = append([]jen.Code{jen.Var().Id(x).Add(m.goType(ft, false))},
				m.derDecode(g, nil, ft, ft.Tags, jen.Id(x), nil, fh)...)
			body = append(body, jen.Add(fieldVal).Op("=").Op("&").Id(x))
			absent = jen.Add(fieldVal).Op("=").Nil()
		case fd.f.Optional:
			body = m.derDecode(g, nil, ft, ft.Tags, fieldVal, nil, fh)
			absent = jen.Add(fieldVal).Op("=").Nil()
		default:
			off := g.v("off")
			body = append([]jen.Code{jen.Id(off).Op(":=").Add(dec).Dot("Offset").Call()},
				m.derDecode(g, nil, ft, ft.Tags, fieldVal, nil, fh)...)
			body = append(body, jen.If(m.isDefault(fd, fieldVal)).Block(
				fh(jen.Qual(derPkg, "Errorf").Call(jen.Id(off), jen.Qual(derPkg, "ErrDefaultEncoded"), jen.Lit(valueText(fd.f.Default))))))
			absent = jen.Add(fieldVal).Op("=").Add(m.defaultValue(fd))
		}
		out = append(out, jen.If(present).Block(body...).Else().Block(absent))
	}
	if self.def.Extensible {
		out = append(out, jen.For(jen.Add(dec).Dot("More").Call()).Block(check(jen.Add(dec).Dot("Skip").Call(), h)))
	}
	return append(out, ascend(o, h))
}

// lowIDs returns the identifier octets of tags when every one has the low
// tag number form.
func lowIDs(tags []wireTag) ([]byte, bool) {
	ids := make([]byte, len(tags))
	for i, w := range tags {
		if w.num >= 31 {
			return nil, false
		}
		ids[i] = identifier(w)
	}
	return ids, true
}

// presentCond is the condition under which an OPTIONAL or DEFAULT
// component is present: the next tag is one it can start with. For low
// tag numbers the first identifier octet decides (PeekIdentifier).
func (m *module) presentCond(g *fn, t *asn1.Type) jen.Code {
	tags, any := m.firstTags(t)
	if any || len(tags) == 0 {
		return jen.Add(dec).Dot("More").Call()
	}
	if ids, ok := lowIDs(tags); ok {
		peek := jen.Add(dec).Dot("PeekIdentifier").Call()
		if len(ids) == 1 {
			return jen.Add(peek).Op("==").Add(idLit(ids[0]))
		}
		id := g.v("id")
		var cond *jen.Statement
		for i, b := range ids {
			e := jen.Id(id).Op("==").Add(idLit(b))
			if i == 0 {
				cond = e
			} else {
				cond = cond.Op("||").Add(e)
			}
		}
		return jen.Id(id).Op(":=").Add(peek).Op(";").Add(cond)
	}
	tg := g.v("tg")
	var cond *jen.Statement
	for i, w := range tags {
		e := jen.Id(tg).Op("==").Add(tagCode(w))
		if i == 0 {
			cond = e
		} else {
			cond = cond.Op("||").Add(e)
		}
	}
	if len(tags) > 1 {
		cond = jen.Parens(cond)
	}
	return jen.List(jen.Id(tg), jen.Id("ok")).Op(":=").Add(dec).Dot("PeekTag").Call().Op(";").Id("ok").Op("&&").Add(cond)
}

// derDecodeChoiceBody emits the switch over the alternatives: on the first
// identifier octet when every alternative starts with a low tag number,
// else on the tag.
func (m *module) derDecodeChoiceBody(g *fn, self *named, h onErr) []jen.Code {
	low := true
	for _, fd := range self.fields {
		tags, _ := m.firstTags(fd.f.Type)
		if _, ok := lowIDs(tags); !ok {
			low = false
		}
	}
	var cases []jen.Code
	for _, fd := range self.fields {
		tags, _ := m.firstTags(fd.f.Type)
		var vals []jen.Code
		for _, w := range tags {
			if low {
				vals = append(vals, idLit(identifier(w)))
			} else {
				vals = append(vals, tagCode(w))
			}
		}
		x := g.v("x")
		// Reuse the alternative v holds, and store it only when it is new:
		// storing an unchanged pointer would cost a write barrier.
		body := []jen.Code{
			jen.List(jen.Id(x), jen.Id("_")).Op(":=").Parens(jen.Op("*").Id("v")).Assert(jen.Op("*").Id(fd.wrapper)),
			jen.Id("fresh").Op(":=").Id(x).Op("==").Nil(),
			jen.If(jen.Id("fresh")).Block(jen.Id(x).Op("=").New(jen.Id(fd.wrapper))),
		}
		body = append(body, m.derDecode(g, nil, fd.f.Type, fd.f.Type.Tags, jen.Id(x).Dot("Value"), nil, at(derPkg, h, fd.f.Name))...)
		body = append(body, jen.If(jen.Id("fresh")).Block(jen.Op("*").Id("v").Op("=").Id(x)))
		cases = append(cases, jen.Case(vals...).Block(body...))
	}
	if low {
		cases = append(cases, jen.Default().Block(h(jen.Id("derChoiceError").Call(dec))))
		return []jen.Code{jen.Switch(jen.Add(dec).Dot("PeekIdentifier").Call()).Block(cases...)}
	}
	tg := g.v("tg")
	cases = append(cases, jen.Default().Block(
		h(jen.Qual(derPkg, "Errorf").Call(jen.Add(dec).Dot("Offset").Call(), jen.Qual(derPkg, "ErrUnknownChoice"), jen.Lit("%v"), jen.Id(tg)))))
	return []jen.Code{
		jen.List(jen.Id(tg), jen.Id("ok")).Op(":=").Add(dec).Dot("PeekTag").Call(),
		jen.If(jen.Op("!").Id("ok")).Block(h(jen.Id("derPeekError").Call(dec))),
		jen.Switch(jen.Id(tg)).Block(cases...),
	}
}

// derDecodeList emits a SEQUENCE OF or SET OF.
func (m *module) derDecodeList(g *fn, t *asn1.Type, target jen.Code, tag tagRef, h onErr, conv bool, self *named) []jen.Code {
	if t.Kind == asn1.SetOf {
		return m.derDecodeSetOf(g, t, target, tag, h, conv, self)
	}
	return m.derDecodeSequenceOf(g, t, target, tag, h)
}

// derDecodeSequenceOf emits a SEQUENCE OF decoded in one pass into the
// capacity the target already has. Only when that runs out does Count
// find how many elements remain, so that the slice is allocated once,
// with the right length; a value decoded into again allocates nothing.
// An element that fails to decode reports the error derListError picks,
// the one a counting pass ahead of decoding would have found first.
func (m *module) derDecodeSequenceOf(g *fn, t *asn1.Type, target jen.Code, tag tagRef, h onErr) []jen.Code {
	o, out := descend(g, tag, h)
	l, i, n := g.v("l"), g.v("i"), g.v("n")
	eh := func(err jen.Code) jen.Code {
		return h(jen.Id("derListError").Call(jen.Op("&").Id(l), err, jen.Id(i)))
	}
	elem := m.derDecode(g, nil, t.Elem, t.Elem.Tags, jen.Add(target).Index(jen.Id(i)), nil, eh)
	grow := jen.If(jen.Id(i).Op("==").Len(target)).Block(
		jen.List(jen.Id(n), jen.Err()).Op(":=").Add(dec).Dot("Count").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Qual(derPkg, "AtIndex").Call(jen.Err(), jen.Id(i).Op("+").Id(n)))),
		jen.Add(target).Op("=").Id("derGrow").Call(target, jen.Id(i), jen.Id(n)),
	)
	out = append(out,
		jen.Id(l).Op(":=").Op("*").Add(dec),
		// Reslicing a value to itself changes only its length: no write barrier.
		jen.Add(target).Op("=").Add(target).Index(jen.Empty(), jen.Cap(target)),
		jen.Id(i).Op(":=").Lit(0),
		jen.For(jen.Op(";").Add(dec).Dot("More").Call().Op(";").Id(i).Op("++")).Block(append([]jen.Code{grow}, elem...)...),
		jen.If(jen.Id(i).Op("==").Lit(0)).Block(
			// Storing nil over nil would cost a write barrier too.
			jen.If(jen.Add(target).Op("!=").Nil()).Block(jen.Add(target).Op("=").Nil()),
		).Else().Block(
			jen.Add(target).Op("=").Add(target).Index(jen.Empty(), jen.Id(i)),
		),
		ascend(o, h),
	)
	return append(out, m.checkSize(t, target, jen.Add(dec).Dot("Offset").Call(), derPkg, h)...)
}

// derDecodeSetOf emits a SET OF: CountOrdered first finds the number of
// elements and checks their DER order, so the slice is allocated at most
// once, with the right length.
func (m *module) derDecodeSetOf(g *fn, t *asn1.Type, target jen.Code, tag tagRef, h onErr, conv bool, self *named) []jen.Code {
	n, s, i := g.v("n"), g.v("s"), g.v("i")
	var sliceType jen.Code = jen.Index().Add(m.goType(t.Elem, false))
	if conv {
		sliceType = jen.Id(self.goName)
	}
	o, out := descend(g, tag, h)
	elem := m.derDecode(g, nil, t.Elem, t.Elem.Tags, jen.Id(s).Index(jen.Id(i)), nil, atIndex(derPkg, h, i))
	out = append(out,
		jen.List(jen.Id(n), jen.Err()).Op(":=").Add(dec).Dot("CountOrdered").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Qual(derPkg, "AtIndex").Call(jen.Err(), jen.Id(n)))),
		jen.If(jen.Id(n).Op("==").Lit(0)).Block(jen.Add(target).Op("=").Nil()).Else().Block(append(reuseSlice(s, n, target, sliceType),
			jen.For(jen.Id(i).Op(":=").Range().Id(s)).Block(elem...),
			jen.Add(target).Op("=").Id(s))...),
		ascend(o, h),
	)
	return append(out, m.checkSize(t, target, jen.Add(dec).Dot("Offset").Call(), derPkg, h)...)
}

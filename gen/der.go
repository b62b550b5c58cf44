package gen

import (
	"fmt"

	"github.com/chatim/chat/asn1"
	"github.com/dave/jennifer/jen"
)

// genDER emits the DER codec of every named type.
func (m *module) genDER(f *jen.File) error {
	for _, n := range m.types {
		if n.isChoice {
			m.genDERChoice(f, n)
		} else {
			m.genDERType(f, n)
		}
	}
	m.genDERHelpers(f)
	return nil
}

// recv is the receiver type of the public methods of n.
func (m *module) recv(n *named) string {
	if n.isChoice {
		return n.boxName
	}
	return n.goName
}

// outerTag is the default outermost wire tag of n (0 for an untagged CHOICE).
func outerTag(n *named) jen.Code {
	if len(n.wire) == 0 {
		return jen.Lit(0)
	}
	return tagCode(n.wire[0])
}

// onErr builds the statement that leaves a function with an error.
type onErr func(err jen.Code) jen.Code

func returnErr(err jen.Code) jen.Code { return jen.Return(err) }

// at wraps an error handler so that errors get a path segment first.
func at(pkg string, h onErr, segment string) onErr {
	return func(err jen.Code) jen.Code { return h(jen.Qual(pkg, "At").Call(err, jen.Lit(segment))) }
}

func atIndex(pkg string, h onErr, i string) onErr {
	return func(err jen.Code) jen.Code { return h(jen.Qual(pkg, "AtIndex").Call(err, jen.Id(i))) }
}

// check emits `if err := call; err != nil { h(err) }`.
func check(call jen.Code, h onErr) jen.Code {
	return jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(h(jen.Err()))
}

// genDERPublic emits AppendDER, MarshalDER and UnmarshalDER.
func (m *module) genDERPublic(f *jen.File, n *named, appendCall, decodeCall func(tag jen.Code) jen.Code) {
	r := m.recv(n)
	f.Comment(docf("AppendDER appends the DER encoding of v to b."))
	f.Func().Params(jen.Id("v").Op("*").Id(r)).Id("AppendDER").Params(jen.Id("b").Index().Byte()).Index().Byte().Block(
		jen.Return(appendCall(outerTag(n))),
	)
	f.Line()
	f.Comment(docf("MarshalDER returns the DER encoding of v."))
	f.Func().Params(jen.Id("v").Op("*").Id(r)).Id("MarshalDER").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Id("v").Dot("AppendDER").Call(jen.Nil()), jen.Nil()),
	)
	f.Line()
	f.Comment(docf("UnmarshalDER decodes exactly one DER encoded %s from data into v.\n// It copies data once; byte slices in v alias that copy. Like\n// encoding/json, it reuses the slices, pointers and CHOICE alternatives v\n// already holds, so decoding many inputs into one value allocates only\n// the copies; decode into a zero value to keep an earlier result.", n.asn1Name))
	f.Func().Params(jen.Id("v").Op("*").Id(r)).Id("UnmarshalDER").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Id("buf").Op(":=").Make(jen.Index().Byte(), jen.Len(jen.Id("data"))),
		jen.Copy(jen.Id("buf"), jen.Id("data")),
		jen.Id("d").Op(":=").Qual(derPkg, "NewDecoder").Call(jen.Id("buf"), jen.Qual(derPkg, "Limits").Values()),
		jen.If(jen.Err().Op(":=").Add(decodeCall(outerTag(n))), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual(derPkg, "At").Call(jen.Err(), jen.Lit(n.asn1Name))),
		),
		jen.Return(jen.Qual(derPkg, "At").Call(jen.Id("d").Dot("Finish").Call(), jen.Lit(n.asn1Name))),
	)
	f.Line()
}

// genDERType emits the DER codec of a non-CHOICE named type.
func (m *module) genDERType(f *jen.File, n *named) {
	m.genDERPublic(f, n,
		func(tag jen.Code) jen.Code { return jen.Id("v").Dot("appendDER").Call(jen.Id("b"), tag) },
		func(tag jen.Code) jen.Code { return jen.Id("v").Dot("decodeDER").Call(jen.Op("&").Id("d"), tag) })

	g := &fn{}
	body := m.derAppend(g, n, n.def, n.ownTags, m.selfExpr(n), jen.Id("tag"))
	body = append(body, jen.Return(jen.Id("b")))
	f.Func().Params(jen.Id("v").Op("*").Id(n.goName)).Id("appendDER").Params(jen.Id("b").Index().Byte(), jen.Id("tag").Qual(derPkg, "Tag")).Index().Byte().Block(body...)
	f.Line()

	g = &fn{}
	dbody := m.derDecode(g, n, n.def, n.ownTags, dref("d"), m.selfExpr(n), jen.Id("tag"), returnErr)
	dbody = append(dbody, jen.Return(jen.Nil()))
	f.Func().Params(jen.Id("v").Op("*").Id(n.goName)).Id("decodeDER").Params(jen.Id("d").Op("*").Qual(derPkg, "Decoder"), jen.Id("tag").Qual(derPkg, "Tag")).Error().Block(dbody...)
	f.Line()
}

// selfExpr is the expression of the receiver's value in n's methods.
func (m *module) selfExpr(n *named) jen.Code {
	switch n.def.Kind {
	case asn1.Sequence, asn1.Set:
		return jen.Id("v")
	case asn1.Reference:
		return jen.Parens(jen.Op("*").Id(m.target(n.def).goName)).Parens(jen.Id("v"))
	case asn1.SequenceOf, asn1.SetOf:
		return jen.Parens(jen.Op("*").Id("v"))
	}
	return jen.Op("*").Id("v")
}

// genDERChoice emits the DER codec of a CHOICE: package functions over the
// interface, and the public methods of its registry holder.
func (m *module) genDERChoice(f *jen.File, n *named) {
	if n.boxName != "" {
		m.genDERPublic(f, n,
			func(tag jen.Code) jen.Code {
				return jen.Id("derAppend"+n.goName).Call(jen.Id("b"), jen.Id("v").Dot("Value"), tag)
			},
			func(tag jen.Code) jen.Code {
				return jen.Id("derDecode"+n.goName).Call(jen.Op("&").Id("d"), jen.Op("&").Id("v").Dot("Value"), tag)
			})
	}
	g := &fn{}
	body := m.derAppend(g, n, n.def, n.ownTags, jen.Id("v"), jen.Id("tag"))
	body = append(body, jen.Return(jen.Id("b")))
	f.Func().Id("derAppend"+n.goName).Params(jen.Id("b").Index().Byte(), jen.Id("v").Id(n.goName), jen.Id("tag").Qual(derPkg, "Tag")).Index().Byte().Block(body...)
	f.Line()
	g = &fn{}
	dbody := m.derDecode(g, n, n.def, n.ownTags, dref("d"), jen.Op("*").Id("v"), jen.Id("tag"), returnErr)
	dbody = append(dbody, jen.Return(jen.Nil()))
	f.Func().Id("derDecode"+n.goName).Params(jen.Id("d").Op("*").Qual(derPkg, "Decoder"), jen.Id("v").Op("*").Id(n.goName), jen.Id("tag").Qual(derPkg, "Tag")).Error().Block(dbody...)
	f.Line()
}

// wireTags returns the tag expressions of an occurrence's wire tags, the
// first replaced by outer when given, and the number of wrappers.
func (m *module) wireTags(t *asn1.Type, own []asn1.Tag, outer jen.Code) ([]jen.Code, int) {
	all, k := m.occWire(t, own)
	tags := make([]jen.Code, len(all))
	for i, w := range all {
		tags[i] = tagCode(w)
	}
	if outer != nil && len(tags) > 0 {
		tags[0] = outer
	}
	return tags, k
}

// derAppend emits statements appending the occurrence t, whose Go value is
// expr, to b. self is the named type whose method is being emitted: its
// definition is coded inline rather than by calling itself.
func (m *module) derAppend(g *fn, self *named, t *asn1.Type, own []asn1.Tag, expr jen.Code, outer jen.Code) []jen.Code {
	tags, k := m.wireTags(t, own, outer)
	var out, post []jen.Code
	for i := 0; i < k; i++ {
		w := g.v("w")
		out = append(out,
			jen.Var().Id(w).Int(),
			jen.List(jen.Id("b"), jen.Id(w)).Op("=").Qual(derPkg, "Begin").Call(jen.Id("b"), tags[i]))
		post = append([]jen.Code{jen.Id("b").Op("=").Qual(derPkg, "End").Call(jen.Id("b"), jen.Id(w))}, post...)
	}
	var tag jen.Code = jen.Lit(0)
	if k < len(tags) {
		tag = tags[k]
	}
	out = append(out, m.derAppendCallee(g, self, t, expr, tag)...)
	return append(out, post...)
}

// convert wraps expr in a conversion to the built-in Go type of kind k
// when expr has a named type (inside that type's own methods).
func convert(conv bool, k asn1.Kind, expr jen.Code) jen.Code {
	if !conv {
		return expr
	}
	return jen.Parens(builtinType(k)).Parens(expr)
}

func (m *module) derAppendCallee(g *fn, self *named, t *asn1.Type, expr jen.Code, tag jen.Code) []jen.Code {
	if n := m.target(t); n != nil && n != self {
		if n.isChoice {
			return []jen.Code{jen.Id("b").Op("=").Id("derAppend"+n.goName).Call(jen.Id("b"), expr, tag)}
		}
		return []jen.Code{jen.Id("b").Op("=").Add(expr).Dot("appendDER").Call(jen.Id("b"), tag)}
	}
	conv := self != nil && self.def == t
	call := func(name string, args ...jen.Code) []jen.Code {
		return []jen.Code{jen.Id("b").Op("=").Qual(derPkg, name).Call(append([]jen.Code{jen.Id("b"), tag}, args...)...)}
	}
	val := convert(conv, t.Kind, expr)
	switch k := t.Kind; {
	case k == asn1.Sequence || k == asn1.Set:
		return m.derAppendStruct(g, self, tag)
	case k == asn1.Choice:
		return m.derAppendChoiceBody(g, self)
	case k == asn1.SequenceOf || k == asn1.SetOf:
		return m.derAppendList(g, t, expr, tag)
	case k == asn1.Boolean:
		return call("AppendBoolean", val)
	case k == asn1.Integer || k == asn1.Enumerated:
		return call("AppendInteger", convert(true, k, expr))
	case k == asn1.Null:
		return call("AppendNull")
	case k == asn1.OctetString:
		return call("AppendOctetString", val)
	case k == asn1.Any:
		return []jen.Code{jen.Id("b").Op("=").Append(jen.Id("b"), jen.Add(val).Op("..."))}
	case k == asn1.BitString:
		return call("AppendBitString", val)
	case k == asn1.ObjectIdentifier:
		return call("AppendOID", val)
	case k == asn1.UniversalString:
		return call("AppendUniversalString", val)
	case isString(k):
		return call("AppendString", val)
	}
	panic(fmt.Sprintf("gen: no DER encoder for kind %d", t.Kind))
}

// fieldExpr returns the expression of a component's value for coding:
// optional pointers to built-in values and lists are dereferenced.
func (m *module) fieldExpr(base jen.Code, fd *field) jen.Code {
	e := jen.Add(base).Dot(fd.goName)
	if m.isPointer(fd.f) && m.target(fd.f.Type) == nil {
		return jen.Parens(jen.Op("*").Add(e))
	}
	return e
}

// derAppendStruct emits the TLV of a SEQUENCE or SET.
func (m *module) derAppendStruct(g *fn, self *named, tag jen.Code) []jen.Code {
	w := g.v("w")
	out := []jen.Code{
		jen.Var().Id(w).Int(),
		jen.List(jen.Id("b"), jen.Id(w)).Op("=").Qual(derPkg, "Begin").Call(jen.Id("b"), tag),
	}
	fields := self.fields
	if self.def.Kind == asn1.Set {
		fields = m.setOrder(fields)
	}
	for _, fd := range fields {
		enc := m.derAppend(g, nil, fd.f.Type, fd.f.Type.Tags, m.fieldExpr(jen.Id("v"), fd), nil)
		switch {
		case fd.f.Optional:
			out = append(out, jen.If(jen.Id("v").Dot(fd.goName).Op("!=").Nil()).Block(enc...))
		case fd.f.Default != nil:
			out = append(out, jen.If(m.notDefault(fd, jen.Id("v").Dot(fd.goName))).Block(enc...))
		default:
			out = append(out, enc...)
		}
	}
	return append(out, jen.Id("b").Op("=").Qual(derPkg, "End").Call(jen.Id("b"), jen.Id(w)))
}

// derAppendChoiceBody emits the type switch over the alternatives.
func (m *module) derAppendChoiceBody(g *fn, self *named) []jen.Code {
	var cases []jen.Code
	for _, fd := range self.fields {
		enc := m.derAppend(g, nil, fd.f.Type, fd.f.Type.Tags, jen.Id("x").Dot("Value"), nil)
		cases = append(cases, jen.Case(jen.Op("*").Id(fd.wrapper)).Block(enc...))
	}
	sw := jen.Switch(jen.Id("x").Op(":=").Id("v").Assert(jen.Type())).Block(cases...)
	if allUnused(self.fields, m) {
		sw = jen.Switch(jen.Id("v").Assert(jen.Type())).Block(cases...)
	}
	return []jen.Code{sw}
}

// allUnused reports whether no alternative's encoder uses its value (all
// NULL), so the type switch must not bind a variable.
func allUnused(fields []*field, m *module) bool {
	for _, fd := range fields {
		if m.target(fd.f.Type) != nil || fd.f.Type.Kind != asn1.Null {
			return false
		}
	}
	return true
}

// derAppendList emits a SEQUENCE OF or SET OF.
func (m *module) derAppendList(g *fn, t *asn1.Type, expr jen.Code, tag jen.Code) []jen.Code {
	w := g.v("w")
	i := g.v("i")
	elem := m.derAppend(g, nil, t.Elem, t.Elem.Tags, jen.Add(expr).Index(jen.Id(i)), nil)
	out := []jen.Code{
		jen.Var().Id(w).Int(),
		jen.List(jen.Id("b"), jen.Id(w)).Op("=").Qual(derPkg, "Begin").Call(jen.Id("b"), tag),
	}
	if t.Kind == asn1.SetOf {
		offs := g.v("offs")
		out = append(out,
			jen.Id(offs).Op(":=").Make(jen.Index().Int(), jen.Lit(0), jen.Len(expr)),
			jen.For(jen.Id(i).Op(":=").Range().Add(expr)).Block(
				append([]jen.Code{jen.Id(offs).Op("=").Append(jen.Id(offs), jen.Len(jen.Id("b")))}, elem...)...),
			jen.Id("b").Op("=").Id("derSortSetOf").Call(jen.Id("b"), jen.Id(offs)),
		)
	} else {
		out = append(out, jen.For(jen.Id(i).Op(":=").Range().Add(expr)).Block(elem...))
	}
	return append(out, jen.Id("b").Op("=").Qual(derPkg, "End").Call(jen.Id("b"), jen.Id(w)))
}

// derDecode emits statements decoding the occurrence t from the decoder
// dec (a *der.Decoder expression) into the assignable expression target.
func (m *module) derDecode(g *fn, self *named, t *asn1.Type, own []asn1.Tag, dec dref, target jen.Code, outer jen.Code, h onErr) []jen.Code {
	tags, k := m.wireTags(t, own, outer)
	var out, post []jen.Code
	cur := dec
	for i := 0; i < k; i++ {
		d := g.v("d")
		out = append(out,
			jen.List(jen.Id(d), jen.Err()).Op(":=").Add(cur.call()).Dot("Enter").Call(tags[i]),
			jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())))
		post = append([]jen.Code{check(jen.Id(d).Dot("Finish").Call(), h)}, post...)
		cur = dref(d)
	}
	var tag jen.Code = jen.Lit(0)
	if k < len(tags) {
		tag = tags[k]
	}
	out = append(out, m.derDecodeCallee(g, self, t, cur, target, tag, h)...)
	return append(out, post...)
}

func (m *module) derDecodeCallee(g *fn, self *named, t *asn1.Type, dec dref, target, tag jen.Code, h onErr) []jen.Code {
	if n := m.target(t); n != nil && n != self {
		if n.isChoice {
			return []jen.Code{check(jen.Id("derDecode"+n.goName).Call(dec.ptr(), jen.Op("&").Add(target), tag), h)}
		}
		out := []jen.Code{check(jen.Add(target).Dot("decodeDER").Call(dec.ptr(), tag), h)}
		return append(out, m.constraintCheck(t, target, dec.call().Dot("Offset").Call(), derPkg, h)...)
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
			out = append(out, jen.Id(off).Op(":=").Add(dec.call()).Dot("Offset").Call())
		}
		out = append(out,
			jen.List(jen.Id(x), jen.Err()).Op(":=").Add(dec.call()).Dot(method).Call(args...),
			jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())))
		if t.Kind == asn1.Enumerated {
			out = append(out, m.enumCheck(self, x, off, h))
		}
		out = append(out, m.checkValue(t, jen.Id(x), jen.Id(off), derPkg, h)...)
		return append(out, assign(x))
	}
	switch k := t.Kind; {
	case k == asn1.Sequence || k == asn1.Set:
		return m.derDecodeStruct(g, self, dec, tag, h)
	case k == asn1.Choice:
		return m.derDecodeChoiceBody(g, self, dec, h)
	case k == asn1.SequenceOf || k == asn1.SetOf:
		return m.derDecodeList(g, t, dec, target, tag, h, conv, self)
	case k == asn1.Boolean:
		return read("Boolean", tag)
	case k == asn1.Integer || k == asn1.Enumerated:
		return read("Integer", tag)
	case k == asn1.Null:
		return []jen.Code{check(dec.call().Dot("Null").Call(tag), h)}
	case k == asn1.OctetString:
		return read("OctetString", tag)
	case k == asn1.Any:
		return read("Any")
	case k == asn1.BitString:
		return read("BitString", tag)
	case k == asn1.ObjectIdentifier:
		return read("OID", tag)
	case k == asn1.UTF8String:
		return read("UTF8String", tag)
	case k == asn1.IA5String:
		return read("IA5String", tag)
	case k == asn1.PrintableString:
		return read("PrintableString", tag)
	case k == asn1.UTCTime:
		return read("UTCTime", tag)
	case k == asn1.GeneralizedTime:
		return read("GeneralizedTime", tag)
	case k == asn1.UniversalString:
		return read("UniversalString", tag)
	case isString(k):
		return read("String", tag)
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
func (m *module) derDecodeStruct(g *fn, self *named, dec dref, tag jen.Code, h onErr) []jen.Code {
	c := g.v("c")
	out := []jen.Code{
		jen.List(jen.Id(c), jen.Err()).Op(":=").Add(dec.call()).Dot("Enter").Call(tag),
		jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
	}
	cd := dref(c)
	fields := self.fields
	if self.def.Kind == asn1.Set {
		fields = m.setOrder(fields)
	}
	for _, fd := range fields {
		fh := at(derPkg, h, fd.f.Name)
		ft := fd.f.Type
		fieldVal := jen.Id("v").Dot(fd.goName)
		if !fd.f.Optional && fd.f.Default == nil {
			out = append(out, m.derDecode(g, nil, ft, ft.Tags, cd, fieldVal, nil, fh)...)
			continue
		}
		present := m.presentCond(g, c, ft)
		var dec []jen.Code
		var absent jen.Code
		switch {
		case fd.f.Optional && m.isPointer(fd.f) && m.target(ft) != nil:
			dec = append([]jen.Code{reusePtr(fieldVal, m.goType(ft, false))},
				m.derDecode(g, nil, ft, ft.Tags, cd, fieldVal, nil, fh)...)
			absent = jen.Add(fieldVal).Op("=").Nil()
		case fd.f.Optional && m.isPointer(fd.f):
			x := g.v("x")
			dec = append([]jen.Code{jen.Var().Id(x).Add(m.goType(ft, false))},
				m.derDecode(g, nil, ft, ft.Tags, cd, jen.Id(x), nil, fh)...)
			dec = append(dec, jen.Add(fieldVal).Op("=").Op("&").Id(x))
			absent = jen.Add(fieldVal).Op("=").Nil()
		case fd.f.Optional:
			dec = m.derDecode(g, nil, ft, ft.Tags, cd, fieldVal, nil, fh)
			absent = jen.Add(fieldVal).Op("=").Nil()
		default:
			off := g.v("off")
			dec = append([]jen.Code{jen.Id(off).Op(":=").Id(c).Dot("Offset").Call()},
				m.derDecode(g, nil, ft, ft.Tags, cd, fieldVal, nil, fh)...)
			dec = append(dec, jen.If(m.isDefault(fd, fieldVal)).Block(
				fh(jen.Qual(derPkg, "Errorf").Call(jen.Id(off), jen.Qual(derPkg, "ErrDefaultEncoded"), jen.Lit(valueText(fd.f.Default))))))
			absent = jen.Add(fieldVal).Op("=").Add(m.defaultValue(fd))
		}
		out = append(out, jen.If(present).Block(dec...).Else().Block(absent))
	}
	if self.def.Extensible {
		out = append(out, jen.For(jen.Id(c).Dot("More").Call()).Block(check(jen.Id(c).Dot("Skip").Call(), h)))
	}
	return append(out, check(jen.Id(c).Dot("Finish").Call(), h))
}

// presentCond is the condition under which an OPTIONAL or DEFAULT
// component is present: the next tag is one it can start with.
func (m *module) presentCond(g *fn, c string, t *asn1.Type) jen.Code {
	tags, any := m.firstTags(t)
	if any || len(tags) == 0 {
		return jen.Id(c).Dot("More").Call()
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
	return jen.List(jen.Id(tg), jen.Id("ok")).Op(":=").Id(c).Dot("PeekTag").Call().Op(";").Id("ok").Op("&&").Add(cond)
}

// derDecodeChoiceBody emits the tag switch over the alternatives.
func (m *module) derDecodeChoiceBody(g *fn, self *named, dec dref, h onErr) []jen.Code {
	var cases []jen.Code
	for _, fd := range self.fields {
		tags, _ := m.firstTags(fd.f.Type)
		var vals []jen.Code
		for _, w := range tags {
			vals = append(vals, tagCode(w))
		}
		x := g.v("x")
		body := reuseAlt(x, fd.wrapper)
		body = append(body, m.derDecode(g, nil, fd.f.Type, fd.f.Type.Tags, dec, jen.Id(x).Dot("Value"), nil, at(derPkg, h, fd.f.Name))...)
		body = append(body, jen.Op("*").Id("v").Op("=").Id(x))
		cases = append(cases, jen.Case(vals...).Block(body...))
	}
	tg := g.v("tg")
	cases = append(cases, jen.Default().Block(
		h(jen.Qual(derPkg, "Errorf").Call(dec.call().Dot("Offset").Call(), jen.Qual(derPkg, "ErrUnknownChoice"), jen.Lit("%v"), jen.Id(tg)))))
	return []jen.Code{
		jen.List(jen.Id(tg), jen.Id("ok")).Op(":=").Add(dec.call()).Dot("PeekTag").Call(),
		jen.If(jen.Op("!").Id("ok")).Block(h(jen.Id("derPeekError").Call(dec.ptr()))),
		jen.Switch(jen.Id(tg)).Block(cases...),
	}
}

// derDecodeList emits a SEQUENCE OF or SET OF: one pass counts the
// elements, so the slice is allocated at most once, with the right length.
func (m *module) derDecodeList(g *fn, t *asn1.Type, dec dref, target, tag jen.Code, h onErr, conv bool, self *named) []jen.Code {
	l, n, c, s, i := g.v("l"), g.v("n"), g.v("c"), g.v("s"), g.v("i")
	var sliceType jen.Code = jen.Index().Add(m.goType(t.Elem, false))
	if conv {
		sliceType = jen.Id(self.goName)
	}
	eh := atIndex(derPkg, h, i)
	elem := m.derDecode(g, nil, t.Elem, t.Elem.Tags, dref(l), jen.Id(s).Index(jen.Id(i)), nil, eh)
	var zero jen.Code = jen.Add(target).Op("=").Nil()
	out := []jen.Code{
		jen.List(jen.Id(l), jen.Err()).Op(":=").Add(dec.call()).Dot("Enter").Call(tag),
		jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
		jen.Id(n).Op(":=").Lit(0),
	}
	if t.Kind == asn1.SetOf {
		// The counting pass also checks the DER order of the elements.
		p := g.v("p")
		out = append(out,
			jen.Var().Id(p).Index().Byte(),
			jen.For(jen.Id(c).Op(":=").Id(l).Op(";").Id(c).Dot("More").Call().Op(";").Id(n).Op("++")).Block(
				jen.Var().Id("serr").Error(),
				jen.If(jen.List(jen.Id(p), jen.Id("serr")).Op("=").Id(c).Dot("SkipOrdered").Call(jen.Id(p)), jen.Id("serr").Op("!=").Nil()).Block(
					h(jen.Qual(derPkg, "AtIndex").Call(jen.Id("serr"), jen.Id(n))))))
	} else {
		out = append(out,
			jen.For(jen.Id(c).Op(":=").Id(l).Op(";").Id(c).Dot("More").Call().Op(";").Id(n).Op("++")).Block(
				jen.If(jen.Err().Op(":=").Id(c).Dot("Skip").Call(), jen.Err().Op("!=").Nil()).Block(
					h(jen.Qual(derPkg, "AtIndex").Call(jen.Err(), jen.Id(n))))))
	}
	out = append(out,
		jen.If(jen.Id(n).Op("==").Lit(0)).Block(zero).Else().Block(append(reuseSlice(s, n, target, sliceType),
			jen.For(jen.Id(i).Op(":=").Range().Id(s)).Block(elem...),
			jen.Add(target).Op("=").Id(s))...),
		check(jen.Id(l).Dot("Finish").Call(), h),
	)
	return append(out, m.checkSize(t, target, dec.call().Dot("Offset").Call(), derPkg, h)...)
}

// constraintCheck checks the constraint written on a reference occurrence.
func (m *module) constraintCheck(t *asn1.Type, target, off jen.Code, pkg string, h onErr) []jen.Code {
	if t.Constraint == nil {
		return nil
	}
	return m.checkValue(t, target, off, pkg, h)
}

// dref names a der.Decoder in generated code: "d" is the *der.Decoder
// parameter, any other name a local der.Decoder value.
type dref string

// call is the receiver expression for method calls.
func (d dref) call() *jen.Statement { return jen.Id(string(d)) }

// ptr is the *der.Decoder expression.
func (d dref) ptr() *jen.Statement {
	if d == "d" {
		return jen.Id("d")
	}
	return jen.Op("&").Id(string(d))
}

// checkValue emits the check of a simple constraint on a decoded value.
func (m *module) checkValue(t *asn1.Type, x jen.Code, off jen.Code, pkg string, h onErr) []jen.Code {
	errConstraint := constraintErr(pkg)
	c := t.Constraint
	if c == nil || (c.Min == nil && c.Max == nil) {
		return nil
	}
	if c.Size {
		return m.checkSize(t, x, off, pkg, h)
	}
	switch baseKind(t) {
	case asn1.Integer:
	default:
		return nil
	}
	cond := rangeCond(x, c)
	return []jen.Code{jen.If(cond).Block(h(jen.Qual(pkg, "Errorf").Call(off, errConstraint, jen.Lit("%d not in "+c.Text), jen.Id("int64").Call(x))))}
}

// checkSize emits the check of a SIZE constraint.
func (m *module) checkSize(t *asn1.Type, x jen.Code, off jen.Code, pkg string, h onErr) []jen.Code {
	errConstraint := constraintErr(pkg)
	c := t.Constraint
	if c == nil || !c.Size || (c.Min == nil && c.Max == nil) {
		return nil
	}
	var size jen.Code
	switch k := baseKind(t); {
	case k == asn1.OctetString || k == asn1.SequenceOf || k == asn1.SetOf || k == asn1.IA5String || k == asn1.PrintableString ||
		k == asn1.NumericString || k == asn1.VisibleString:
		size = jen.Len(x)
	case k == asn1.BitString:
		size = jen.Add(x).Dot("Length")
	case isString(k):
		size = jen.Qual("unicode/utf8", "RuneCountInString").Call(jen.String().Parens(x))
	default:
		return nil
	}
	return []jen.Code{jen.If(rangeCond(size, c)).Block(h(jen.Qual(pkg, "Errorf").Call(off, errConstraint, jen.Lit("size %d not in "+c.Text), size)))}
}

// constraintErr is the sentinel for a constraint violation: the etf
// runtime has none, so a value outside its constraint is an unexpected term.
func constraintErr(pkg string) jen.Code {
	if pkg == etfPkg {
		return jen.Qual(etfPkg, "ErrUnexpectedTerm")
	}
	return jen.Qual(pkg, "ErrConstraint")
}

func rangeCond(x jen.Code, c *asn1.Constraint) jen.Code {
	var cond *jen.Statement
	if c.Min != nil {
		cond = jen.Add(x).Op("<").Lit(int(*c.Min))
	}
	if c.Max != nil {
		e := jen.Add(x).Op(">").Lit(int(*c.Max))
		if cond == nil {
			cond = e
		} else {
			cond = cond.Op("||").Add(e)
		}
	}
	return cond
}

// genDERHelpers emits the package helpers the DER code uses.
func (m *module) genDERHelpers(f *jen.File) {
	f.Comment(docf("derPeekError explains why no tag could be read at d."))
	f.Func().Id("derPeekError").Params(jen.Id("d").Op("*").Qual(derPkg, "Decoder")).Error().Block(
		jen.If(jen.Op("!").Id("d").Dot("More").Call()).Block(
			jen.Return(jen.Qual(derPkg, "Errorf").Call(jen.Id("d").Dot("Offset").Call(), jen.Qual(derPkg, "ErrMissing"), jen.Lit("")))),
		jen.If(jen.Err().Op(":=").Id("d").Dot("Skip").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(jen.Qual(derPkg, "Errorf").Call(jen.Id("d").Dot("Offset").Call(), jen.Qual(derPkg, "ErrUnexpectedTag"), jen.Lit(""))),
	)
	if m.usesSetOf() {
		f.Line()
		f.Comment(docf("derSortSetOf sorts the elements of a SET OF, which start at the\n// offsets offs of b and end at len(b), by their encodings (X.690 §11.6)."))
		f.Func().Id("derSortSetOf").Params(jen.Id("b").Index().Byte(), jen.Id("offs").Index().Int()).Index().Byte().Block(
			jen.If(jen.Len(jen.Id("offs")).Op("<").Lit(2)).Block(jen.Return(jen.Id("b"))),
			jen.Id("start").Op(":=").Id("offs").Index(jen.Lit(0)),
			jen.Id("elems").Op(":=").Make(jen.Index().Index().Byte(), jen.Len(jen.Id("offs"))),
			jen.For(jen.List(jen.Id("i"), jen.Id("o")).Op(":=").Range().Id("offs")).Block(
				jen.Id("end").Op(":=").Len(jen.Id("b")),
				jen.If(jen.Id("i").Op("+").Lit(1).Op("<").Len(jen.Id("offs"))).Block(jen.Id("end").Op("=").Id("offs").Index(jen.Id("i").Op("+").Lit(1))),
				jen.Id("elems").Index(jen.Id("i")).Op("=").Append(jen.Index().Byte().Parens(jen.Nil()), jen.Id("b").Index(jen.Id("o").Op(":").Id("end")).Op("...")),
			),
			jen.Qual("sort", "Slice").Call(jen.Id("elems"), jen.Func().Params(jen.Id("i"), jen.Id("j").Int()).Bool().Block(
				jen.Return(jen.Qual("bytes", "Compare").Call(jen.Id("elems").Index(jen.Id("i")), jen.Id("elems").Index(jen.Id("j"))).Op("<").Lit(0)))),
			jen.Id("b").Op("=").Id("b").Index(jen.Op(":").Id("start")),
			jen.For(jen.List(jen.Id("_"), jen.Id("e")).Op(":=").Range().Id("elems")).Block(
				jen.Id("b").Op("=").Append(jen.Id("b"), jen.Id("e").Op("...")),
			),
			jen.Return(jen.Id("b")),
		)
	}
}

func (m *module) usesSetOf() bool {
	found := false
	var walk func(t *asn1.Type)
	seen := map[*asn1.Type]bool{}
	walk = func(t *asn1.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		if t.Kind == asn1.SetOf {
			found = true
		}
		walk(t.Elem)
		for _, f := range t.Fields {
			walk(f.Type)
		}
	}
	for _, n := range m.types {
		walk(n.def)
	}
	return found
}

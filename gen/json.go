package gen

import (
	"fmt"

	"github.com/chatim/chat/asn1"
	"github.com/dave/jennifer/jen"
)

// genJSON emits MarshalJSON and UnmarshalJSON (JER style, see codecs/jer).
func (m *module) genJSON(f *jen.File) error {
	for _, n := range m.types {
		m.genJSONPublic(f, n)
		g := &fn{}
		self := m.selfExpr(n)
		if n.isChoice {
			self = jen.Id("v")
		}
		body := append(m.jsonAppend(g, n, n.def, self), jen.Return(jen.Id("b")))
		g = &fn{}
		var dself jen.Code = m.selfExpr(n)
		if n.isChoice {
			dself = jen.Op("*").Id("v")
		}
		dbody := append(m.jsonDecode(g, n, n.def, dself, returnErr), jen.Return(jen.Nil()))
		dparam := jen.Id("d").Op("*").Qual(jerPkg, "Decoder")
		if n.isChoice {
			f.Func().Id("jsonAppend"+n.goName).Params(jen.Id("b").Index().Byte(), jen.Id("v").Id(n.goName)).Index().Byte().Block(body...)
			f.Line()
			f.Func().Id("jsonDecode"+n.goName).Params(dparam, jen.Id("v").Op("*").Id(n.goName)).Error().Block(dbody...)
		} else {
			f.Func().Params(jen.Id("v").Op("*").Id(n.goName)).Id("appendJSON").Params(jen.Id("b").Index().Byte()).Index().Byte().Block(body...)
			f.Line()
			f.Func().Params(jen.Id("v").Op("*").Id(n.goName)).Id("decodeJSON").Params(dparam).Error().Block(dbody...)
		}
		f.Line()
	}
	if m.kindsUsed()[asn1.Any] {
		f.Comment(docf("jsonCheckAny checks that an ANY value holds exactly one DER element."))
		f.Func().Id("jsonCheckAny").Params(jen.Id("x").Index().Byte(), jen.Id("off").Int()).Error().Block(
			jen.Id("d").Op(":=").Qual(derPkg, "NewDecoder").Call(jen.Id("x"), jen.Qual(derPkg, "Limits").Values()),
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("d").Dot("Any").Call(),
			jen.If(jen.Err().Op("==").Nil()).Block(jen.Err().Op("=").Id("d").Dot("Finish").Call()),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual(jerPkg, "Errorf").Call(jen.Id("off"), jen.Qual(jerPkg, "ErrInvalidString"), jen.Lit("ANY is not one DER element: %v"), jen.Err()))),
			jen.Return(jen.Nil()),
		)
	}
	return nil
}

func (m *module) genJSONPublic(f *jen.File, n *named) {
	if n.isChoice && n.boxName == "" {
		return
	}
	r := m.recv(n)
	appendCall := jen.Id("v").Dot("appendJSON").Call(jen.Nil())
	decodeCall := jen.Id("v").Dot("decodeJSON").Call(jen.Id("d"))
	if n.isChoice {
		appendCall = jen.Id("jsonAppend"+n.goName).Call(jen.Nil(), jen.Id("v").Dot("Value"))
		decodeCall = jen.Id("jsonDecode"+n.goName).Call(jen.Id("d"), jen.Op("&").Id("v").Dot("Value"))
	}
	name := jen.Lit(n.asn1Name)
	f.Comment(docf("MarshalJSON returns v in the JSON form of codecs/jer."))
	f.Func().Params(jen.Id("v").Op("*").Id(r)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(appendCall, jen.Nil()))
	f.Line()
	f.Comment(docf("UnmarshalJSON decodes v from the JSON form of codecs/jer."))
	f.Func().Params(jen.Id("v").Op("*").Id(r)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Id("d").Op(":=").Qual(jerPkg, "NewDecoder").Call(jen.Id("data")),
		jen.If(jen.Err().Op(":=").Add(decodeCall), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual(jerPkg, "At").Call(jen.Err(), name))),
		jen.Return(jen.Qual(jerPkg, "At").Call(jen.Id("d").Dot("Finish").Call(), name)),
	)
	f.Line()
}

func (m *module) jsonAppend(g *fn, self *named, t *asn1.Type, expr jen.Code) []jen.Code {
	if n := m.target(t); n != nil && n != self {
		if n.isChoice {
			return []jen.Code{jen.Id("b").Op("=").Id("jsonAppend"+n.goName).Call(jen.Id("b"), expr)}
		}
		return []jen.Code{jen.Id("b").Op("=").Add(expr).Dot("appendJSON").Call(jen.Id("b"))}
	}
	conv := self != nil && self.def == t
	val := convert(conv, t.Kind, expr)
	call := func(name string, args ...jen.Code) []jen.Code {
		return []jen.Code{jen.Id("b").Op("=").Qual(jerPkg, name).Call(append([]jen.Code{jen.Id("b")}, args...)...)}
	}
	switch k := t.Kind; {
	case k == asn1.Sequence || k == asn1.Set:
		return m.jsonAppendStruct(g, self)
	case k == asn1.Choice:
		var cases []jen.Code
		for _, fd := range self.fields {
			body := []jen.Code{appendLit(fmt.Sprintf("{%q:", fd.f.Name))}
			body = append(body, m.jsonAppend(g, nil, fd.f.Type, jen.Id("x").Dot("Value"))...)
			body = append(body, jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('}')))
			cases = append(cases, jen.Case(jen.Op("*").Id(fd.wrapper)).Block(body...))
		}
		cases = append(cases, jen.Default().Block(appendLit("null")))
		if allUnused(self.fields, m) {
			return []jen.Code{jen.Switch(jen.Id("v").Assert(jen.Type())).Block(cases...)}
		}
		return []jen.Code{jen.Switch(jen.Id("x").Op(":=").Id("v").Assert(jen.Type())).Block(cases...)}
	case k == asn1.Enumerated:
		var cases []jen.Code
		for _, it := range self.items {
			cases = append(cases, jen.Case(jen.Id(it.goName)).Block(appendLit(fmt.Sprintf("%q", it.name))))
		}
		cases = append(cases, jen.Default().Block(call("AppendInt", jen.Int64().Parens(expr))...))
		return []jen.Code{jen.Switch(expr).Block(cases...)}
	case k == asn1.SequenceOf || k == asn1.SetOf:
		i := g.v("i")
		elem := m.jsonAppend(g, nil, t.Elem, jen.Add(expr).Index(jen.Id(i)))
		return []jen.Code{
			jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('[')),
			jen.For(jen.Id(i).Op(":=").Range().Add(expr)).Block(append([]jen.Code{
				jen.If(jen.Id(i).Op(">").Lit(0)).Block(jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune(','))),
			}, elem...)...),
			jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune(']')),
		}
	case k == asn1.Boolean:
		return call("AppendBool", val)
	case k == asn1.Integer:
		return call("AppendInt", convert(true, k, expr))
	case k == asn1.Null:
		return call("AppendNull")
	case k == asn1.OctetString || k == asn1.Any:
		return call("AppendHex", val)
	case k == asn1.BitString:
		return call("AppendBitString", val)
	case k == asn1.ObjectIdentifier:
		return call("AppendOID", val)
	case isString(k):
		return call("AppendString", val)
	}
	panic(fmt.Sprintf("gen: no JSON encoder for kind %d", t.Kind))
}

func (m *module) jsonAppendStruct(g *fn, self *named) []jen.Code {
	dynamic := false
	for _, fd := range self.fields {
		if fd.f.Optional {
			dynamic = true
		}
	}
	var out []jen.Code
	if !dynamic {
		for i, fd := range self.fields {
			sep := ","
			if i == 0 {
				sep = "{"
			}
			out = append(out, appendLit(fmt.Sprintf("%s%q:", sep, fd.f.Name)))
			out = append(out, m.jsonAppend(g, nil, fd.f.Type, m.fieldExpr(jen.Id("v"), fd))...)
		}
		if len(self.fields) == 0 {
			out = append(out, appendLit("{"))
		}
		return append(out, jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('}')))
	}
	out = append(out, jen.Id("sep").Op(":=").Byte().Parens(jen.LitRune('{')))
	for _, fd := range self.fields {
		enc := []jen.Code{
			jen.Id("b").Op("=").Append(jen.Id("b"), jen.Id("sep")),
			jen.Id("sep").Op("=").LitRune(','),
			appendLit(fmt.Sprintf("%q:", fd.f.Name)),
		}
		enc = append(enc, m.jsonAppend(g, nil, fd.f.Type, m.fieldExpr(jen.Id("v"), fd))...)
		if fd.f.Optional {
			out = append(out, jen.If(jen.Id("v").Dot(fd.goName).Op("!=").Nil()).Block(enc...))
		} else {
			out = append(out, enc...)
		}
	}
	return append(out,
		jen.If(jen.Id("sep").Op("==").LitRune('{')).Block(jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('{'))),
		jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune('}')))
}

func (m *module) jsonDecode(g *fn, self *named, t *asn1.Type, target jen.Code, h onErr) []jen.Code {
	d := jen.Id("d")
	if n := m.target(t); n != nil && n != self {
		if n.isChoice {
			return []jen.Code{check(jen.Id("jsonDecode"+n.goName).Call(d, jen.Op("&").Add(target)), h)}
		}
		out := []jen.Code{check(jen.Add(target).Dot("decodeJSON").Call(d), h)}
		return append(out, m.constraintCheck(t, target, jen.Id("d").Dot("Offset").Call(), jerPkg, h)...)
	}
	conv := self != nil && self.def == t
	assign := func(x jen.Code) jen.Code {
		if conv {
			return jen.Add(target).Op("=").Id(self.goName).Parens(x)
		}
		return jen.Add(target).Op("=").Add(x)
	}
	read := func(method string) []jen.Code {
		x, off := g.v("x"), g.v("off")
		out := []jen.Code{
			jen.Id(off).Op(":=").Add(d).Dot("Offset").Call(),
			jen.List(jen.Id(x), jen.Err()).Op(":=").Add(d).Dot(method).Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
		}
		if t.Kind == asn1.Any {
			out = append(out, check(jen.Id("jsonCheckAny").Call(jen.Id(x), jen.Id(off)), h))
		}
		chk := m.checkValue(t, jen.Id(x), jen.Id(off), jerPkg, h)
		if len(chk) == 0 && t.Kind != asn1.Any {
			out[0] = jen.Null()
		}
		out = append(out, chk...)
		return append(out, assign(jen.Id(x)))
	}
	switch k := t.Kind; {
	case k == asn1.Sequence || k == asn1.Set:
		return m.jsonDecodeStruct(g, self, h)
	case k == asn1.Choice:
		var cases []jen.Code
		for _, fd := range self.fields {
			x := g.v("x")
			body := []jen.Code{jen.Id(x).Op(":=").New(jen.Id(fd.wrapper))}
			body = append(body, m.jsonDecode(g, nil, fd.f.Type, jen.Id(x).Dot("Value"), at(jerPkg, h, fd.f.Name))...)
			body = append(body, jen.Op("*").Id("v").Op("=").Id(x))
			cases = append(cases, jen.Case(jen.Lit(fd.f.Name)).Block(body...))
		}
		cases = append(cases, jen.Default().Block(h(jen.Qual(jerPkg, "Errorf").Call(jen.Id("off"), jen.Qual(jerPkg, "ErrUnknownChoice"), jen.Lit("%q"), jen.Id("k")))))
		return []jen.Code{
			check(d.Clone().Dot("ObjectStart").Call(), h),
			jen.Id("off").Op(":=").Add(d).Dot("Offset").Call(),
			jen.If(jen.Op("!").Add(d).Dot("More").Call()).Block(h(jen.Qual(jerPkg, "Errorf").Call(jen.Id("off"), jen.Qual(jerPkg, "ErrMissing"), jen.Lit("no alternative")))),
			jen.List(jen.Id("k"), jen.Err()).Op(":=").Add(d).Dot("Key").Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
			jen.Switch(jen.Id("k")).Block(cases...),
			check(d.Clone().Dot("ObjectEnd").Call(), h),
		}
	case k == asn1.Enumerated:
		var cases []jen.Code
		for _, it := range self.items {
			cases = append(cases, jen.Case(jen.Lit(it.name)).Block(jen.Add(target).Op("=").Id(it.goName)))
		}
		cases = append(cases, jen.Default().Block(h(jen.Qual(jerPkg, "Errorf").Call(jen.Id("off"), jen.Qual(jerPkg, "ErrUnknownEnum"), jen.Lit("%q"), jen.Id("s")))))
		return []jen.Code{
			jen.Id("off").Op(":=").Add(d).Dot("Offset").Call(),
			jen.List(jen.Id("s"), jen.Err()).Op(":=").Add(d).Dot("String").Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
			jen.Switch(jen.Id("s")).Block(cases...),
		}
	case k == asn1.SequenceOf || k == asn1.SetOf:
		s, i := g.v("s"), g.v("i")
		elem := m.jsonDecode(g, nil, t.Elem, jen.Id(s).Index(jen.Id(i)), atIndex(jerPkg, h, i))
		var as jen.Code = jen.Add(target).Op("=").Id(s)
		if conv {
			as = jen.Add(target).Op("=").Id(self.goName).Parens(jen.Id(s))
		}
		out := []jen.Code{
			check(d.Clone().Dot("ArrayStart").Call(), h),
			jen.Var().Id(s).Index().Add(m.goType(t.Elem, false)),
			jen.For(jen.Id(i).Op(":=").Lit(0).Op(";").Add(d).Dot("More").Call().Op(";").Id(i).Op("++")).Block(append([]jen.Code{
				jen.Id(s).Op("=").Append(jen.Id(s), jen.Op("*").New(m.goType(t.Elem, false))),
			}, elem...)...),
			check(d.Clone().Dot("ArrayEnd").Call(), h),
			as,
		}
		return append(out, m.checkSize(t, target, d.Clone().Dot("Offset").Call(), jerPkg, h)...)
	case k == asn1.Boolean:
		return read("Bool")
	case k == asn1.Integer:
		return read("Int")
	case k == asn1.Null:
		return []jen.Code{check(d.Clone().Dot("Null").Call(), h)}
	case k == asn1.OctetString || k == asn1.Any:
		return read("Hex")
	case k == asn1.BitString:
		return read("BitString")
	case k == asn1.ObjectIdentifier:
		return read("OID")
	case isString(k):
		return read("String")
	}
	panic(fmt.Sprintf("gen: no JSON decoder for kind %d", t.Kind))
}

func (m *module) jsonDecodeStruct(g *fn, self *named, h onErr) []jen.Code {
	var out []jen.Code
	for _, fd := range self.fields {
		if !fd.f.Optional && fd.f.Default == nil {
			out = append(out, jen.Id("start").Op(":=").Id("d").Dot("Offset").Call())
			break
		}
	}
	out = append(out, check(jen.Id("d").Dot("ObjectStart").Call(), h))
	n := len(self.fields)
	if n > 0 {
		out = append(out, jen.Var().Id("seen").Index(jen.Lit(n)).Bool())
	}
	var cases []jen.Code
	for i, fd := range self.fields {
		fh := at(jerPkg, h, fd.f.Name)
		ft := fd.f.Type
		fieldVal := jen.Id("v").Dot(fd.goName)
		body := []jen.Code{
			jen.If(jen.Id("seen").Index(jen.Lit(i))).Block(h(jen.Qual(jerPkg, "Errorf").Call(jen.Id("off"), jen.Qual(jerPkg, "ErrDuplicateField"), jen.Lit("%q"), jen.Id("k")))),
			jen.Id("seen").Index(jen.Lit(i)).Op("=").True(),
		}
		switch {
		case fd.f.Optional && m.isPointer(fd.f) && m.target(ft) != nil:
			body = append(body, jen.Add(fieldVal).Op("=").New(m.goType(ft, false)))
			body = append(body, m.jsonDecode(g, nil, ft, fieldVal, fh)...)
		case fd.f.Optional && m.isPointer(fd.f):
			x := g.v("x")
			body = append(body, jen.Var().Id(x).Add(m.goType(ft, false)))
			body = append(body, m.jsonDecode(g, nil, ft, jen.Id(x), fh)...)
			body = append(body, jen.Add(fieldVal).Op("=").Op("&").Id(x))
		default:
			body = append(body, m.jsonDecode(g, nil, ft, fieldVal, fh)...)
		}
		cases = append(cases, jen.Case(jen.Lit(fd.f.Name)).Block(body...))
	}
	cases = append(cases, jen.Default().Block(h(jen.Qual(jerPkg, "Errorf").Call(jen.Id("off"), jen.Qual(jerPkg, "ErrUnknownField"), jen.Lit("%q"), jen.Id("k")))))
	out = append(out,
		jen.For(jen.Id("d").Dot("More").Call()).Block(
			jen.Id("off").Op(":=").Id("d").Dot("Offset").Call(),
			jen.List(jen.Id("k"), jen.Err()).Op(":=").Id("d").Dot("Key").Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
			jen.Switch(jen.Id("k")).Block(cases...),
		),
		check(jen.Id("d").Dot("ObjectEnd").Call(), h),
	)
	for i, fd := range self.fields {
		fieldVal := jen.Id("v").Dot(fd.goName)
		var absent jen.Code
		switch {
		case fd.f.Optional:
			absent = jen.Add(fieldVal).Op("=").Nil()
		case fd.f.Default != nil:
			absent = jen.Add(fieldVal).Op("=").Add(m.defaultValue(fd))
		default:
			absent = h(jen.Qual(jerPkg, "Errorf").Call(jen.Id("start"), jen.Qual(jerPkg, "ErrMissing"), jen.Lit(fd.f.Name)))
		}
		out = append(out, jen.If(jen.Op("!").Id("seen").Index(jen.Lit(i))).Block(absent))
	}
	return out
}

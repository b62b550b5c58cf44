package gen

import (
	"fmt"

	"github.com/chatim/chat/asn1"
	"github.com/dave/jennifer/jen"
)

// genETF emits the Erlang External Term Format codec of every named type.
func (m *module) genETF(f *jen.File) error {
	for _, n := range m.types {
		m.genETFPublic(f, n)
		g := &fn{}
		self := m.selfExpr(n)
		if n.isChoice {
			self = jen.Id("v")
		}
		body := append(m.etfAppend(g, n, n.def, self), jen.Return(jen.Id("b")))
		g = &fn{}
		var dself jen.Code = m.selfExpr(n)
		if n.isChoice {
			dself = jen.Op("*").Id("v")
		}
		dbody := append(m.etfDecode(g, n, n.def, dself, returnErr), jen.Return(jen.Nil()))
		if n.isChoice {
			f.Func().Id("etfAppend"+n.goName).Params(jen.Id("b").Index().Byte(), jen.Id("v").Id(n.goName)).Index().Byte().Block(body...)
			f.Line()
			f.Func().Id("etfDecode"+n.goName).Params(jen.Id("d").Op("*").Qual(etfPkg, "Decoder"), jen.Id("v").Op("*").Id(n.goName)).Error().Block(dbody...)
		} else {
			f.Func().Params(jen.Id("v").Op("*").Id(n.goName)).Id("appendETF").Params(jen.Id("b").Index().Byte()).Index().Byte().Block(body...)
			f.Line()
			f.Func().Params(jen.Id("v").Op("*").Id(n.goName)).Id("decodeETF").Params(jen.Id("d").Op("*").Qual(etfPkg, "Decoder")).Error().Block(dbody...)
		}
		f.Line()
	}
	m.genETFHelpers(f)
	return nil
}

// genETFPublic emits AppendETF, MarshalETF, UnmarshalETF and
// UnmarshalETFNoCopy.
func (m *module) genETFPublic(f *jen.File, n *named) {
	if n.isChoice && n.boxName == "" {
		return
	}
	r := m.recv(n)
	appendCall := jen.Id("v").Dot("appendETF").Call(jen.Append(jen.Id("b"), jen.Qual(etfPkg, "Version")))
	decodeCall := jen.Id("v").Dot("decodeETF").Call(jen.Op("&").Id("d"))
	if n.isChoice {
		appendCall = jen.Id("etfAppend"+n.goName).Call(jen.Append(jen.Id("b"), jen.Qual(etfPkg, "Version")), jen.Id("v").Dot("Value"))
		decodeCall = jen.Id("etfDecode"+n.goName).Call(jen.Op("&").Id("d"), jen.Op("&").Id("v").Dot("Value"))
	}
	f.Comment(docf("AppendETF appends v to b as an external term (version byte 131 and the\n// term), byte for byte as Erlang's term_to_binary(V, [{minor_version, 2}])."))
	f.Func().Params(jen.Id("v").Op("*").Id(r)).Id("AppendETF").Params(jen.Id("b").Index().Byte()).Index().Byte().Block(jen.Return(appendCall))
	f.Line()
	f.Comment(docf("MarshalETF returns v as an external term."))
	f.Func().Params(jen.Id("v").Op("*").Id(r)).Id("MarshalETF").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Id("v").Dot("AppendETF").Call(jen.Nil()), jen.Nil()))
	f.Line()
	f.Comment(docf("UnmarshalETF decodes exactly one external term holding a %s from data\n// into v. It copies data once; byte slices in v alias that copy. Like\n// encoding/json, it reuses the slices, pointers and CHOICE alternatives v\n// already holds, so decoding many inputs into one value allocates only\n// the copies; decode into a zero value to keep an earlier result.", n.asn1Name))
	name := jen.Lit(n.asn1Name)
	f.Func().Params(jen.Id("v").Op("*").Id(r)).Id("UnmarshalETF").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Return(jen.Id("v").Dot("UnmarshalETFNoCopy").Call(jen.Qual("bytes", "Clone").Call(jen.Id("data")))),
	)
	f.Line()
	f.Comment(docf("UnmarshalETFNoCopy is UnmarshalETF without the copy: byte slices in v\n// alias data, which must stay unchanged for as long as v is used. It\n// never writes to data."))
	f.Func().Params(jen.Id("v").Op("*").Id(r)).Id("UnmarshalETFNoCopy").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.List(jen.Id("d"), jen.Err()).Op(":=").Qual(etfPkg, "NewDecoder").Call(jen.Id("data"), jen.Qual(etfPkg, "Limits").Values()),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual(etfPkg, "At").Call(jen.Err(), name))),
		jen.If(jen.Err().Op(":=").Add(decodeCall), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual(etfPkg, "At").Call(jen.Err(), name))),
		jen.Return(jen.Qual(etfPkg, "At").Call(jen.Id("d").Dot("Finish").Call(), name)),
	)
	f.Line()
}

// atomBytes is the SMALL_ATOM_UTF8_EXT encoding of an atom.
func atomBytes(name string) string {
	return string([]byte{119, byte(len(name))}) + name
}

// appendLit emits b = append(b, lit...).
func appendLit(s string) jen.Code {
	return jen.Id("b").Op("=").Append(jen.Id("b"), jen.Lit(s).Op("..."))
}

// tupleHeader returns the literal bytes of a tuple header of arity n
// followed by the atom name, or ok false when they need the long forms.
func tupleHeader(n int, atom string) (string, bool) {
	if n > 255 || len(atom) > 255 {
		return "", false
	}
	return string([]byte{104, byte(n)}) + atomBytes(atom), true
}

func appendTuple(n int, atom string) []jen.Code {
	if s, ok := tupleHeader(n, atom); ok {
		return []jen.Code{appendLit(s)}
	}
	return []jen.Code{
		jen.Id("b").Op("=").Qual(etfPkg, "AppendTupleHeader").Call(jen.Id("b"), jen.Lit(n)),
		jen.Id("b").Op("=").Qual(etfPkg, "AppendAtom").Call(jen.Id("b"), jen.Lit(atom)),
	}
}

// etfAppend emits statements appending occurrence t, with value expr.
func (m *module) etfAppend(g *fn, self *named, t *asn1.Type, expr jen.Code) []jen.Code {
	if n := m.target(t); n != nil && n != self {
		if n.isChoice {
			return []jen.Code{jen.Id("b").Op("=").Id("etfAppend"+n.goName).Call(jen.Id("b"), expr)}
		}
		return []jen.Code{jen.Id("b").Op("=").Add(expr).Dot("appendETF").Call(jen.Id("b"))}
	}
	conv := self != nil && self.def == t
	val := convert(conv, t.Kind, expr)
	call := func(name string, args ...jen.Code) []jen.Code {
		return []jen.Code{jen.Id("b").Op("=").Qual(etfPkg, name).Call(append([]jen.Code{jen.Id("b")}, args...)...)}
	}
	switch k := t.Kind; {
	case k == asn1.Sequence || k == asn1.Set:
		out := appendTuple(len(self.fields)+1, self.record)
		for _, fd := range self.fields {
			enc := m.etfAppend(g, nil, fd.f.Type, m.fieldExpr(jen.Id("v"), fd))
			if fd.f.Optional {
				out = append(out, jen.If(jen.Id("v").Dot(fd.goName).Op("==").Nil()).Block(appendLit(atomBytes("asn1_NOVALUE"))).Else().Block(enc...))
			} else {
				out = append(out, enc...)
			}
		}
		return out
	case k == asn1.Choice:
		var cases []jen.Code
		for _, fd := range self.fields {
			body := appendTuple(2, fd.f.Name)
			body = append(body, m.etfAppend(g, nil, fd.f.Type, jen.Id("x").Dot("Value"))...)
			cases = append(cases, jen.Case(jen.Op("*").Id(fd.wrapper)).Block(body...))
		}
		cases = append(cases, jen.Default().Block(appendLit(atomBytes("asn1_NOVALUE"))))
		if allUnused(self.fields, m) {
			return []jen.Code{jen.Switch(jen.Id("v").Assert(jen.Type())).Block(cases...)}
		}
		return []jen.Code{jen.Switch(jen.Id("x").Op(":=").Id("v").Assert(jen.Type())).Block(cases...)}
	case k == asn1.Enumerated:
		var cases []jen.Code
		for _, it := range self.items {
			cases = append(cases, jen.Case(jen.Id(it.goName)).Block(appendLit(atomBytes(it.name))))
		}
		def := append(appendTuple(2, "asn1_enum"), call("AppendInteger", jen.Int64().Parens(expr))...)
		if !self.def.Extensible {
			def = call("AppendInteger", jen.Int64().Parens(expr))
		}
		cases = append(cases, jen.Default().Block(def...))
		return []jen.Code{jen.Switch(expr).Block(cases...)}
	case k == asn1.SequenceOf || k == asn1.SetOf:
		return m.etfAppendList(g, t, expr, conv)
	case k == asn1.Boolean:
		return call("AppendBool", val)
	case k == asn1.Integer:
		return call("AppendInteger", convert(true, k, expr))
	case k == asn1.Null:
		return []jen.Code{appendLit(atomBytes("NULL"))}
	case k == asn1.OctetString || k == asn1.Any:
		return call("AppendBinary", val)
	case k == asn1.BitString:
		return call("AppendBitString", val)
	case k == asn1.ObjectIdentifier:
		return call("AppendOID", val)
	case k == asn1.UTF8String:
		return []jen.Code{jen.Id("b").Op("=").Id("etfAppendStringBinary").Call(jen.Id("b"), val)}
	case k == asn1.UniversalString || k == asn1.BMPString:
		return call("AppendUniversalString", val)
	case isString(k):
		return call("AppendCharList", val)
	}
	panic(fmt.Sprintf("gen: no ETF encoder for kind %d", t.Kind))
}

// etfAppendList emits a SEQUENCE OF: a list, or a STRING_EXT for small
// integers exactly as term_to_binary.
func (m *module) etfAppendList(g *fn, t *asn1.Type, expr jen.Code, conv bool) []jen.Code {
	if baseKind(t.Elem) == asn1.Integer {
		if m.target(t.Elem) == nil && !conv {
			return []jen.Code{jen.Id("b").Op("=").Qual(etfPkg, "AppendIntList").Call(jen.Id("b"), expr)}
		}
		return []jen.Code{jen.Id("b").Op("=").Qual(etfPkg, "AppendIntList").Call(jen.Id("b"), jen.Id("etfInts").Call(expr))}
	}
	i := g.v("i")
	elem := m.etfAppend(g, nil, t.Elem, jen.Add(expr).Index(jen.Id(i)))
	return []jen.Code{
		jen.If(jen.Len(expr).Op("==").Lit(0)).Block(
			jen.Id("b").Op("=").Qual(etfPkg, "AppendNil").Call(jen.Id("b")),
		).Else().Block(
			jen.Id("b").Op("=").Qual(etfPkg, "AppendListHeader").Call(jen.Id("b"), jen.Len(expr)),
			jen.For(jen.Id(i).Op(":=").Range().Add(expr)).Block(elem...),
			jen.Id("b").Op("=").Qual(etfPkg, "AppendNil").Call(jen.Id("b")),
		),
	}
}

// etfDecode emits statements decoding occurrence t from d into target.
func (m *module) etfDecode(g *fn, self *named, t *asn1.Type, target jen.Code, h onErr) []jen.Code {
	d := jen.Id("d")
	if n := m.target(t); n != nil && n != self {
		if n.isChoice {
			return []jen.Code{check(jen.Id("etfDecode"+n.goName).Call(d, jen.Op("&").Add(target)), h)}
		}
		out := []jen.Code{check(jen.Add(target).Dot("decodeETF").Call(d), h)}
		return append(out, m.constraintCheck(t, target, jen.Id("d").Dot("Offset").Call(), etfPkg, h)...)
	}
	conv := self != nil && self.def == t
	assign := func(x jen.Code) jen.Code {
		if conv {
			return jen.Add(target).Op("=").Id(self.goName).Parens(x)
		}
		return jen.Add(target).Op("=").Add(x)
	}
	read := func(method string, post func(x string) []jen.Code) []jen.Code {
		x := g.v("x")
		var out []jen.Code
		off := g.v("off")
		out = append(out,
			jen.Id(off).Op(":=").Add(d).Dot("Offset").Call(),
			jen.List(jen.Id(x), jen.Err()).Op(":=").Add(d).Dot(method).Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())))
		var val jen.Code = jen.Id(x)
		if post != nil {
			out = append(out, post(off)...)
		}
		if t.Kind == asn1.UTF8String {
			out = append(out, jen.If(jen.Op("!").Qual("unicode/utf8", "Valid").Call(jen.Id(x))).Block(
				h(jen.Qual(etfPkg, "Errorf").Call(jen.Id(off), jen.Qual(etfPkg, "ErrInvalidString"), jen.Lit("invalid UTF-8")))))
			val = jen.String().Parens(jen.Id(x))
		}
		if t.Kind == asn1.Any {
			out = append(out, check(jen.Id("etfCheckAny").Call(jen.Id(x), jen.Id(off)), h))
		}
		chk := m.checkValue(t, val, jen.Id(off), etfPkg, h)
		if len(chk) == 0 {
			out[0] = jen.Null()
			if t.Kind == asn1.UTF8String || t.Kind == asn1.Any {
				out[0] = jen.Id(off).Op(":=").Add(d).Dot("Offset").Call()
			}
		}
		out = append(out, chk...)
		return append(out, assign(val))
	}
	switch k := t.Kind; {
	case k == asn1.Sequence || k == asn1.Set:
		return m.etfDecodeStruct(g, self, h)
	case k == asn1.Choice:
		return m.etfDecodeChoice(g, self, h)
	case k == asn1.Enumerated:
		return m.etfDecodeEnum(g, self, target, h)
	case k == asn1.SequenceOf || k == asn1.SetOf:
		return m.etfDecodeList(g, self, t, target, conv, h)
	case k == asn1.Boolean:
		return read("Bool", nil)
	case k == asn1.Integer:
		return read("Integer", nil)
	case k == asn1.Null:
		return []jen.Code{check(jen.Add(d).Dot("Null").Call(), h)}
	case k == asn1.OctetString || k == asn1.Any || k == asn1.UTF8String:
		return read("Binary", nil)
	case k == asn1.BitString:
		return read("BitString", nil)
	case k == asn1.ObjectIdentifier:
		return read("OID", nil)
	case k == asn1.UniversalString || k == asn1.BMPString:
		return read("UniversalString", nil)
	case isString(k):
		return read("CharList", nil)
	}
	panic(fmt.Sprintf("gen: no ETF decoder for kind %d", t.Kind))
}

func (m *module) etfDecodeStruct(g *fn, self *named, h onErr) []jen.Code {
	out := []jen.Code{check(jen.Id("d").Dot("Record").Call(jen.Lit(self.record), jen.Lit(len(self.fields))), h)}
	for _, fd := range self.fields {
		fh := at(etfPkg, h, fd.f.Name)
		ft := fd.f.Type
		fieldVal := jen.Id("v").Dot(fd.goName)
		switch {
		case fd.f.Optional && m.isPointer(fd.f) && m.target(ft) != nil:
			dec := append([]jen.Code{reusePtr(fieldVal, m.goType(ft, false))}, m.etfDecode(g, nil, ft, fieldVal, fh)...)
			out = append(out, jen.If(jen.Id("d").Dot("IsAtom").Call(jen.Lit("asn1_NOVALUE"))).Block(jen.Add(fieldVal).Op("=").Nil()).Else().Block(dec...))
		case fd.f.Optional && m.isPointer(fd.f):
			x := g.v("x")
			dec := append([]jen.Code{jen.Var().Id(x).Add(m.goType(ft, false))}, m.etfDecode(g, nil, ft, jen.Id(x), fh)...)
			dec = append(dec, jen.Add(fieldVal).Op("=").Op("&").Id(x))
			out = append(out, jen.If(jen.Id("d").Dot("IsAtom").Call(jen.Lit("asn1_NOVALUE"))).Block(jen.Add(fieldVal).Op("=").Nil()).Else().Block(dec...))
		case fd.f.Optional:
			out = append(out, jen.If(jen.Id("d").Dot("IsAtom").Call(jen.Lit("asn1_NOVALUE"))).Block(jen.Add(fieldVal).Op("=").Nil()).Else().Block(
				m.etfDecode(g, nil, ft, fieldVal, fh)...))
		case fd.f.Default != nil:
			out = append(out, jen.If(jen.Id("d").Dot("IsAtom").Call(jen.Lit("asn1_DEFAULT"))).Block(jen.Add(fieldVal).Op("=").Add(m.defaultValue(fd))).Else().Block(
				m.etfDecode(g, nil, ft, fieldVal, fh)...))
		default:
			out = append(out, m.etfDecode(g, nil, ft, fieldVal, fh)...)
		}
	}
	return out
}

func (m *module) etfDecodeChoice(g *fn, self *named, h onErr) []jen.Code {
	var cases []jen.Code
	for _, fd := range self.fields {
		x := g.v("x")
		body := reuseAlt(x, fd.wrapper)
		body = append(body, m.etfDecode(g, nil, fd.f.Type, jen.Id(x).Dot("Value"), at(etfPkg, h, fd.f.Name))...)
		body = append(body, jen.Op("*").Id("v").Op("=").Id(x))
		cases = append(cases, jen.Case(jen.Lit(fd.f.Name)).Block(body...))
	}
	cases = append(cases, jen.Default().Block(h(jen.Qual(etfPkg, "Errorf").Call(jen.Id("off"), jen.Qual(etfPkg, "ErrUnknownChoice"), jen.Lit("%q"), jen.Id("a")))))
	return []jen.Code{
		jen.Id("off").Op(":=").Id("d").Dot("Offset").Call(),
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("d").Dot("Tuple").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
		jen.If(jen.Id("n").Op("!=").Lit(2)).Block(h(jen.Qual(etfPkg, "Errorf").Call(jen.Id("off"), jen.Qual(etfPkg, "ErrUnexpectedTerm"), jen.Lit("want {alternative, value}, got a tuple of %d"), jen.Id("n")))),
		jen.Id("off").Op("=").Id("d").Dot("Offset").Call(),
		jen.List(jen.Id("a"), jen.Err()).Op(":=").Id("d").Dot("Atom").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
		jen.Switch(jen.String().Parens(jen.Id("a"))).Block(cases...),
	}
}

func (m *module) etfDecodeEnum(g *fn, self *named, target jen.Code, h onErr) []jen.Code {
	var cases []jen.Code
	for _, it := range self.items {
		cases = append(cases, jen.Case(jen.Lit(it.name)).Block(jen.Add(target).Op("=").Id(it.goName)))
	}
	cases = append(cases, jen.Default().Block(h(jen.Qual(etfPkg, "Errorf").Call(jen.Id("off"), jen.Qual(etfPkg, "ErrUnknownAtom"), jen.Lit("%q"), jen.Id("a")))))
	out := []jen.Code{jen.Id("off").Op(":=").Id("d").Dot("Offset").Call()}
	if self.def.Extensible {
		// An unknown value of an extensible ENUMERATED is {asn1_enum, N}.
		out = append(out, jen.If(jen.List(jen.Id("n"), jen.Id("ok")).Op(":=").Id("etfUnknownEnum").Call(jen.Id("d")), jen.Id("ok")).Block(
			jen.Add(target).Op("=").Id(self.goName).Parens(jen.Id("n")),
			jen.Return(jen.Nil())))
	}
	return append(out,
		jen.List(jen.Id("a"), jen.Err()).Op(":=").Id("d").Dot("Atom").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
		jen.Switch(jen.String().Parens(jen.Id("a"))).Block(cases...))
}

func (m *module) etfDecodeList(g *fn, self *named, t *asn1.Type, target jen.Code, conv bool, h onErr) []jen.Code {
	n, s, i := g.v("n"), g.v("s"), g.v("i")
	elem := m.etfDecode(g, nil, t.Elem, jen.Id(s).Index(jen.Id(i)), atIndex(etfPkg, h, i))
	var sliceType jen.Code = jen.Index().Add(m.goType(t.Elem, false))
	if conv {
		sliceType = jen.Id(self.goName)
	}
	out := []jen.Code{
		jen.List(jen.Id(n), jen.Err()).Op(":=").Id("d").Dot("ListStart").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(h(jen.Err())),
		jen.If(jen.Id(n).Op("==").Lit(0)).Block(jen.Add(target).Op("=").Nil()).Else().Block(append(reuseSlice(s, n, target, sliceType),
			jen.For(jen.Id(i).Op(":=").Range().Id(s)).Block(elem...),
			jen.Add(target).Op("=").Id(s))...),
		check(jen.Id("d").Dot("ListEnd").Call(), h),
	}
	return append(out, m.checkSize(t, target, jen.Id("d").Dot("Offset").Call(), etfPkg, h)...)
}

// genETFHelpers emits the package helpers the ETF code uses.
func (m *module) genETFHelpers(f *jen.File) {
	uses := m.kindsUsed()
	if uses[asn1.UTF8String] {
		f.Comment(docf("etfAppendStringBinary appends s as a BINARY_EXT without converting it to []byte."))
		f.Func().Id("etfAppendStringBinary").Params(jen.Id("b").Index().Byte(), jen.Id("s").String()).Index().Byte().Block(
			jen.Id("n").Op(":=").Len(jen.Id("s")),
			jen.Id("b").Op("=").Append(jen.Id("b"), jen.Lit(109), jen.Byte().Parens(jen.Id("n").Op(">>").Lit(24)), jen.Byte().Parens(jen.Id("n").Op(">>").Lit(16)), jen.Byte().Parens(jen.Id("n").Op(">>").Lit(8)), jen.Byte().Parens(jen.Id("n"))),
			jen.Return(jen.Append(jen.Id("b"), jen.Id("s").Op("..."))),
		)
		f.Line()
	}
	if uses[asn1.Any] {
		f.Comment(docf("etfCheckAny checks that an ANY value holds exactly one DER element."))
		f.Func().Id("etfCheckAny").Params(jen.Id("x").Index().Byte(), jen.Id("off").Int()).Error().Block(
			jen.Id("d").Op(":=").Qual(derPkg, "NewDecoder").Call(jen.Id("x"), jen.Qual(derPkg, "Limits").Values()),
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("d").Dot("Any").Call(),
			jen.If(jen.Err().Op("==").Nil()).Block(jen.Err().Op("=").Id("d").Dot("Finish").Call()),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual(etfPkg, "Errorf").Call(jen.Id("off"), jen.Qual(etfPkg, "ErrUnexpectedTerm"), jen.Lit("ANY is not one DER element: %v"), jen.Err()))),
			jen.Return(jen.Nil()),
		)
		f.Line()
	}
	if m.usesNamedIntList() {
		f.Comment(docf("etfInts views a slice of a named integer type as []int64."))
		f.Func().Id("etfInts").Types(jen.Id("T").Op("~").Int64()).Params(jen.Id("v").Index().Id("T")).Index().Int64().Block(
			jen.Return(jen.Qual("unsafe", "Slice").Call(jen.Parens(jen.Op("*").Int64()).Parens(jen.Qual("unsafe", "SliceData").Call(jen.Id("v"))), jen.Len(jen.Id("v")))),
		)
		f.Line()
	}
	if m.usesExtensibleEnum() {
		f.Comment(docf("etfUnknownEnum reads {asn1_enum, N}, the value of an extensible\n// ENUMERATED that has no name, if it is next."))
		f.Func().Id("etfUnknownEnum").Params(jen.Id("d").Op("*").Qual(etfPkg, "Decoder")).Params(jen.Int64(), jen.Bool()).Block(
			jen.Id("c").Op(":=").Op("*").Id("d"),
			jen.If(jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("c").Dot("Tuple").Call(), jen.Err().Op("!=").Nil().Op("||").Id("n").Op("!=").Lit(2).Op("||").Op("!").Id("c").Dot("IsAtom").Call(jen.Lit("asn1_enum"))).Block(
				jen.Return(jen.Lit(0), jen.False())),
			jen.List(jen.Id("x"), jen.Err()).Op(":=").Id("c").Dot("Integer").Call(),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(0), jen.False())),
			jen.Op("*").Id("d").Op("=").Id("c"),
			jen.Return(jen.Id("x"), jen.True()),
		)
	}
}

// kindsUsed returns the built-in kinds occurring in the module.
func (m *module) kindsUsed() map[asn1.Kind]bool {
	used := map[asn1.Kind]bool{}
	seen := map[*asn1.Type]bool{}
	var walk func(t *asn1.Type)
	walk = func(t *asn1.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		used[t.Kind] = true
		walk(t.Elem)
		for _, f := range t.Fields {
			walk(f.Type)
		}
	}
	for _, n := range m.types {
		walk(n.def)
	}
	return used
}

func (m *module) usesNamedIntList() bool {
	for _, n := range m.types {
		var walk func(t *asn1.Type, conv bool) bool
		walk = func(t *asn1.Type, conv bool) bool {
			if t.Kind == asn1.SequenceOf || t.Kind == asn1.SetOf {
				if baseKind(t.Elem) == asn1.Integer && (m.target(t.Elem) != nil || conv) {
					return true
				}
				return walk(t.Elem, false)
			}
			for _, f := range t.Fields {
				if walk(f.Type, false) {
					return true
				}
			}
			return false
		}
		if walk(n.def, n.def.Kind == asn1.SequenceOf || n.def.Kind == asn1.SetOf) {
			return true
		}
	}
	return false
}

func (m *module) usesExtensibleEnum() bool {
	for _, n := range m.types {
		if n.def.Kind == asn1.Enumerated && n.def.Extensible {
			return true
		}
	}
	return false
}

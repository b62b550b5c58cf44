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

// genDERPublic emits AppendDER, MarshalDER, UnmarshalDER and
// UnmarshalDERNoCopy.
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
		jen.Return(jen.Id("v").Dot("UnmarshalDERNoCopy").Call(jen.Qual("bytes", "Clone").Call(jen.Id("data")))),
	)
	f.Line()
	f.Comment(docf("UnmarshalDERNoCopy is UnmarshalDER without the copy: byte slices in v\n// alias data, which must stay unchanged for as long as v is used (as\n// crypto/x509 certificates alias the bytes they were parsed from). It\n// never writes to data. Decoding into a value that already holds what\n// the input needs allocates nothing."))
	f.Func().Params(jen.Id("v").Op("*").Id(r)).Id("UnmarshalDERNoCopy").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Id("d").Op(":=").Qual(derPkg, "NewDecoder").Call(jen.Id("data"), jen.Qual(derPkg, "Limits").Values()),
		jen.If(jen.Err().Op(":=").Add(decodeCall(outerTag(n))), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual(derPkg, "At").Call(jen.Err(), jen.Lit(n.asn1Name))),
		),
		jen.If(jen.Err().Op(":=").Id("d").Dot("Finish").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual(derPkg, "At").Call(jen.Err(), jen.Lit(n.asn1Name))),
		),
		jen.Return(jen.Nil()),
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
	dbody := m.derDecode(g, n, n.def, n.ownTags, m.selfExpr(n), &tagParam, returnErr)
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
	dbody := m.derDecode(g, n, n.def, n.ownTags, jen.Op("*").Id("v"), &tagParam, returnErr)
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

// constraintCheck checks the constraint written on a reference occurrence.
func (m *module) constraintCheck(t *asn1.Type, target, off jen.Code, pkg string, h onErr) []jen.Code {
	if t.Constraint == nil {
		return nil
	}
	return m.checkValue(t, target, off, pkg, h)
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
	f.Line()
	f.Comment(docf("derChoiceError explains why no alternative of a CHOICE starts at d."))
	f.Func().Id("derChoiceError").Params(jen.Id("d").Op("*").Qual(derPkg, "Decoder")).Error().Block(
		jen.List(jen.Id("tg"), jen.Id("ok")).Op(":=").Id("d").Dot("PeekTag").Call(),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("derPeekError").Call(jen.Id("d")))),
		jen.Return(jen.Qual(derPkg, "Errorf").Call(jen.Id("d").Dot("Offset").Call(), jen.Qual(derPkg, "ErrUnknownChoice"), jen.Lit("%v"), jen.Id("tg"))),
	)
	if m.uses(asn1.SequenceOf) {
		f.Line()
		f.Comment(docf("derGrow returns s with room for more elements after its first n: a new\n// array of exactly n+more elements holding those n."))
		f.Func().Id("derGrow").Types(jen.Id("S").Op("~").Index().Id("E"), jen.Id("E").Any()).Params(jen.Id("s").Id("S"), jen.List(jen.Id("n"), jen.Id("more")).Int()).Id("S").Block(
			jen.Id("t").Op(":=").Make(jen.Id("S"), jen.Id("n").Op("+").Id("more")),
			jen.Copy(jen.Id("t"), jen.Id("s").Index(jen.Empty(), jen.Id("n"))),
			jen.Return(jen.Id("t")),
		)
		f.Line()
		f.Comment(docf("derListError returns the error of element i of a SEQUENCE OF, whose\n// decoding failed with err; l is the decoder over the list's contents. A\n// malformed header anywhere in the list is reported first, as a pass\n// counting the elements ahead of decoding them finds it first."))
		f.Func().Id("derListError").Params(jen.Id("l").Op("*").Qual(derPkg, "Decoder"), jen.Err().Error(), jen.Id("i").Int()).Error().Block(
			jen.If(jen.List(jen.Id("n"), jen.Id("cerr")).Op(":=").Id("l").Dot("Count").Call(), jen.Id("cerr").Op("!=").Nil()).Block(
				jen.Return(jen.Qual(derPkg, "AtIndex").Call(jen.Id("cerr"), jen.Id("n")))),
			jen.Return(jen.Qual(derPkg, "AtIndex").Call(jen.Err(), jen.Id("i"))),
		)
	}
	if m.uses(asn1.SetOf) {
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

// uses reports whether a type of kind k occurs anywhere in the module.
func (m *module) uses(k asn1.Kind) bool {
	found := false
	var walk func(t *asn1.Type)
	seen := map[*asn1.Type]bool{}
	walk = func(t *asn1.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		if t.Kind == k {
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

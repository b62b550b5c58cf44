package gen

import (
	"fmt"

	"github.com/chatim/chat/asn1"
	"github.com/dave/jennifer/jen"
)

// genTypes emits the Go declarations of every named type.
func (m *module) genTypes(f *jen.File) error {
	f.PackageComment(fmt.Sprintf("// Package %s holds the types of the ASN.1 module %s with their DER,\n// ETF and JSON codecs.", m.pkg, m.mod.Name))
	for _, n := range m.types {
		m.genType(f, n)
	}
	if m.usesBitStringDefault() {
		f.Comment(docf("bitStringEqual reports whether two bit strings hold the same bits."))
		f.Func().Id("bitStringEqual").Params(jen.List(jen.Id("a"), jen.Id("b")).Qual(derPkg, "BitString")).Bool().Block(
			jen.Return(jen.Id("a").Dot("Length").Op("==").Id("b").Dot("Length").Op("&&").Qual("bytes", "Equal").Call(jen.Id("a").Dot("Bytes"), jen.Id("b").Dot("Bytes"))))
	}
	return nil
}

func (m *module) usesBitStringDefault() bool {
	for _, n := range m.types {
		for _, fd := range n.fields {
			if fd.f.Default != nil && baseKind(fd.f.Type) == asn1.BitString {
				return true
			}
		}
	}
	return false
}

func (m *module) typeDoc(n *named) string {
	var def string
	if n.assign != nil {
		def = asn1Text(m.mod, n.asn1Name, n.def)
	} else {
		def = asn1Text(m.mod, n.asn1Name, stripTags(n.def))
	}
	what := "the ASN.1 type " + n.asn1Name
	if n.isChoice {
		what += ", a CHOICE: one of the " + n.goName + "_* wrappers"
	}
	return docComment(fmt.Sprintf("%s is %s.", n.goName, what), n.comment, def)
}

// stripTags returns t without the tags of the field it was written in.
func stripTags(t *asn1.Type) *asn1.Type {
	c := *t
	c.Tags = nil
	return &c
}

func (m *module) genType(f *jen.File, n *named) {
	f.Comment(m.typeDoc(n))
	switch {
	case n.isChoice:
		f.Type().Id(n.goName).Interface(jen.Id("is" + n.goName).Params())
		for _, fd := range n.fields {
			f.Line()
			f.Comment(docf("%s is the alternative %s of %s.", fd.wrapper, fd.f.Name, n.goName))
			f.Type().Id(fd.wrapper).Struct(jen.Id("Value").Add(m.goType(fd.f.Type, false)))
			f.Line()
			f.Func().Params(jen.Op("*").Id(fd.wrapper)).Id("is" + n.goName).Params().Block()
		}
		if n.boxName != "" {
			f.Line()
			f.Comment(docf("%s holds a %s where a concrete type is needed: the registry\n// and top-level coding. A nil Value encodes nothing.", n.boxName, n.goName))
			f.Type().Id(n.boxName).Struct(jen.Id("Value").Id(n.goName))
		}
	case n.def.Kind == asn1.Sequence || n.def.Kind == asn1.Set:
		var fields []jen.Code
		for _, fd := range n.fields {
			st := jen.Id(fd.goName).Add(m.fieldType(fd.f, false))
			doc := fd.f.Comment
			if fd.f.Optional {
				doc = joinDoc(doc, "OPTIONAL: nil when absent.")
			}
			if fd.f.Default != nil {
				doc = joinDoc(doc, "DEFAULT "+valueText(fd.f.Default)+".")
			}
			if doc != "" {
				fields = append(fields, jen.Comment(docf("%s", doc)))
			}
			fields = append(fields, st)
		}
		f.Type().Id(n.goName).Struct(fields...)
	case n.def.Kind == asn1.Reference:
		f.Type().Id(n.goName).Add(m.goType(n.def, false))
	case n.def.Kind == asn1.Enumerated:
		f.Type().Id(n.goName).Int64()
	default:
		f.Type().Id(n.goName).Add(m.goType(n.def, false))
	}
	if len(n.items) > 0 {
		f.Line()
		f.Comment(docf("Values of %s.", n.goName))
		var cs []jen.Code
		for _, it := range n.items {
			cs = append(cs, jen.Comment(fmt.Sprintf("%s is %s(%d).", it.goName, it.name, it.value)), jen.Id(it.goName).Id(n.goName).Op("=").Add(intLit(it.value)))
		}
		f.Const().Defs(cs...)
	}
	if n.base.Kind == asn1.Enumerated {
		m.genEnumString(f, n)
	}
	if !n.isChoice {
		f.Line()
		f.Comment(docf("ASN1Type returns the ASN.1 name of the type, %q.", n.asn1Name))
		f.Func().Params(jen.Op("*").Id(n.goName)).Id("ASN1Type").Params().String().Block(jen.Return(jen.Lit(n.asn1Name)))
	} else if n.boxName != "" {
		f.Line()
		f.Comment(docf("ASN1Type returns the ASN.1 name of the type, %q.", n.asn1Name))
		f.Func().Params(jen.Op("*").Id(n.boxName)).Id("ASN1Type").Params().String().Block(jen.Return(jen.Lit(n.asn1Name)))
	}
	f.Line()
}

func joinDoc(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// genEnumString emits String, which returns the ENUMERATED identifier.
func (m *module) genEnumString(f *jen.File, n *named) {
	f.Line()
	f.Comment(docf("String returns the ASN.1 identifier of v."))
	var cases []jen.Code
	for _, it := range n.items {
		cases = append(cases, jen.Case(jen.Id(it.goName)).Block(jen.Return(jen.Lit(it.name))))
	}
	f.Func().Params(jen.Id("v").Id(n.goName)).Id("String").Params().String().Block(
		jen.Switch(jen.Id("v")).Block(cases...),
		jen.Return(jen.Lit(n.goName+"(").Op("+").Qual("strconv", "FormatInt").Call(jen.Int64().Call(jen.Id("v")), jen.Lit(10)).Op("+").Lit(")")),
	)
}

package gen

import (
	"fmt"

	"github.com/chatim/chat/asn1"
	"github.com/dave/jennifer/jen"
)

const (
	randPkg    = "math/rand/v2"
	randvalPkg = "github.com/chatim/chat/codecs/randval"
)

// genRandom emits the random-value package: New and one generator per
// type, biased to the edge cases of the encodings.
func (m *module) genRandom(f *jen.File) error {
	f.PackageComment(fmt.Sprintf("// Package %srand generates random values of the types of module %s,\n// biased to edge cases, for round-trip tests, fuzzing and benchmarks.", m.pkg, m.mod.Name))
	f.ImportName(randPkg, "rand")
	types := m.sortedAssignments()
	var cases []jen.Code
	for _, n := range types {
		var ret jen.Code
		if n.isChoice {
			ret = jen.Op("&").Qual(m.importPath, n.boxName).Values(jen.Id("Value").Op(":").Id("gen"+n.goName).Call(jen.Id("r"), jen.Qual(randvalPkg, "Budget")))
		} else {
			ret = jen.Id(n.goName).Call(jen.Id("r"))
		}
		cases = append(cases, jen.Case(jen.Lit(n.asn1Name)).Block(jen.Return(ret)))
	}
	cases = append(cases, jen.Default().Block(jen.Return(jen.Nil())))
	f.Comment(docf("New returns a random value of the type named name, or nil if the module\n// has no such type."))
	f.Func().Id("New").Params(jen.Id("name").String(), jen.Id("r").Op("*").Qual(randPkg, "Rand")).Qual(m.importPath, "Value").Block(
		jen.Switch(jen.Id("name")).Block(cases...))
	f.Line()
	for _, n := range types {
		f.Comment(docf("%s returns a random %s.", n.goName, n.asn1Name))
		if n.isChoice {
			f.Func().Id(n.goName).Params(jen.Id("r").Op("*").Qual(randPkg, "Rand")).Qual(m.importPath, n.goName).Block(
				jen.Return(jen.Id("gen"+n.goName).Call(jen.Id("r"), jen.Qual(randvalPkg, "Budget"))))
		} else {
			f.Func().Id(n.goName).Params(jen.Id("r").Op("*").Qual(randPkg, "Rand")).Op("*").Qual(m.importPath, n.goName).Block(
				jen.Id("v").Op(":=").Id("gen"+n.goName).Call(jen.Id("r"), jen.Qual(randvalPkg, "Budget")),
				jen.Return(jen.Op("&").Id("v")))
		}
		f.Line()
	}
	for _, n := range m.types {
		m.genRandType(f, n)
	}
	return nil
}

// randHelpersFile returns the module-independent helpers of the random
// package, with the header.
func (m *module) genRandType(f *jen.File, n *named) {
	typ := m.typeName(n.goName, true)
	r := jen.Id("r").Op("*").Qual(randPkg, "Rand")
	var body []jen.Code
	switch {
	case n.isChoice:
		var all, safe []jen.Code
		for _, fd := range n.fields {
			ret := jen.Return(jen.Op("&").Qual(m.importPath, fd.wrapper).Values(jen.Id("Value").Op(":").Add(m.randExpr(fd.f.Type, jen.Id("depth").Op("-").Lit(1)))))
			all = append(all, jen.Case(jen.Lit(len(all))).Block(ret))
			if m.occSafe(fd.f.Type) {
				safe = append(safe, jen.Case(jen.Lit(len(safe))).Block(ret))
			}
		}
		if len(safe) < len(all) && len(safe) > 0 {
			body = append(body, jen.If(jen.Id("depth").Op("<=").Lit(0)).Block(
				jen.Switch(jen.Id("r").Dot("IntN").Call(jen.Lit(len(safe)))).Block(safe...)))
		}
		body = append(body, jen.Switch(jen.Id("r").Dot("IntN").Call(jen.Lit(len(all)))).Block(all...), jen.Return(jen.Nil()))
	case n.def.Kind == asn1.Sequence || n.def.Kind == asn1.Set:
		body = append(body, jen.Var().Id("v").Add(typ))
		for _, fd := range n.fields {
			fv := jen.Id("v").Dot(fd.goName)
			val := m.randExpr(fd.f.Type, jen.Id("depth").Op("-").Lit(1))
			switch {
			case fd.f.Optional && m.isPointer(fd.f):
				body = append(body, jen.If(jen.Id("depth").Op(">").Lit(0).Op("&&").Id("r").Dot("IntN").Call(jen.Lit(3)).Op("!=").Lit(0)).Block(
					jen.Id("x").Op(":=").Add(val),
					jen.Add(fv).Op("=").Op("&").Id("x")))
			case fd.f.Optional:
				body = append(body, jen.If(jen.Id("depth").Op(">").Lit(0).Op("&&").Id("r").Dot("IntN").Call(jen.Lit(3)).Op("!=").Lit(0)).Block(
					jen.Add(fv).Op("=").Add(val)))
			case fd.f.Default != nil:
				body = append(body, jen.If(jen.Id("r").Dot("IntN").Call(jen.Lit(2)).Op("==").Lit(0)).Block(
					jen.Add(fv).Op("=").Add(m.qualDefault(fd))).Else().Block(jen.Add(fv).Op("=").Add(val)))
			default:
				body = append(body, jen.Add(fv).Op("=").Add(val))
			}
		}
		body = append(body, jen.Return(jen.Id("v")))
	case n.base.Kind == asn1.Enumerated && n.def.Kind == asn1.Enumerated:
		var vals []jen.Code
		for _, it := range n.items {
			vals = append(vals, jen.Qual(m.importPath, it.goName))
		}
		body = append(body,
			jen.Id("vals").Op(":=").Index(jen.Op("...")).Add(typ).Values(vals...),
			jen.Return(jen.Id("vals").Index(jen.Id("r").Dot("IntN").Call(jen.Len(jen.Id("vals"))))))
	case n.def.Kind == asn1.Reference:
		body = append(body, jen.Return(jen.Add(typ).Parens(jen.Id("gen"+m.target(n.def).goName).Call(jen.Id("r"), jen.Id("depth")))))
	default:
		body = append(body, jen.Return(jen.Add(typ).Parens(m.randBuiltin(n.def, jen.Id("depth")))))
	}
	f.Func().Id("gen"+n.goName).Params(r, jen.Id("depth").Int()).Add(typ).Block(body...)
	f.Line()
}

// qualDefault is the DEFAULT value qualified for use outside the package.
func (m *module) qualDefault(fd *field) jen.Code {
	if n := m.target(fd.f.Type); n != nil && fd.f.Default.Kind == asn1.IdentifierValue {
		for _, it := range n.items {
			if it.name == fd.f.Default.Ident {
				return jen.Qual(m.importPath, it.goName)
			}
		}
	}
	return m.defaultValue(fd)
}

func (m *module) occSafe(t *asn1.Type) bool {
	if n := m.target(t); n != nil {
		return n.safe
	}
	return true
}

// randExpr is an expression producing a random value of occurrence t.
func (m *module) randExpr(t *asn1.Type, depth jen.Code) jen.Code {
	if n := m.target(t); n != nil {
		return jen.Id("gen"+n.goName).Call(jen.Id("r"), depth)
	}
	return m.randBuiltin(t, depth)
}

// randFunc is a function value func(*rand.Rand, int) T for occurrence t.
func (m *module) randFunc(t *asn1.Type) jen.Code {
	if n := m.target(t); n != nil {
		return jen.Id("gen" + n.goName)
	}
	if t.Kind == asn1.SequenceOf || t.Kind == asn1.SetOf {
		return jen.Func().Params(jen.Id("r").Op("*").Qual(randPkg, "Rand"), jen.Id("depth").Int()).Add(m.goType(t, true)).Block(
			jen.Return(m.randBuiltin(t, jen.Id("depth"))))
	}
	return jen.Qual(randvalPkg, randFuncName(t.Kind))
}

func (m *module) randBuiltin(t *asn1.Type, depth jen.Code) jen.Code {
	if t.Kind == asn1.SequenceOf || t.Kind == asn1.SetOf {
		return jen.Qual(randvalPkg, "List").Call(jen.Id("r"), depth, m.randFunc(t.Elem))
	}
	return jen.Qual(randvalPkg, randFuncName(t.Kind)).Call(jen.Id("r"), depth)
}

func randFuncName(k asn1.Kind) string {
	switch k {
	case asn1.Boolean:
		return "Bool"
	case asn1.Integer, asn1.Enumerated:
		return "Int"
	case asn1.Null:
		return "Null"
	case asn1.OctetString:
		return "Octets"
	case asn1.Any:
		return "Any"
	case asn1.BitString:
		return "BitString"
	case asn1.ObjectIdentifier:
		return "OID"
	case asn1.UTF8String, asn1.UniversalString:
		return "Text"
	case asn1.IA5String:
		return "IA5"
	case asn1.PrintableString:
		return "Printable"
	case asn1.NumericString:
		return "Numeric"
	case asn1.UTCTime:
		return "UTCTime"
	case asn1.GeneralizedTime:
		return "GeneralizedTime"
	}
	return "Visible"
}

package gen

import "github.com/dave/jennifer/jen"

// genRegistry emits Value, Types and New: every type assignment by name.
func (m *module) genRegistry(f *jen.File) error {
	f.Comment(docf("Value is implemented by every type of the module (for a CHOICE, by its\n// holder): the codecs and the ASN.1 name."))
	f.Type().Id("Value").Interface(
		jen.Id("AppendDER").Params(jen.Index().Byte()).Index().Byte(),
		jen.Id("UnmarshalDER").Params(jen.Index().Byte()).Error(),
		jen.Id("UnmarshalDERNoCopy").Params(jen.Index().Byte()).Error(),
		jen.Id("AppendETF").Params(jen.Index().Byte()).Index().Byte(),
		jen.Id("UnmarshalETF").Params(jen.Index().Byte()).Error(),
		jen.Id("UnmarshalETFNoCopy").Params(jen.Index().Byte()).Error(),
		jen.Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()),
		jen.Id("UnmarshalJSON").Params(jen.Index().Byte()).Error(),
		jen.Id("ASN1Type").Params().String(),
	)
	f.Line()
	types := m.sortedAssignments()
	var names []jen.Code
	var cases []jen.Code
	for _, n := range types {
		names = append(names, jen.Lit(n.asn1Name))
		cases = append(cases, jen.Case(jen.Lit(n.asn1Name)).Block(jen.Return(jen.New(jen.Id(m.recv(n))), jen.True())))
	}
	f.Comment(docf("Types lists the ASN.1 names of the types of module %s, sorted.", m.mod.Name))
	f.Var().Id("Types").Op("=").Index().String().ValuesFunc(func(g *jen.Group) {
		for _, n := range names {
			g.Line().Add(n)
		}
		g.Line()
	})
	f.Line()
	f.Comment(docf("New returns a new zero value of the type named name (an ASN.1 name from\n// Types), or false if there is none."))
	cases = append(cases, jen.Default().Block(jen.Return(jen.Nil(), jen.False())))
	f.Func().Id("New").Params(jen.Id("name").String()).Params(jen.Id("Value"), jen.Bool()).Block(
		jen.Switch(jen.Id("name")).Block(cases...),
	)
	f.Line()
	// Compile-time checks that every registered type implements Value.
	var checks []jen.Code
	for _, n := range types {
		checks = append(checks, jen.Id("_").Id("Value").Op("=").Parens(jen.Op("*").Id(m.recv(n))).Parens(jen.Nil()))
	}
	if len(checks) > 0 {
		f.Var().Defs(checks...)
	}
	return nil
}

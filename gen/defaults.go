package gen

import (
	"strings"

	"github.com/chatim/chat/asn1"
	"github.com/dave/jennifer/jen"
)

// defaultValue is the Go expression of a component's DEFAULT value.
func (m *module) defaultValue(fd *field) jen.Code {
	v := fd.f.Default
	t := fd.f.Type
	k := baseKind(t)
	switch k {
	case asn1.Enumerated, asn1.Integer:
		if v.Kind == asn1.IdentifierValue {
			if n := m.target(t); n != nil {
				for _, it := range n.items {
					if it.name == v.Ident {
						return jen.Id(it.goName)
					}
				}
			}
			base, _ := t.Resolve()
			for _, nn := range base.Named {
				if nn.Name == v.Ident {
					return intLit(nn.Value)
				}
			}
		}
		return intLit(v.Int)
	case asn1.Boolean:
		return jen.Lit(v.Bool)
	case asn1.OctetString, asn1.Any:
		var bs []jen.Code
		for _, b := range v.Bytes {
			bs = append(bs, jen.Lit(int(b)))
		}
		if len(bs) == 0 {
			return jen.Nil()
		}
		return jen.Index().Byte().Values(bs...)
	case asn1.BitString:
		bits := ""
		if v.Kind == asn1.BitsValue {
			bits = strings.TrimRight(v.Str, "0")
		}
		var bs []jen.Code
		for i := 0; i < len(bits); i += 8 {
			var b byte
			for j := 0; j < 8 && i+j < len(bits); j++ {
				if bits[i+j] == '1' {
					b |= 0x80 >> j
				}
			}
			bs = append(bs, jen.Lit(int(b)))
		}
		if len(bs) == 0 {
			return jen.Qual(derPkg, "BitString").Values()
		}
		return jen.Qual(derPkg, "BitString").Values(jen.Dict{
			jen.Id("Bytes"):  jen.Index().Byte().Values(bs...),
			jen.Id("Length"): jen.Lit(len(bits)),
		})
	}
	if isString(k) {
		return jen.Lit(v.Str)
	}
	return intLit(v.Int)
}

// notDefault is the condition that a component differs from its DEFAULT.
func (m *module) notDefault(fd *field, x jen.Code) jen.Code { return m.cmpDefault(fd, x, false) }

// isDefault is the condition that a component equals its DEFAULT.
func (m *module) isDefault(fd *field, x jen.Code) jen.Code { return m.cmpDefault(fd, x, true) }

func (m *module) cmpDefault(fd *field, x jen.Code, eq bool) jen.Code {
	not := jen.Op("!")
	if eq {
		not = jen.Null()
	}
	switch baseKind(fd.f.Type) {
	case asn1.OctetString, asn1.Any:
		return jen.Add(not).Qual("bytes", "Equal").Call(x, m.defaultValue(fd))
	case asn1.BitString:
		d := m.defaultValue(fd)
		return jen.Add(not).Id("bitStringEqual").Call(jen.Qual(derPkg, "BitString").Parens(x), d)
	}
	op := "!="
	if eq {
		op = "=="
	}
	return jen.Add(x).Op(op).Add(m.defaultValue(fd))
}

package gen

import (
	"fmt"
	"strings"

	"github.com/chatim/chat/asn1"
)

// kindNames are the ASN.1 keywords of the built-in kinds.
var kindNames = map[asn1.Kind]string{
	asn1.Boolean: "BOOLEAN", asn1.Integer: "INTEGER", asn1.Enumerated: "ENUMERATED", asn1.Null: "NULL",
	asn1.OctetString: "OCTET STRING", asn1.BitString: "BIT STRING", asn1.ObjectIdentifier: "OBJECT IDENTIFIER",
	asn1.UTF8String: "UTF8String", asn1.UniversalString: "UniversalString", asn1.IA5String: "IA5String",
	asn1.PrintableString: "PrintableString", asn1.UTCTime: "UTCTime", asn1.GeneralizedTime: "GeneralizedTime",
	asn1.NumericString: "NumericString", asn1.VisibleString: "VisibleString", asn1.TeletexString: "TeletexString",
	asn1.BMPString: "BMPString", asn1.GeneralString: "GeneralString", asn1.GraphicString: "GraphicString",
	asn1.Real: "REAL", asn1.Any: "ANY", asn1.Sequence: "SEQUENCE", asn1.Set: "SET",
	asn1.SequenceOf: "SEQUENCE", asn1.SetOf: "SET", asn1.Choice: "CHOICE",
}

// asn1Text prints an assignment back in ASN.1 notation for doc comments.
func asn1Text(mod *asn1.Module, name string, t *asn1.Type) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteString(" ::= ")
	printType(&b, mod, t, 0)
	return b.String()
}

func printTags(b *strings.Builder, mod *asn1.Module, t *asn1.Type) {
	base, _ := t.Resolve()
	forced := base.Kind == asn1.Choice || base.Kind == asn1.Any
	for _, tag := range t.Tags {
		b.WriteByte('[')
		switch tag.Class {
		case asn1.Application:
			b.WriteString("APPLICATION ")
		case asn1.Private:
			b.WriteString("PRIVATE ")
		case asn1.Universal:
			b.WriteString("UNIVERSAL ")
		}
		fmt.Fprintf(b, "%d] ", tag.Number)
		switch {
		case tag.Explicit && mod.TagDefault != asn1.ExplicitTags && !forced:
			b.WriteString("EXPLICIT ")
		case !tag.Explicit && mod.TagDefault == asn1.ExplicitTags:
			b.WriteString("IMPLICIT ")
		}
	}
}

func printType(b *strings.Builder, mod *asn1.Module, t *asn1.Type, indent int) {
	printTags(b, mod, t)
	pad := strings.Repeat("    ", indent+1)
	switch t.Kind {
	case asn1.Reference:
		b.WriteString(t.Ref)
	case asn1.Sequence, asn1.Set, asn1.Choice:
		b.WriteString(kindNames[t.Kind])
		b.WriteString(" {")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n" + pad + f.Name + " ")
			printType(b, mod, f.Type, indent+1)
			if f.Optional {
				b.WriteString(" OPTIONAL")
			}
			if f.Default != nil {
				b.WriteString(" DEFAULT " + valueText(f.Default))
			}
		}
		if t.Extensible {
			if len(t.Fields) > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n" + pad + "...")
		}
		b.WriteString("\n" + strings.Repeat("    ", indent) + "}")
	case asn1.SequenceOf, asn1.SetOf:
		b.WriteString(kindNames[t.Kind])
		if t.Constraint != nil && t.Constraint.Size {
			b.WriteString(" (" + t.Constraint.Text + ")")
		}
		b.WriteString(" OF ")
		if t.ElemName != "" {
			b.WriteString(t.ElemName + " ")
		}
		printType(b, mod, t.Elem, indent)
		return
	case asn1.Enumerated, asn1.Integer:
		b.WriteString(kindNames[t.Kind])
		if len(t.Named) > 0 || t.Extensible {
			var parts []string
			for _, n := range t.Named {
				parts = append(parts, fmt.Sprintf("%s(%d)", n.Name, n.Value))
			}
			if t.Extensible {
				parts = append(parts, "...")
			}
			b.WriteString(" { " + strings.Join(parts, ", ") + " }")
		}
	case asn1.Any:
		b.WriteString("ANY")
		if t.DefinedBy != "" {
			b.WriteString(" DEFINED BY " + t.DefinedBy)
		}
	default:
		b.WriteString(kindNames[t.Kind])
	}
	if t.Constraint != nil && t.Kind != asn1.SequenceOf && t.Kind != asn1.SetOf {
		b.WriteString(" (" + t.Constraint.Text + ")")
	}
}

func valueText(v *asn1.Value) string {
	switch v.Kind {
	case asn1.IntegerValue:
		return fmt.Sprint(v.Int)
	case asn1.BooleanValue:
		if v.Bool {
			return "TRUE"
		}
		return "FALSE"
	case asn1.IdentifierValue:
		return v.Ident
	case asn1.StringValue:
		return fmt.Sprintf("%q", v.Str)
	case asn1.HexValue:
		return fmt.Sprintf("'%X'H", v.Bytes)
	case asn1.BitsValue:
		return "'" + v.Str + "'B"
	case asn1.NullValue:
		return "NULL"
	case asn1.EmptyValue:
		return "{}"
	case asn1.OIDValue:
		var parts []string
		for _, c := range v.OID {
			switch {
			case c.Name != "" && c.Number >= 0:
				parts = append(parts, fmt.Sprintf("%s(%d)", c.Name, c.Number))
			case c.Name != "":
				parts = append(parts, c.Name)
			default:
				parts = append(parts, fmt.Sprint(c.Number))
			}
		}
		return "{ " + strings.Join(parts, " ") + " }"
	}
	return "?"
}

// docComment renders a doc comment: the ASN.1 comment, then the
// definition as a code block. It starts with "//" so jennifer emits it
// verbatim.
func docComment(first string, comment string, def string) string {
	var lines []string
	lines = append(lines, first)
	if comment != "" {
		lines = append(lines, "")
		lines = append(lines, strings.Split(strings.TrimSpace(comment), "\n")...)
	}
	if def != "" {
		lines = append(lines, "")
		for _, l := range strings.Split(def, "\n") {
			lines = append(lines, "\t"+l)
		}
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		l = strings.TrimRight(l, " \t")
		if l == "" {
			b.WriteString("//")
			continue
		}
		if l[0] == '\t' {
			b.WriteString("//" + l)
		} else {
			b.WriteString("// " + l)
		}
	}
	return b.String()
}

// docf formats a comment as "//" lines, so jennifer emits it verbatim.
func docf(format string, args ...any) string {
	text := fmt.Sprintf(format, args...)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		l = strings.TrimPrefix(strings.TrimPrefix(l, "//"), " ")
		if l == "" {
			lines[i] = "//"
		} else {
			lines[i] = "// " + l
		}
	}
	return strings.Join(lines, "\n")
}

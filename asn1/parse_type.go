package asn1

import "strconv"

// This file parses types (X.680 §16-§31).

// simpleKinds maps the keywords that are a complete type by themselves.
var simpleKinds = map[string]Kind{
	"BOOLEAN":          Boolean,
	"NULL":             Null,
	"REAL":             Real,
	"UTF8String":       UTF8String,
	"UniversalString":  UniversalString,
	"IA5String":        IA5String,
	"PrintableString":  PrintableString,
	"NumericString":    NumericString,
	"VisibleString":    VisibleString,
	"ISO646String":     VisibleString,
	"TeletexString":    TeletexString,
	"T61String":        TeletexString,
	"VideotexString":   VideotexString,
	"BMPString":        BMPString,
	"GeneralString":    GeneralString,
	"GraphicString":    GraphicString,
	"UTCTime":          UTCTime,
	"GeneralizedTime":  GeneralizedTime,
	"ObjectDescriptor": ObjectDescriptor,
	"RELATIVE-OID":     RelativeOID,
}

// newType returns a Type of kind k at pos belonging to the current module.
func (p *parser) newType(k Kind, pos Pos) *Type {
	return &Type{Kind: k, Pos: pos, syn: &typeSyntax{mod: p.mod}}
}

// parseType parses Type: optional tags, a built-in type or a reference,
// then any constraints.
func (p *parser) parseType() *Type {
	p.enter()
	defer p.leave()
	start := p.tok()
	var tags []tagSyntax
	for p.isSym("[") {
		tags = append(tags, p.parseTag())
	}
	t := p.parseBareType()
	t.Pos = start.pos
	t.syn.tags = tags
	for p.isSym("(") {
		t.syn.constraints = append(t.syn.constraints, p.parseConstraint())
	}
	return t
}

// parseTag parses `[class number] [IMPLICIT|EXPLICIT]`.
func (p *parser) parseTag() tagSyntax {
	open := p.expectSym("[")
	tag := tagSyntax{pos: open.pos, class: Context}
	switch {
	case p.acceptKw("UNIVERSAL"):
		tag.class = Universal
	case p.acceptKw("APPLICATION"):
		tag.class = Application
	case p.acceptKw("PRIVATE"):
		tag.class = Private
	}
	switch t := p.tok(); t.kind {
	case tNumber:
		n, err := strconv.ParseUint(t.text, 10, 32)
		if err != nil {
			p.failf(t.pos, "tag number %s too large", t.text)
		}
		tag.num = int64(n)
		p.next()
	case tIdent, tTypeRef:
		tag.numRef = p.parseValue()
		if tag.numRef.Kind != IdentifierValue {
			p.failf(t.pos, "expected a tag number")
		}
	default:
		p.unexpected("a tag number")
	}
	p.expectSym("]")
	switch {
	case p.acceptKw("IMPLICIT"):
		tag.mode = tagImplicit
	case p.acceptKw("EXPLICIT"):
		tag.mode = tagExplicit
	}
	return tag
}

// parseBareType parses a built-in type or a type reference.
func (p *parser) parseBareType() *Type {
	t := p.tok()
	if t.kind == tTypeRef {
		p.next()
		typ := p.newType(Reference, t.pos)
		typ.Ref, typ.syn.refPos = t.text, t.pos
		if p.isSym(".") {
			n := p.peek(1)
			switch {
			case n.kind == tTypeRef:
				p.next()
				p.next()
				typ.RefModule, typ.Ref, typ.syn.external = t.text, n.text, true
			case n.kind == tSymbol && n.text == "&":
				// A class field type (X.681 §14): an open type.
				p.next()
				p.next()
				if k := p.tok().kind; k != tTypeRef && k != tIdent {
					p.unexpected("a field name")
				}
				p.next()
				typ.Kind, typ.Ref = Any, ""
			}
		}
		if p.isSym("{") {
			p.failf(p.tok().pos, "parameterized type %s is not supported", t.text)
		}
		return typ
	}
	if t.kind != tKeyword {
		p.unexpected("a type")
	}
	if k, ok := simpleKinds[t.text]; ok {
		p.next()
		return p.newType(k, t.pos)
	}
	p.next()
	switch t.text {
	case "INTEGER":
		typ := p.newType(Integer, t.pos)
		if p.isSym("{") {
			typ.syn.items = p.parseNamedNumbers(false)
		}
		return typ
	case "ENUMERATED":
		typ := p.newType(Enumerated, t.pos)
		if !p.isSym("{") {
			p.unexpected("'{'")
		}
		typ.syn.items = p.parseNamedNumbers(true)
		for _, it := range typ.syn.items {
			if it.extension {
				typ.Extensible = true
			}
		}
		if p.prevHadEllipsis {
			typ.Extensible = true
		}
		return typ
	case "BIT":
		p.expectKw("STRING")
		typ := p.newType(BitString, t.pos)
		if p.isSym("{") {
			typ.syn.items = p.parseNamedNumbers(false)
		}
		return typ
	case "OCTET":
		p.expectKw("STRING")
		return p.newType(OctetString, t.pos)
	case "OBJECT":
		p.expectKw("IDENTIFIER")
		return p.newType(ObjectIdentifier, t.pos)
	case "ANY":
		typ := p.newType(Any, t.pos)
		if p.acceptKw("DEFINED") {
			p.expectKw("BY")
			id := p.expectKind(tIdent, "a component name")
			typ.DefinedBy, typ.syn.definedBy = id.text, id.pos
		}
		return typ
	case "SEQUENCE", "SET":
		return p.parseStructured(t)
	case "CHOICE":
		typ := p.newType(Choice, t.pos)
		p.parseComponents(typ, true)
		return typ
	case "CHARACTER", "EMBEDDED", "EXTERNAL", "CLASS", "INSTANCE", "TYPE-IDENTIFIER", "ABSTRACT-SYNTAX":
		p.failf(t.pos, "type %s is not supported", t.text)
	}
	p.i--
	p.unexpected("a type")
	return nil
}

// parseStructured parses what follows SEQUENCE or SET: a component list,
// or [SIZE constraint | constraint] OF [name] Type.
func (p *parser) parseStructured(kw token) *Type {
	kind, ofKind := Sequence, SequenceOf
	if kw.text == "SET" {
		kind, ofKind = Set, SetOf
	}
	if p.isSym("{") {
		typ := p.newType(kind, kw.pos)
		p.parseComponents(typ, false)
		return typ
	}
	typ := p.newType(ofKind, kw.pos)
	switch {
	case p.isKw("SIZE"):
		start := p.tok()
		e := p.parseElements()
		typ.syn.constraints = append(typ.syn.constraints, &constraintSyntax{
			pos: start.pos, text: p.text(start, p.prev()), root: &elemSet{unions: [][]*elem{{e}}},
		})
	case p.isSym("("):
		typ.syn.constraints = append(typ.syn.constraints, p.parseConstraint())
	}
	p.expectKw("OF")
	if p.tok().kind == tIdent {
		typ.ElemName = p.next().text
	}
	typ.Elem = p.parseType()
	return typ
}

// parseComponents parses `{ ComponentTypeLists }` of a SEQUENCE or SET,
// or the alternatives of a CHOICE, into typ.Fields.
func (p *parser) parseComponents(typ *Type, choice bool) {
	p.expectSym("{")
	markers := 0
	for !p.isSym("}") {
		switch {
		case p.isSym("..."):
			t := p.next()
			markers++
			if markers > 2 || choice && markers > 1 {
				p.failf(t.pos, "too many extension markers")
			}
			if !typ.Extensible {
				typ.Extensible, typ.syn.extPos = true, t.pos
			}
			if p.acceptSym("!") {
				p.skipBalanced(",", "}")
			}
		case p.isSym("[["):
			p.next()
			if p.tok().kind == tNumber && p.peek(1).kind == tSymbol && p.peek(1).text == ":" {
				p.next()
				p.next()
			}
			for !p.isSym("]]") {
				f := p.parseComponent(choice)
				f.Extension = true
				typ.Fields = append(typ.Fields, f)
				if !p.acceptSym(",") {
					break
				}
			}
			p.expectSym("]]")
		default:
			f := p.parseComponent(choice)
			f.Extension = markers == 1
			typ.Fields = append(typ.Fields, f)
		}
		if !p.acceptSym(",") {
			break
		}
	}
	p.expectSym("}")
}

// parseComponent parses one NamedType with its OPTIONAL or DEFAULT, or a
// COMPONENTS OF Type.
func (p *parser) parseComponent(choice bool) *Field {
	t := p.tok()
	if !choice && p.acceptKw("COMPONENTS") {
		p.expectKw("OF")
		return &Field{Type: p.parseType(), Pos: t.pos, componentsOf: true, Comment: t.doc}
	}
	name := p.expectKind(tIdent, "a component name")
	f := &Field{Name: name.text, Pos: name.pos, Comment: name.doc}
	f.Type = p.parseType()
	if choice {
		return f
	}
	switch {
	case p.acceptKw("OPTIONAL"):
		f.Optional = true
	case p.acceptKw("DEFAULT"):
		f.Default = p.parseValue()
	}
	return f
}

// parseNamedNumbers parses `{ name(n), name, ... }` for INTEGER and BIT
// STRING, and the items of an ENUMERATED when enum is set (bare names and
// the extension marker allowed).
func (p *parser) parseNamedNumbers(enum bool) []itemSyntax {
	p.expectSym("{")
	p.prevHadEllipsis = false
	var items []itemSyntax
	ext := false
	for {
		if enum && p.isSym("...") {
			t := p.next()
			if ext {
				p.failf(t.pos, "too many extension markers")
			}
			ext, p.prevHadEllipsis = true, true
			if p.acceptSym("!") {
				p.skipBalanced(",", "}")
			}
		} else {
			name := p.expectKind(tIdent, "an identifier")
			it := itemSyntax{name: name.text, pos: name.pos, extension: ext}
			if p.acceptSym("(") {
				it.hasNum = true
				it.num = p.parseValue()
				if it.num.Kind != IntegerValue && it.num.Kind != IdentifierValue {
					p.failf(it.num.Pos, "expected a number or a value reference")
				}
				p.expectSym(")")
			} else if !enum {
				p.unexpected("'('")
			}
			items = append(items, it)
		}
		if !p.acceptSym(",") {
			break
		}
	}
	p.expectSym("}")
	return items
}

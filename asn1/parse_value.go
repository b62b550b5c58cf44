package asn1

import (
	"encoding/hex"
	"strconv"
)

// This file parses value notation (X.680 §17 and the value productions
// of each type).

// parseValue parses one Value.
func (p *parser) parseValue() *Value {
	p.enter()
	defer p.leave()
	t := p.tok()
	v := &Value{Pos: t.pos}
	switch t.kind {
	case tNumber:
		p.next()
		v.Kind, v.Int = IntegerValue, p.parseInt(t, false)
	case tCString:
		p.next()
		v.Kind, v.Str = StringValue, t.text
	case tBString:
		p.next()
		v.Kind, v.Str = BitsValue, t.text
	case tHString:
		p.next()
		s := t.text
		if len(s)%2 == 1 {
			s += "0" // X.680 §22.10: a trailing zero completes the last octet
		}
		b, err := hex.DecodeString(s)
		if err != nil {
			p.failf(t.pos, "invalid hexadecimal string")
		}
		v.Kind, v.Bytes, v.Str = HexValue, b, t.text
	case tIdent:
		p.next()
		if p.acceptSym(":") {
			v.Kind, v.Ident = ChoiceValue, t.text
			v.Elems = []*Value{p.parseValue()}
			return v
		}
		v.Kind, v.Ident = IdentifierValue, t.text
	case tTypeRef:
		if n := p.peek(1); n.kind == tSymbol && n.text == "." && p.peek(2).kind == tIdent {
			p.next()
			p.next()
			v.Kind, v.Ident, v.refModule = IdentifierValue, p.next().text, t.text
			return v
		}
		p.unexpected("a value")
	case tKeyword:
		switch t.text {
		case "TRUE", "FALSE":
			p.next()
			v.Kind, v.Bool = BooleanValue, t.text == "TRUE"
		case "NULL":
			p.next()
			v.Kind = NullValue
		case "PLUS-INFINITY", "MINUS-INFINITY":
			p.next()
			v.Kind, v.Ident = IdentifierValue, t.text
		default:
			p.unexpected("a value")
		}
	case tSymbol:
		switch t.text {
		case "-":
			p.next()
			n := p.expectKind(tNumber, "a number")
			v.Kind, v.Int = IntegerValue, p.parseInt(n, true)
		case "{":
			return p.parseBraceValue()
		default:
			p.unexpected("a value")
		}
	default:
		p.unexpected("a value")
	}
	return v
}

// parseInt converts a number token, negated when neg is set.
func (p *parser) parseInt(t token, neg bool) int64 {
	s := t.text
	if neg {
		s = "-" + s
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.failf(t.pos, "number %s out of range", s)
	}
	return n
}

// parseBraceValue parses `{ ... }`: empty, an OBJECT IDENTIFIER value, or
// a list of (optionally named) values.
func (p *parser) parseBraceValue() *Value {
	open := p.expectSym("{")
	v := &Value{Pos: open.pos}
	if p.acceptSym("}") {
		v.Kind = EmptyValue
		return v
	}
	save := p.i
	if comps, ok := p.tryOID(); ok {
		v.Kind, v.OID = OIDValue, comps
		return v
	}
	p.i = save
	v.Kind = ListValue
	for {
		var e *Value
		if t := p.tok(); t.kind == tIdent {
			n := p.peek(1)
			if !(n.kind == tSymbol && (n.text == "," || n.text == "}" || n.text == ":")) {
				p.next()
				e = p.parseValue()
				e.Name = t.text
			}
		}
		if e == nil {
			e = p.parseValue()
		}
		v.Elems = append(v.Elems, e)
		if !p.acceptSym(",") {
			break
		}
	}
	p.expectSym("}")
	return v
}

// tryOID parses ObjIdComponents up to and including the closing brace.
// It reports false, leaving the position undefined, when the contents
// are not an OBJECT IDENTIFIER value.
func (p *parser) tryOID() ([]OIDComponent, bool) {
	var comps []OIDComponent
	for {
		t := p.tok()
		switch {
		case t.kind == tNumber:
			n, err := strconv.ParseInt(t.text, 10, 64)
			if err != nil {
				return nil, false
			}
			p.next()
			comps = append(comps, OIDComponent{Number: n, pos: t.pos})
		case t.kind == tIdent:
			p.next()
			c := OIDComponent{Name: t.text, Number: -1, pos: t.pos}
			if p.isSym("(") {
				n := p.peek(1)
				if n.kind != tNumber || !(p.peek(2).kind == tSymbol && p.peek(2).text == ")") {
					return nil, false
				}
				num, err := strconv.ParseInt(n.text, 10, 64)
				if err != nil {
					return nil, false
				}
				p.next()
				p.next()
				p.next()
				c.Number = num
			}
			comps = append(comps, c)
		case t.kind == tSymbol && t.text == "}":
			p.next()
			return comps, len(comps) > 0
		default:
			return nil, false
		}
	}
}

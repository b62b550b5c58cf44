package asn1

// This file parses the module header, EXPORTS, IMPORTS and assignments
// (X.680 §13 and §15).

// parseModule parses one ModuleDefinition.
func (p *parser) parseModule() *Module {
	name := p.expectKind(tTypeRef, "module name")
	m := &Module{Name: name.text, File: p.file, Pos: name.pos, Comment: name.doc}
	p.mod = m
	if p.isSym("{") {
		start := p.tok()
		p.parseValue()
		m.OID = p.text(start, p.prev())
	}
	if p.tok().kind == tCString { // DefinitiveIRI
		p.next()
	}
	p.expectKw("DEFINITIONS")
	switch {
	case p.acceptKw("EXPLICIT"):
		p.expectKw("TAGS")
	case p.acceptKw("IMPLICIT"):
		m.TagDefault = ImplicitTags
		p.expectKw("TAGS")
	case p.acceptKw("AUTOMATIC"):
		m.TagDefault = AutomaticTags
		p.expectKw("TAGS")
	}
	if p.acceptKw("EXTENSIBILITY") {
		p.expectKw("IMPLIED")
		m.ExtensibilityImplied = true
	}
	p.expectSym("::=")
	p.expectKw("BEGIN")
	if p.acceptKw("EXPORTS") {
		if p.acceptKw("ALL") {
			p.expectSym(";")
		} else {
			m.Exports = []string{}
			for !p.isSym(";") {
				sym, pos := p.parseSymbol()
				m.Exports = append(m.Exports, sym)
				m.exportPos = append(m.exportPos, pos)
				if !p.acceptSym(",") {
					break
				}
			}
			p.expectSym(";")
		}
	}
	if p.acceptKw("IMPORTS") {
		p.parseImports(m)
	}
	for !p.isKw("END") {
		p.parseAssignment(m)
	}
	p.expectKw("END")
	return m
}

// parseSymbol parses one symbol of EXPORTS or IMPORTS, allowing the
// `Name{}` form of parameterized references.
func (p *parser) parseSymbol() (string, Pos) {
	t := p.tok()
	if t.kind != tTypeRef && t.kind != tIdent {
		p.unexpected("a symbol")
	}
	p.next()
	if p.isSym("{") && p.peek(1).kind == tSymbol && p.peek(1).text == "}" {
		p.next()
		p.next()
	}
	return t.text, t.pos
}

// parseImports parses the list after IMPORTS up to its semicolon.
func (p *parser) parseImports(m *Module) {
	for !p.isSym(";") {
		var imp Import
		for {
			sym, pos := p.parseSymbol()
			imp.Symbols = append(imp.Symbols, sym)
			imp.SymbolPos = append(imp.SymbolPos, pos)
			if !p.acceptSym(",") {
				break
			}
		}
		p.expectKw("FROM")
		mt := p.expectKind(tTypeRef, "module name")
		imp.Module, imp.Pos = mt.text, mt.pos
		switch t := p.tok(); {
		case p.isSym("{"):
			p.parseValue()
			imp.OID = p.text(t, p.prev())
		case t.kind == tIdent:
			// An AssignedIdentifier value reference, unless it is the
			// first symbol of the next list.
			n := p.peek(1)
			if !(n.kind == tSymbol && n.text == ",") && !(n.kind == tKeyword && n.text == "FROM") &&
				!(n.kind == tSymbol && n.text == "{") {
				p.next()
				imp.OID = t.text
			}
		}
		m.Imports = append(m.Imports, imp)
	}
	p.expectSym(";")
}

// parseAssignment parses a type or value assignment.
func (p *parser) parseAssignment(m *Module) {
	t := p.tok()
	switch t.kind {
	case tTypeRef:
		if n := p.peek(1); n.kind == tSymbol && n.text == "{" {
			p.failf(t.pos, "parameterized assignment %s is not supported", t.text)
		}
		p.next()
		if !p.isSym("::=") {
			p.unexpected("'::='")
		}
		p.next()
		typ := p.parseType()
		m.Types = append(m.Types, &TypeAssignment{Name: t.text, Module: m, Type: typ, Pos: t.pos, Comment: t.doc})
	case tIdent:
		p.next()
		typ := p.parseType()
		p.expectSym("::=")
		v := p.parseValue()
		m.Values = append(m.Values, &ValueAssignment{Name: t.text, Module: m, Type: typ, Value: v, Pos: t.pos})
	case tKeyword:
		// A 1988 module may define a type that later became built in
		// (UniversalString ::= [UNIVERSAL 28] IMPLICIT OCTET STRING, as in
		// RFC 5280). The name is a reserved word now and every use of it
		// denotes the built-in type, so the definition is parsed and dropped.
		if _, builtin := simpleKinds[t.text]; builtin && p.peek(1).kind == tSymbol && p.peek(1).text == "::=" {
			p.next()
			p.next()
			p.parseType()
			return
		}
		p.unexpected("an assignment or END")
	default:
		p.unexpected("an assignment or END")
	}
}

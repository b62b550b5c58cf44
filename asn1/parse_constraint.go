package asn1

// This file parses constraints (X.680 §49-§51). Every form is parsed;
// only SIZE, value ranges and single values are kept for evaluation.

// parseConstraint parses `( ConstraintSpec [! ExceptionSpec] )`.
func (p *parser) parseConstraint() *constraintSyntax {
	p.enter()
	defer p.leave()
	open := p.expectSym("(")
	c := &constraintSyntax{pos: open.pos}
	if p.isSym("...") {
		p.next()
		c.extensible = true
		if p.acceptSym(",") {
			p.parseElementSet()
		}
	} else {
		c.root = p.parseElementSet()
		if p.acceptSym(",") {
			p.expectSym("...")
			c.extensible = true
			if p.acceptSym(",") {
				p.parseElementSet()
			}
		}
	}
	if p.acceptSym("!") {
		p.skipBalanced(")")
	}
	end := p.expectSym(")")
	c.text = p.text(open, end)
	return c
}

// parseElementSet parses Unions of Intersections.
func (p *parser) parseElementSet() *elemSet {
	p.enter()
	defer p.leave()
	s := &elemSet{}
	for {
		var inter []*elem
		for {
			e := p.parseElements()
			if p.acceptKw("EXCEPT") {
				p.parseElements() // A EXCEPT B stays within A
			}
			inter = append(inter, e)
			if p.acceptSym("^") || p.acceptKw("INTERSECTION") {
				continue
			}
			break
		}
		s.unions = append(s.unions, inter)
		if p.acceptSym("|") || p.acceptKw("UNION") {
			continue
		}
		return s
	}
}

// parseElements parses one Elements production.
func (p *parser) parseElements() *elem {
	p.enter()
	defer p.leave()
	t := p.tok()
	other := &elem{kind: elemOther}
	switch t.kind {
	case tSymbol:
		switch t.text {
		case "(":
			p.next()
			s := p.parseElementSet()
			p.expectSym(")")
			return &elem{kind: elemNested, set: s}
		case "{":
			// An object set or a table constraint: { Set } { @a.b }.
			p.next()
			p.skipBalanced()
			p.expectSym("}")
			if p.isSym("{") {
				p.next()
				p.skipBalanced()
				p.expectSym("}")
			}
			return other
		}
	case tKeyword:
		switch t.text {
		case "ALL":
			p.next()
			p.expectKw("EXCEPT")
			p.parseElements()
			return other
		case "SIZE":
			p.next()
			c := p.parseConstraint()
			if c.root == nil {
				return other
			}
			return &elem{kind: elemSize, set: c.root}
		case "FROM", "WITH", "PATTERN", "CONTAINING", "ENCODED", "INCLUDES":
			p.parseOtherElement()
			return other
		case "MIN", "MAX", "TRUE", "FALSE", "NULL", "PLUS-INFINITY", "MINUS-INFINITY":
			// values, handled below
		default:
			p.parseType() // a contained subtype
			return other
		}
	case tTypeRef:
		if n := p.peek(1); !(n.kind == tSymbol && n.text == ".") {
			p.parseType()
			return other
		}
	}
	e := &elem{kind: elemRange}
	e.lo = p.parseBound()
	if p.acceptSym("<") {
		e.lo.open = true
	}
	if !e.lo.open && !p.isSym("..") {
		e.hi = e.lo
		return e
	}
	p.expectSym("..")
	if p.acceptSym("<") {
		e.hi.open = true
	}
	hi := p.parseBound()
	e.hi.kind, e.hi.val = hi.kind, hi.val
	return e
}

// parseOtherElement parses the constraint forms that are not evaluated.
func (p *parser) parseOtherElement() {
	switch t := p.next(); t.text {
	case "FROM":
		p.parseConstraint()
	case "WITH":
		if p.acceptKw("COMPONENT") {
			p.parseConstraint()
			return
		}
		p.expectKw("COMPONENTS")
		p.expectSym("{")
		p.skipBalanced()
		p.expectSym("}")
	case "PATTERN":
		p.parseValue()
	case "CONTAINING":
		p.parseType()
		if p.acceptKw("ENCODED") {
			p.expectKw("BY")
			p.parseValue()
		}
	case "ENCODED":
		p.expectKw("BY")
		p.parseValue()
	case "INCLUDES":
		p.parseType()
	}
}

// parseBound parses MIN, MAX or a value.
func (p *parser) parseBound() bound {
	switch {
	case p.acceptKw("MIN"):
		return bound{kind: boundMin}
	case p.acceptKw("MAX"):
		return bound{kind: boundMax}
	}
	return bound{kind: boundValue, val: p.parseValue()}
}

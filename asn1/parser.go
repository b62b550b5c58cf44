package asn1

import (
	"fmt"
	"strings"
)

// maxDepth bounds the nesting of types, values and constraints.
const maxDepth = 100

// parser is a recursive-descent parser over the tokens of one file.
// Syntax errors abort the parse through a bailout panic recovered in
// parseModules; the first error is the one reported.
type parser struct {
	file  string
	src   []byte
	toks  []token
	i     int
	depth int
	mod   *Module

	prevHadEllipsis bool // set by parseNamedNumbers when it met `...`
}

// bailout carries a syntax error up to parseModules.
type bailout struct{ err *Error }

// parseModules parses every module definition in src.
func parseModules(file string, src []byte) (mods []*Module, err *Error) {
	toks, lerr := lex(file, src)
	if lerr != nil {
		return nil, lerr
	}
	p := &parser{file: file, src: src, toks: toks}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			mods, err = nil, b.err
		}
	}()
	for p.tok().kind != tEOF {
		mods = append(mods, p.parseModule())
	}
	if len(mods) == 0 {
		p.failf(p.tok().pos, "expected a module definition, found end of file")
	}
	return mods, nil
}

func (p *parser) tok() token { return p.toks[p.i] }

// peek returns the token n places ahead (0 is the current one).
func (p *parser) peek(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) failf(pos Pos, format string, args ...any) {
	panic(bailout{&Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}})
}

// describe names a token for a message.
func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tNumber:
		return "number " + t.text
	case tCString:
		return "string"
	case tBString, tHString:
		return "quoted string"
	case tSymbol:
		return "'" + t.text + "'"
	}
	return "'" + t.text + "'"
}

// unexpected aborts with "expected X, found Y".
func (p *parser) unexpected(what string) {
	p.failf(p.tok().pos, "expected %s, found %s", what, describe(p.tok()))
}

func (p *parser) isSym(s string) bool { t := p.tok(); return t.kind == tSymbol && t.text == s }
func (p *parser) isKw(s string) bool  { t := p.tok(); return t.kind == tKeyword && t.text == s }

func (p *parser) acceptSym(s string) bool {
	if p.isSym(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) acceptKw(s string) bool {
	if p.isKw(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectSym(s string) token {
	if !p.isSym(s) {
		p.unexpected("'" + s + "'")
	}
	return p.next()
}

func (p *parser) expectKw(s string) token {
	if !p.isKw(s) {
		p.unexpected(s)
	}
	return p.next()
}

func (p *parser) expectKind(k tokKind, what string) token {
	if p.tok().kind != k {
		p.unexpected(what)
	}
	return p.next()
}

// enter guards recursion depth; the caller defers p.leave().
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.failf(p.tok().pos, "nesting too deep (more than %d levels)", maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

// text returns the source from token from to token to (inclusive) with
// runs of white space collapsed.
func (p *parser) text(from, to token) string {
	if from.off > to.end || to.end > len(p.src) {
		return ""
	}
	return strings.Join(strings.Fields(string(p.src[from.off:to.end])), " ")
}

// prev returns the last consumed token.
func (p *parser) prev() token {
	if p.i == 0 {
		return p.toks[0]
	}
	return p.toks[p.i-1]
}

// skipBalanced consumes tokens up to (not including) the first of stop
// found outside brackets, or the closing bracket of an enclosing group.
func (p *parser) skipBalanced(stop ...string) {
	depth := 0
	for {
		t := p.tok()
		if t.kind == tEOF {
			p.unexpected("')'")
		}
		if t.kind == tSymbol || t.kind == tKeyword {
			if depth == 0 {
				for _, s := range stop {
					if t.text == s {
						return
					}
				}
			}
			switch t.text {
			case "(", "{", "[", "[[":
				depth++
			case ")", "}", "]", "]]":
				if depth == 0 {
					return
				}
				depth--
			}
		}
		p.next()
	}
}

package asn1

import (
	"strings"
)

// tokKind is the lexical class of a token (X.680 §12).
type tokKind int

const (
	tEOF     tokKind = iota
	tTypeRef         // an identifier starting with an upper-case letter
	tIdent           // an identifier starting with a lower-case letter
	tKeyword         // a reserved word (X.680 §12.38)
	tNumber          // a non-negative decimal number
	tCString         // "text"
	tBString         // '0101'B
	tHString         // 'CAFE'H
	tSymbol          // punctuation: ::= ... .. [[ ]] { } ( ) [ ] , . ; | ! < > @ - ^ & :
)

// token is one lexical item. Doc holds the comment block written on the
// lines directly above it, without comment markers.
type token struct {
	kind tokKind
	text string // identifiers, keywords, symbols; string contents without quotes
	pos  Pos
	off  int // byte offset of the first byte
	end  int // byte offset after the last byte
	doc  string
}

// keywords are the reserved words of X.680 plus the 1988 ANY and DEFINED.
var keywords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ABSENT ABSTRACT-SYNTAX ALL ANY APPLICATION AUTOMATIC BEGIN BIT
		BMPString BOOLEAN BY CHARACTER CHOICE CLASS COMPONENT COMPONENTS CONSTRAINED CONTAINING
		DEFAULT DEFINED DEFINITIONS EMBEDDED ENCODED END ENUMERATED EXCEPT EXPLICIT EXPORTS
		EXTENSIBILITY EXTERNAL FALSE FROM GeneralizedTime GeneralString GraphicString IA5String
		IDENTIFIER IMPLICIT IMPLIED IMPORTS INCLUDES INSTANCE INTEGER INTERSECTION ISO646String
		MAX MIN MINUS-INFINITY NULL NumericString OBJECT ObjectDescriptor OCTET OF OPTIONAL
		PATTERN PDV PLUS-INFINITY PRESENT PrintableString PRIVATE REAL RELATIVE-OID SEQUENCE SET
		SIZE STRING SYNTAX T61String TAGS TeletexString TRUE TYPE-IDENTIFIER UNION UNIQUE
		UNIVERSAL UniversalString UTCTime UTF8String VideotexString VisibleString WITH`) {
		keywords[w] = true
	}
}

// maxTokens bounds the number of tokens of one file (a guard against
// unbounded memory on hostile input).
const maxTokens = 1 << 20

// lexer splits one file into tokens.
type lexer struct {
	file string
	src  []byte
	off  int
	line int
	col  int // 1-based column of src[off]

	lastLine int      // line on which the previous token ended
	docs     []string // pending comment block
	docEnd   int      // line on which the pending block ends
}

// lex returns the tokens of src, ending with a tEOF token.
func lex(file string, src []byte) ([]token, *Error) {
	lx := &lexer{file: file, src: src, line: 1, col: 1}
	toks := make([]token, 0, min(len(src)/4, 1<<14)+16)
	for {
		t, err := lx.next()
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		if t.kind == tEOF {
			return toks, nil
		}
		if len(toks) > maxTokens {
			return nil, &Error{Pos: t.pos, Msg: "file too large"}
		}
	}
}

func (lx *lexer) pos() Pos { return Pos{File: lx.file, Line: lx.line, Column: lx.col} }

func (lx *lexer) errorf(p Pos, msg string) *Error { return &Error{Pos: p, Msg: msg} }

// advance moves over n bytes, tracking lines and columns.
func (lx *lexer) advance(n int) {
	for i := 0; i < n && lx.off < len(lx.src); i++ {
		if lx.src[lx.off] == '\n' {
			lx.line++
			lx.col = 1
		} else {
			lx.col++
		}
		lx.off++
	}
}

func (lx *lexer) peek(i int) byte {
	if lx.off+i < len(lx.src) {
		return lx.src[lx.off+i]
	}
	return 0
}

// comment records a comment for doc purposes. A comment that starts on
// the line of the previous token trails it and is not a doc comment.
func (lx *lexer) comment(start, end int, text string) {
	if start == lx.lastLine {
		lx.docs = nil
		return
	}
	if len(lx.docs) > 0 && start > lx.docEnd+1 {
		lx.docs = nil
	}
	text = strings.TrimSpace(text)
	lx.docs = append(lx.docs, text)
	lx.docEnd = end
}

// skip passes over white space and comments.
func (lx *lexer) skip() *Error {
	for lx.off < len(lx.src) {
		c := lx.src[lx.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			lx.advance(1)
		case c == '-' && lx.peek(1) == '-':
			startLine := lx.line
			lx.advance(2)
			begin := lx.off
			end := len(lx.src)
			for i := lx.off; i < len(lx.src); i++ {
				if lx.src[i] == '\n' || lx.src[i] == '\r' {
					end = i
					break
				}
				if lx.src[i] == '-' && i+1 < len(lx.src) && lx.src[i+1] == '-' {
					end = i
					break
				}
			}
			text := string(lx.src[begin:end])
			lx.advance(end - begin)
			if lx.peek(0) == '-' {
				lx.advance(2)
			}
			lx.comment(startLine, lx.line, text)
		case c == '/' && lx.peek(1) == '*':
			p := lx.pos()
			lx.advance(2)
			begin := lx.off
			depth := 1
			for depth > 0 {
				if lx.off >= len(lx.src) {
					return lx.errorf(p, "comment not terminated")
				}
				switch {
				case lx.peek(0) == '/' && lx.peek(1) == '*':
					depth++
					lx.advance(2)
				case lx.peek(0) == '*' && lx.peek(1) == '/':
					depth--
					lx.advance(2)
				default:
					lx.advance(1)
				}
			}
			lx.comment(p.Line, lx.line, blockText(string(lx.src[begin:lx.off-2])))
		default:
			return nil
		}
	}
	return nil
}

// blockText strips the decoration of a /* */ comment body.
func blockText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(l, "*")
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// symbols lists the punctuation, longest first.
var symbols = []string{"::=", "...", "..", "[[", "]]", "{", "}", "(", ")", "[", "]", ",", ".", ";", "|", "!", "<", ">", "@", "-", "^", "&", ":", "*", "="}

func (lx *lexer) next() (token, *Error) {
	if err := lx.skip(); err != nil {
		return token{}, err
	}
	t := token{pos: lx.pos(), off: lx.off}
	if len(lx.docs) > 0 && lx.docEnd >= lx.line-1 && lx.lastLine != lx.line {
		t.doc = strings.Join(lx.docs, "\n")
	}
	lx.docs = nil
	defer func() { lx.lastLine = lx.line }()
	if lx.off >= len(lx.src) {
		t.kind = tEOF
		t.end = lx.off
		return t, nil
	}
	c := lx.src[lx.off]
	switch {
	case isLetter(c):
		i := lx.off + 1
		for i < len(lx.src) {
			d := lx.src[i]
			if isLetter(d) || isDigit(d) {
				i++
				continue
			}
			if d == '-' && i+1 < len(lx.src) && (isLetter(lx.src[i+1]) || isDigit(lx.src[i+1])) {
				i++
				continue
			}
			break
		}
		t.text = string(lx.src[lx.off:i])
		switch {
		case keywords[t.text]:
			t.kind = tKeyword
		case c >= 'A' && c <= 'Z':
			t.kind = tTypeRef
		default:
			t.kind = tIdent
		}
		lx.advance(i - lx.off)
	case isDigit(c):
		i := lx.off
		for i < len(lx.src) && isDigit(lx.src[i]) {
			i++
		}
		t.kind = tNumber
		t.text = string(lx.src[lx.off:i])
		lx.advance(i - lx.off)
	case c == '"':
		lx.advance(1)
		var b strings.Builder
		for {
			if lx.off >= len(lx.src) {
				return t, lx.errorf(t.pos, "string not terminated")
			}
			if lx.src[lx.off] == '"' {
				if lx.peek(1) == '"' {
					b.WriteByte('"')
					lx.advance(2)
					continue
				}
				lx.advance(1)
				break
			}
			b.WriteByte(lx.src[lx.off])
			lx.advance(1)
		}
		t.kind = tCString
		t.text = b.String()
	case c == '\'':
		lx.advance(1)
		var b strings.Builder
		for {
			if lx.off >= len(lx.src) {
				return t, lx.errorf(t.pos, "string not terminated")
			}
			d := lx.src[lx.off]
			lx.advance(1)
			if d == '\'' {
				break
			}
			if d == ' ' || d == '\t' || d == '\n' || d == '\r' {
				continue
			}
			b.WriteByte(d)
		}
		s := b.String()
		switch lx.peek(0) {
		case 'B':
			for i := 0; i < len(s); i++ {
				if s[i] != '0' && s[i] != '1' {
					return t, lx.errorf(t.pos, "invalid binary string '"+s+"'B")
				}
			}
			t.kind = tBString
		case 'H':
			for i := 0; i < len(s); i++ {
				if !isDigit(s[i]) && !(s[i] >= 'A' && s[i] <= 'F') {
					return t, lx.errorf(t.pos, "invalid hexadecimal string '"+s+"'H")
				}
			}
			t.kind = tHString
		default:
			return t, lx.errorf(t.pos, "quoted string must end in 'B or 'H")
		}
		lx.advance(1)
		t.text = s
	default:
		for _, s := range symbols {
			if strings.HasPrefix(string(lx.src[lx.off:min(lx.off+3, len(lx.src))]), s) {
				t.kind = tSymbol
				t.text = s
				lx.advance(len(s))
				t.end = lx.off
				return t, nil
			}
		}
		return t, lx.errorf(t.pos, "unexpected character "+quoteChar(c))
	}
	t.end = lx.off
	return t, nil
}

// quoteChar formats a byte for a message.
func quoteChar(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return "'" + string(rune(c)) + "'"
	}
	return "0x" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15]))
}

package inspect

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"unicode/utf8"
)

// Term is one Erlang term of an External Term Format payload.
type Term struct {
	Offset   int
	Kind     string // atom, integer, binary, string, list, tuple, nil, ...
	Text     string // rendering of a leaf
	Children []*Term
	Label    string
}

// ErrBadETF reports input that is not External Term Format.
var ErrBadETF = errors.New("inspect: malformed ETF")

// maxInflate bounds a compressed term's declared size.
const maxInflate = 64 << 20

// ParseETF parses one versioned term. A compressed term is inflated first;
// offsets inside it then count from the start of the inflated data, and
// the returned note says so.
func ParseETF(data []byte) (*Term, string, error) {
	if len(data) == 0 || data[0] != 131 {
		return nil, "", fmt.Errorf("%w: missing version byte 131 at offset 0", ErrBadETF)
	}
	note := ""
	body := data[1:]
	base := 1
	if len(body) > 0 && body[0] == 80 {
		if len(body) < 5 {
			return nil, "", fmt.Errorf("%w: truncated compressed header at offset 1", ErrBadETF)
		}
		size := binary.BigEndian.Uint32(body[1:5])
		if size > maxInflate {
			return nil, "", fmt.Errorf("%w: compressed term claims %d bytes", ErrBadETF, size)
		}
		zr, err := zlib.NewReader(bytes.NewReader(body[5:]))
		if err != nil {
			return nil, "", fmt.Errorf("%w: compressed term at offset 6: %v", ErrBadETF, err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, int64(size)+1))
		if err != nil || len(out) != int(size) {
			return nil, "", fmt.Errorf("%w: compressed term does not inflate to its declared %d bytes", ErrBadETF, size)
		}
		body, base = out, 0
		note = fmt.Sprintf("compressed term: %d bytes inflated; offsets below count in the inflated data", size)
	}
	p := &etfParser{data: body, base: base}
	t, err := p.term(0)
	if err != nil {
		return nil, note, err
	}
	if p.pos != len(body) {
		return t, note, fmt.Errorf("%w: %d trailing bytes at offset %d", ErrBadETF, len(body)-p.pos, p.pos+base)
	}
	return t, note, nil
}

type etfParser struct {
	data []byte
	pos  int
	base int
}

func (p *etfParser) fail(format string, args ...any) error {
	return fmt.Errorf("%w: "+format+" at offset %d", append([]any{ErrBadETF}, append(args, p.pos+p.base)...)...)
}

func (p *etfParser) need(n int) error {
	if n < 0 || n > len(p.data)-p.pos {
		return p.fail("need %d bytes, %d left", n, len(p.data)-p.pos)
	}
	return nil
}

func (p *etfParser) uint(n int) (int, error) {
	if err := p.need(n); err != nil {
		return 0, err
	}
	v := 0
	for _, b := range p.data[p.pos : p.pos+n] {
		v = v<<8 | int(b)
	}
	p.pos += n
	return v, nil
}

func (p *etfParser) term(depth int) (*Term, error) {
	if depth > maxDepth {
		return nil, p.fail("nesting deeper than %d", maxDepth)
	}
	t := &Term{Offset: p.pos + p.base}
	tag, err := p.uint(1)
	if err != nil {
		return nil, err
	}
	switch tag {
	case 97:
		v, err := p.uint(1)
		t.Kind, t.Text = "integer", fmt.Sprint(v)
		return t, err
	case 98:
		v, err := p.uint(4)
		t.Kind, t.Text = "integer", fmt.Sprint(int32(uint32(v)))
		return t, err
	case 110, 111:
		w := 1
		if tag == 111 {
			w = 4
		}
		n, err := p.uint(w)
		if err != nil {
			return nil, err
		}
		sign, err := p.uint(1)
		if err != nil {
			return nil, err
		}
		if err := p.need(n); err != nil {
			return nil, err
		}
		mag := make([]byte, n)
		for i := range n {
			mag[n-1-i] = p.data[p.pos+i]
		}
		p.pos += n
		v := new(big.Int).SetBytes(mag)
		if sign != 0 {
			v.Neg(v)
		}
		t.Kind, t.Text = "integer", v.String()
		return t, nil
	case 100, 115, 118, 119:
		w := 2
		if tag == 115 || tag == 119 {
			w = 1
		}
		n, err := p.uint(w)
		if err != nil {
			return nil, err
		}
		if err := p.need(n); err != nil {
			return nil, err
		}
		raw := p.data[p.pos : p.pos+n]
		p.pos += n
		name := string(raw)
		if tag == 100 || tag == 115 {
			var sb strings.Builder
			for _, b := range raw {
				sb.WriteRune(rune(b))
			}
			name = sb.String()
		}
		t.Kind, t.Text = "atom", quoteAtom(name)
		return t, nil
	case 106:
		t.Kind, t.Text = "nil", "[]"
		return t, nil
	case 107:
		n, err := p.uint(2)
		if err != nil {
			return nil, err
		}
		if err := p.need(n); err != nil {
			return nil, err
		}
		s := p.data[p.pos : p.pos+n]
		p.pos += n
		t.Kind, t.Text = "string", stringText(s)
		return t, nil
	case 108:
		n, err := p.uint(4)
		if err != nil {
			return nil, err
		}
		if err := p.need(n); err != nil { // every element takes at least one byte
			return nil, err
		}
		t.Kind = fmt.Sprintf("list/%d", n)
		for range n {
			c, err := p.term(depth + 1)
			if err != nil {
				return nil, err
			}
			t.Children = append(t.Children, c)
		}
		tail, err := p.term(depth + 1)
		if err != nil {
			return nil, err
		}
		if tail.Kind != "nil" {
			tail.Label = "improper tail"
			t.Children = append(t.Children, tail)
		}
		return t, nil
	case 109, 77:
		n, err := p.uint(4)
		if err != nil {
			return nil, err
		}
		bits := 8
		if tag == 77 {
			if bits, err = p.uint(1); err != nil {
				return nil, err
			}
		}
		if err := p.need(n); err != nil {
			return nil, err
		}
		b := p.data[p.pos : p.pos+n]
		p.pos += n
		t.Kind, t.Text = "binary", binaryText(b)
		if tag == 77 {
			t.Kind = fmt.Sprintf("bitstring (%d bits in last byte)", bits)
		}
		return t, nil
	case 104, 105:
		w := 1
		if tag == 105 {
			w = 4
		}
		n, err := p.uint(w)
		if err != nil {
			return nil, err
		}
		if err := p.need(n); err != nil {
			return nil, err
		}
		t.Kind = fmt.Sprintf("tuple/%d", n)
		for range n {
			c, err := p.term(depth + 1)
			if err != nil {
				return nil, err
			}
			t.Children = append(t.Children, c)
		}
		return t, nil
	case 70:
		if err := p.need(8); err != nil {
			return nil, err
		}
		p.pos += 8
		t.Kind, t.Text = "float", "(IEEE double)"
		return t, nil
	}
	p.pos--
	return nil, p.fail("unsupported term tag %d", tag)
}

func quoteAtom(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r == '@' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}

func stringText(s []byte) string {
	if utf8.Valid(s) && printable(s) {
		return fmt.Sprintf("%q", s)
	}
	parts := make([]string, len(s))
	for i, b := range s {
		parts[i] = fmt.Sprint(b)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func binaryText(b []byte) string {
	if utf8.Valid(b) && printable(b) {
		return fmt.Sprintf("<<%q>>", b)
	}
	if len(b) > 32 {
		return fmt.Sprintf("<<% X …>> (%d bytes)", b[:32], len(b))
	}
	return fmt.Sprintf("<<% X>>", b)
}

// WriteETF prints a term tree, one line per term with its offset.
func WriteETF(w io.Writer, t *Term) error {
	return writeTerm(w, t, 0)
}

func writeTerm(w io.Writer, t *Term, depth int) error {
	line := fmt.Sprintf("%5d: %s%s", t.Offset, strings.Repeat("  ", depth), t.Kind)
	if t.Text != "" {
		line += " " + t.Text
	}
	if t.Label != "" {
		line += "  " + t.Label
	}
	if _, err := fmt.Fprintln(w, line); err != nil {
		return err
	}
	for _, c := range t.Children {
		if err := writeTerm(w, c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

package asn1

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// String formats p as file:line:col.
func (p Pos) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// before reports whether p sorts before q (file, then line, then column).
func (p Pos) before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Column < q.Column
}

// Error is one problem found in a module, with its position and the
// source line it occurs on.
type Error struct {
	Pos  Pos
	Msg  string
	Line string // the source line at Pos, without its newline; may be empty
}

// Error formats e as `file:line:col: message`, followed by the source line
// and a caret under the column when the line is known.
func (e *Error) Error() string {
	head := e.Pos.String() + ": " + e.Msg
	if e.Line == "" {
		return head
	}
	var b strings.Builder
	b.WriteString(head)
	b.WriteByte('\n')
	b.WriteString(e.Line)
	b.WriteByte('\n')
	for i := 0; i < e.Pos.Column-1 && i < len(e.Line); i++ {
		if e.Line[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	return b.String()
}

// ErrorList is a list of errors sorted by position.
type ErrorList []*Error

// Error prints every error in the list, one after another.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the errors of the list, for errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Sort orders the list by position and drops exact duplicates.
func (l *ErrorList) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool { return s[i].Pos.before(s[j].Pos) })
	out := s[:0]
	for i, e := range s {
		if i > 0 && e.Pos == s[i-1].Pos && e.Msg == s[i-1].Msg {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// add appends an error at pos.
func (l *ErrorList) add(pos Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// sources maps a file name to its text, to attach source lines to errors.
type sources map[string][]byte

// fill sets Line on every error whose file is known.
func (s sources) fill(l ErrorList) {
	for _, e := range l {
		if e.Line != "" {
			continue
		}
		e.Line = sourceLine(s[e.Pos.File], e.Pos.Line)
	}
}

// sourceLine returns line n (1-based) of src without its line ending.
func sourceLine(src []byte, n int) string {
	if n < 1 {
		return ""
	}
	for line := 1; line < n; line++ {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			return ""
		}
		src = src[i+1:]
	}
	if i := bytes.IndexByte(src, '\n'); i >= 0 {
		src = src[:i]
	}
	return strings.TrimRight(string(src), "\r")
}

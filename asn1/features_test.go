package asn1

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// mustParse loads src as m.asn1 and fails the test on error.
func mustParse(t *testing.T, src string, extra ...File) []*Module {
	t.Helper()
	mods, err := parseOne(src, extra...)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return mods
}

func i64(n int64) *int64 { return &n }

func TestFeatures(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		extra []File
		check func(t *testing.T, ms []*Module)
	}{
		{"header", `M { iso(1) 2 3 } DEFINITIONS AUTOMATIC TAGS EXTENSIBILITY IMPLIED ::= BEGIN
EXPORTS A, v;
A ::= INTEGER
v INTEGER ::= 1
END`, nil, func(t *testing.T, ms []*Module) {
			m := ms[0]
			if m.OID != "{ iso(1) 2 3 }" || m.TagDefault != AutomaticTags || !m.ExtensibilityImplied ||
				!reflect.DeepEqual(m.Exports, []string{"A", "v"}) || m.Pos.Line != 1 || m.Pos.Column != 1 {
				t.Errorf("%+v", m)
			}
		}},
		{"EXPORTS ALL and IMPORTS", `M DEFINITIONS ::= BEGIN
EXPORTS ALL;
IMPORTS T, t-val FROM O { 1 2 } U FROM P id-p ;
A ::= SEQUENCE { a T, b U, c O.T, d INTEGER DEFAULT t-val }
END`, []File{
			{Name: "o.asn1", Src: []byte("O DEFINITIONS ::= BEGIN\nT ::= BOOLEAN\nt-val INTEGER ::= 7\nEND\nP DEFINITIONS ::= BEGIN\nU ::= NULL\nEND\n")},
		}, func(t *testing.T, ms []*Module) {
			m := ms[0]
			if m.Exports != nil || len(m.Imports) != 2 || m.Imports[0].OID != "{ 1 2 }" || m.Imports[1].OID != "id-p" ||
				!reflect.DeepEqual(m.Imports[0].Symbols, []string{"T", "t-val"}) || m.Imports[0].SymbolPos[1].Column != 12 {
				t.Errorf("imports %+v", m.Imports)
			}
			a := m.Types[0].Type
			if a.Fields[0].Type.Target.Module.Name != "O" || a.Fields[1].Type.Underlying().Kind != Null ||
				a.Fields[2].Type.Target != a.Fields[0].Type.Target {
				t.Error("imported references not resolved")
			}
			if d := a.Fields[3].Default; d.Ref == nil || d.Ref.Name != "t-val" || d.Ref.Module.Name != "O" {
				t.Errorf("default ref %+v", d.Ref)
			}
		}},
		{"comments", `-- module doc
M DEFINITIONS ::= BEGIN
-- The first type.
/* It has a /* nested */ block. */
A ::= SEQUENCE {
    -- the number
    n INTEGER, -- trailing, not a doc comment
    b BOOLEAN -- ends here -- }

-- detached

B ::= NULL
END`, nil, func(t *testing.T, ms []*Module) {
			m := ms[0]
			if m.Comment != "module doc" {
				t.Errorf("module comment %q", m.Comment)
			}
			a := m.Types[0]
			if a.Comment != "The first type.\nIt has a /* nested */ block." {
				t.Errorf("A comment %q", a.Comment)
			}
			if a.Type.Fields[0].Comment != "the number" || a.Type.Fields[1].Comment != "" {
				t.Errorf("field comments %q %q", a.Type.Fields[0].Comment, a.Type.Fields[1].Comment)
			}
			if m.Types[1].Comment != "" {
				t.Errorf("B comment %q", m.Types[1].Comment)
			}
		}},
		{"ENUMERATED numbering (X.680 §20)", `M DEFINITIONS ::= BEGIN
E ::= ENUMERATED { a, b(0), c, ..., d, e(10), f }
F ::= ENUMERATED { x(-1), y }
END`, nil, func(t *testing.T, ms []*Module) {
			e := ms[0].Types[0].Type
			want := map[string]int64{"a": 1, "b": 0, "c": 2, "d": 3, "e": 10, "f": 11}
			for _, nn := range e.Named {
				if want[nn.Name] != nn.Value {
					t.Errorf("%s = %d, want %d", nn.Name, nn.Value, want[nn.Name])
				}
			}
			if !e.Extensible || len(e.Named) != 6 {
				t.Errorf("extensible %v, %d items", e.Extensible, len(e.Named))
			}
			f := ms[0].Types[1].Type
			if f.Named[0].Value != -1 || f.Named[1].Value != 0 || f.Extensible {
				t.Errorf("F %v", f.Named)
			}
		}},
		{"INTEGER named numbers", `M DEFINITIONS ::= BEGIN
I ::= INTEGER { low(-5), mid(base), high(10) }
base INTEGER ::= 3
S ::= SEQUENCE { i I DEFAULT high }
END`, nil, func(t *testing.T, ms []*Module) {
			i := ms[0].Types[0].Type
			if !reflect.DeepEqual([]int64{i.Named[0].Value, i.Named[1].Value, i.Named[2].Value}, []int64{-5, 3, 10}) {
				t.Errorf("named %v", i.Named)
			}
		}},
		{"AUTOMATIC tagging (X.680 §25.3)", `M DEFINITIONS AUTOMATIC TAGS ::= BEGIN
Base ::= SEQUENCE { x INTEGER, y BOOLEAN }
S ::= SEQUENCE { a INTEGER, b C, COMPONENTS OF Base, ..., e NULL }
C ::= CHOICE { p INTEGER, q ANY }
T ::= SEQUENCE { a [5] INTEGER, b BOOLEAN }
END`, nil, func(t *testing.T, ms []*Module) {
			m := ms[0]
			s := typeNamed(t, m, "S")
			want := []Tag{
				{Class: Context, Number: 0},
				{Class: Context, Number: 1, Explicit: true},
				{Class: Context, Number: 2},
				{Class: Context, Number: 3},
				{Class: Context, Number: 4},
			}
			if len(s.Fields) != 5 {
				t.Fatalf("%d fields", len(s.Fields))
			}
			for i, f := range s.Fields {
				if !reflect.DeepEqual(f.Type.Tags, []Tag{want[i]}) {
					t.Errorf("%s: %v, want %v", f.Name, f.Type.Tags, want[i])
				}
			}
			if s.Fields[4].Name != "e" || !s.Fields[4].Extension || !s.Extensible {
				t.Error("extension addition not recorded")
			}
			base := typeNamed(t, m, "Base")
			if !reflect.DeepEqual(base.Fields[0].Type.Tags, []Tag{{Class: Context, Number: 0}}) {
				t.Errorf("Base.x %v: copies must not alter the original", base.Fields[0].Type.Tags)
			}
			c := typeNamed(t, m, "C")
			if !reflect.DeepEqual(c.Fields[1].Type.Tags, []Tag{{Class: Context, Number: 1, Explicit: true}}) {
				t.Errorf("ANY alternative %v", c.Fields[1].Type.Tags)
			}
			tt := typeNamed(t, m, "T")
			if len(tt.Fields[1].Type.Tags) != 0 || tt.Fields[0].Type.Tags[0].Explicit {
				t.Errorf("T: a written tag disables automatic tagging: %v %v", tt.Fields[0].Type.Tags, tt.Fields[1].Type.Tags)
			}
		}},
		{"COMPONENTS OF", `M DEFINITIONS ::= BEGIN
Head ::= SEQUENCE { id INTEGER, name UTF8String OPTIONAL, ..., later NULL }
Msg ::= SEQUENCE { COMPONENTS OF Head, body OCTET STRING }
END`, nil, func(t *testing.T, ms []*Module) {
			msg := ms[0].Types[1].Type
			var names []string
			for _, f := range msg.Fields {
				names = append(names, f.Name)
			}
			if !reflect.DeepEqual(names, []string{"id", "name", "body"}) || !msg.Fields[1].Optional {
				t.Errorf("fields %v", names)
			}
		}},
		{"value assignments", `M DEFINITIONS ::= BEGIN
n INTEGER ::= -42
m INTEGER ::= n
b BOOLEAN ::= TRUE
s UTF8String ::= "say ""hi"""
h OCTET STRING ::= 'CAFE'H
bits BIT STRING ::= '1010'B
root OBJECT IDENTIFIER ::= { iso member-body 840 }
leaf OBJECT IDENTIFIER ::= { root rsadsi(113549) 1 }
nul NULL ::= NULL
END`, nil, func(t *testing.T, ms []*Module) {
			v := map[string]*Value{}
			for _, va := range ms[0].Values {
				v[va.Name] = va.Value
			}
			if v["n"].Int != -42 || v["m"].Ref == nil || v["m"].Ref.Name != "n" || !v["b"].Bool ||
				v["s"].Str != `say "hi"` || !reflect.DeepEqual(v["h"].Bytes, []byte{0xca, 0xfe}) ||
				v["bits"].Str != "1010" || v["nul"].Kind != NullValue {
				t.Errorf("values %+v", v)
			}
			if !reflect.DeepEqual(v["leaf"].Arcs, []int64{1, 2, 840, 113549, 1}) {
				t.Errorf("leaf arcs %v", v["leaf"].Arcs)
			}
			if c := v["leaf"].OID[1]; c.Name != "rsadsi" || c.Number != 113549 {
				t.Errorf("leaf component %+v", c)
			}
		}},
		{"constraints", `M DEFINITIONS ::= BEGIN
A ::= INTEGER (MIN..0)
B ::= INTEGER (-5..MAX)
C ::= INTEGER (0<..<10)
D ::= INTEGER (1..4 | 8)
E ::= INTEGER (1..10, ...)
F ::= PrintableString (SIZE (1..64) ^ FROM ("A".."Z"))
G ::= SEQUENCE { a INTEGER, b INTEGER } (WITH COMPONENTS { ..., b ABSENT })
H ::= OCTET STRING (CONTAINING G)
I ::= INTEGER (1..100) (10..20)
J ::= IA5String (SIZE (1..4 | 8..16))
K ::= INTEGER (7)
L ::= INTEGER (1..5 | ALL EXCEPT 3)
N ::= UTF8String (PATTERN "[a-z]+")
END`, nil, func(t *testing.T, ms []*Module) {
			m := ms[0]
			check := func(name string, size bool, lo, hi *int64) {
				t.Helper()
				c := typeNamed(t, m, name).Constraint
				if c == nil {
					t.Errorf("%s: no constraint", name)
					return
				}
				if c.Size != size || !reflect.DeepEqual(c.Min, lo) || !reflect.DeepEqual(c.Max, hi) {
					t.Errorf("%s: %+v", name, c)
				}
			}
			check("A", false, nil, i64(0))
			check("B", false, i64(-5), nil)
			check("C", false, i64(1), i64(9))
			check("D", false, i64(1), i64(8))
			check("E", false, i64(1), i64(10))
			check("F", true, i64(1), i64(64))
			check("I", false, i64(10), i64(20))
			check("J", true, i64(1), i64(16))
			check("K", false, i64(7), i64(7))
			if !typeNamed(t, m, "E").Constraint.Extensible {
				t.Error("E not extensible")
			}
			for _, n := range []string{"G", "H", "L", "N"} {
				if c := typeNamed(t, m, n).Constraint; c != nil {
					t.Errorf("%s: unsupported form evaluated to %+v", n, c)
				}
			}
		}},
		{"table constraint ignored", `M DEFINITIONS ::= BEGIN
Pair ::= SEQUENCE { id OBJECT IDENTIFIER ({Known}), val ANY ({Known}{@id}) }
END`, nil, func(t *testing.T, ms []*Module) {
			if len(ms[0].Types[0].Type.Fields) != 2 {
				t.Error("fields lost")
			}
		}},
		{"extension markers", `M DEFINITIONS ::= BEGIN
S ::= SEQUENCE { a INTEGER, ..., [[ b BOOLEAN, c NULL ]], d OCTET STRING, ..., z INTEGER }
C ::= CHOICE { x INTEGER, ..., y BOOLEAN }
END`, nil, func(t *testing.T, ms []*Module) {
			s := ms[0].Types[0].Type
			var ext []bool
			for _, f := range s.Fields {
				ext = append(ext, f.Extension)
			}
			if !s.Extensible || !reflect.DeepEqual(ext, []bool{false, true, true, true, false}) {
				t.Errorf("S extensible %v, additions %v", s.Extensible, ext)
			}
			c := ms[0].Types[1].Type
			if !c.Extensible || !c.Fields[1].Extension {
				t.Error("CHOICE extension not recorded")
			}
		}},
		{"recursion with an escape", `M DEFINITIONS ::= BEGIN
Tree ::= SEQUENCE { value INTEGER, kids SEQUENCE OF Tree }
List ::= SEQUENCE { head INTEGER, tail List OPTIONAL }
Expr ::= CHOICE { num INTEGER, sum SEQUENCE { l Expr, r Expr } }
END`, nil, func(t *testing.T, ms []*Module) {
			sum := field(t, typeNamed(t, ms[0], "Expr"), "sum").Type
			if sum.Fields[0].Type.Target.Type != typeNamed(t, ms[0], "Expr") {
				t.Error("recursive reference not linked")
			}
		}},
		{"collection forms", `M DEFINITIONS ::= BEGIN
A ::= SET OF INTEGER
B ::= SEQUENCE (SIZE (2)) OF BOOLEAN
C ::= SET SIZE (0..3) OF item NULL
D ::= SEQUENCE OF SEQUENCE { x INTEGER }
END`, nil, func(t *testing.T, ms []*Module) {
			m := ms[0]
			if a := typeNamed(t, m, "A"); a.Kind != SetOf || !reflect.DeepEqual(a.EncodingTags(), []Tag{univ(17, true)}) {
				t.Errorf("A %v", a.EncodingTags())
			}
			if c := typeNamed(t, m, "B").Constraint; c == nil || !c.Size || *c.Min != 2 || *c.Max != 2 {
				t.Errorf("B %+v", c)
			}
			if c := typeNamed(t, m, "C"); c.ElemName != "item" || c.Constraint == nil || *c.Constraint.Max != 3 {
				t.Errorf("C %q %+v", c.ElemName, c.Constraint)
			}
			if d := typeNamed(t, m, "D"); d.Elem.Kind != Sequence || len(d.Elem.Fields) != 1 {
				t.Error("D element")
			}
		}},
		{"tag classes and value-reference tag numbers", `M DEFINITIONS IMPLICIT TAGS ::= BEGIN
A ::= [UNIVERSAL 30] OCTET STRING
B ::= [PRIVATE 7] EXPLICIT BOOLEAN
C ::= [APPLICATION tagno] SEQUENCE {}
tagno INTEGER ::= 12
D ::= [2] C
E ::= [3] CHOICE { x INTEGER }
F ::= [4] E
G ::= [1] IMPLICIT [2] EXPLICIT INTEGER
END`, nil, func(t *testing.T, ms []*Module) {
			m := ms[0]
			cases := map[string][]Tag{
				"A": {{Class: Universal, Number: 30}},
				"B": {{Class: Private, Number: 7, Explicit: true, Constructed: true}, univ(1, false)},
				"C": {{Class: Application, Number: 12, Constructed: true}},
				"D": {{Class: Context, Number: 2, Constructed: true}},
				"E": {{Class: Context, Number: 3, Explicit: true, Constructed: true}},
				"F": {{Class: Context, Number: 4, Explicit: true, Constructed: true}}, // replaces the explicit [3]
				"G": {{Class: Context, Number: 1, Explicit: true, Constructed: true}, univ(2, false)},
			}
			for name, want := range cases {
				if got := typeNamed(t, m, name).EncodingTags(); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %v, want %v", name, got, want)
				}
			}
		}},
		{"several modules in one file", `A DEFINITIONS ::= BEGIN
IMPORTS Y FROM B;
X ::= SEQUENCE { y Y }
END
B DEFINITIONS ::= BEGIN
Y ::= INTEGER
END`, nil, func(t *testing.T, ms []*Module) {
			if len(ms) != 2 || ms[0].Types[0].Type.Fields[0].Type.Target.Module != ms[1] {
				t.Error("cross-module reference in one file")
			}
		}},
		{"CHOICE and SEQUENCE values", `M DEFINITIONS ::= BEGIN
C ::= CHOICE { a INTEGER, b BOOLEAN }
P ::= SEQUENCE { x INTEGER, y INTEGER }
Flags ::= BIT STRING { r(0), w(1) }
S ::= SEQUENCE { c C DEFAULT b : TRUE, p P DEFAULT { x 1, y 2 }, f Flags DEFAULT { r, w }, l [0] SEQUENCE OF INTEGER DEFAULT {} }
END`, nil, func(t *testing.T, ms []*Module) {
			s := typeNamed(t, ms[0], "S")
			if d := s.Fields[0].Default; d.Kind != ChoiceValue || d.Ident != "b" || !d.Elems[0].Bool {
				t.Errorf("choice value %+v", d)
			}
			if d := s.Fields[1].Default; d.Kind != ListValue || d.Elems[1].Name != "y" || d.Elems[1].Int != 2 {
				t.Errorf("sequence value %+v", d)
			}
			if d := s.Fields[2].Default; d.Kind != ListValue || d.Elems[1].Ident != "w" {
				t.Errorf("bits value %+v", d)
			}
			if s.Fields[3].Default.Kind != EmptyValue {
				t.Error("empty value")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, mustParse(t, tt.src, tt.extra...))
		})
	}
}

func TestUniversalTag(t *testing.T) {
	tests := []struct {
		k    Kind
		n    uint32
		cons bool
	}{
		{Boolean, 1, false}, {Integer, 2, false}, {BitString, 3, false}, {OctetString, 4, false},
		{Null, 5, false}, {ObjectIdentifier, 6, false}, {Real, 9, false}, {Enumerated, 10, false},
		{UTF8String, 12, false}, {Sequence, 16, true}, {SequenceOf, 16, true}, {Set, 17, true},
		{SetOf, 17, true}, {NumericString, 18, false}, {PrintableString, 19, false},
		{TeletexString, 20, false}, {IA5String, 22, false}, {UTCTime, 23, false},
		{GeneralizedTime, 24, false}, {GraphicString, 25, false}, {VisibleString, 26, false},
		{GeneralString, 27, false}, {UniversalString, 28, false}, {BMPString, 30, false},
	}
	for _, tt := range tests {
		got, ok := UniversalTag(tt.k)
		if !ok || got != (Tag{Class: Universal, Number: tt.n, Constructed: tt.cons}) {
			t.Errorf("%v: %v %v", tt.k, got, ok)
		}
	}
	for _, k := range []Kind{Choice, Any, Reference, Invalid} {
		if _, ok := UniversalTag(k); ok {
			t.Errorf("%v has a universal tag", k)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	_, err := parseOne("M DEFINITIONS ::= BEGIN\nB ::= SEQUENCE { x Nope2 }\nA ::=\tSEQUENCE { x Nope1 }\nEND\n")
	want := "m.asn1:2:20: undefined type Nope2\n" +
		"B ::= SEQUENCE { x Nope2 }\n" +
		"                   ^\n" +
		"m.asn1:3:20: undefined type Nope1\n" +
		"A ::=\tSEQUENCE { x Nope1 }\n" +
		"     \t             ^"
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
	var el ErrorList
	if !errorsAs(err, &el) || len(el) != 2 || el[0].Line != "B ::= SEQUENCE { x Nope2 }" {
		t.Errorf("ErrorList %#v", el)
	}
}

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	two := filepath.Join(dir, "two.asn1")
	src := "A DEFINITIONS ::= BEGIN\nEND\nB DEFINITIONS ::= BEGIN\nEND\n"
	if err := os.WriteFile(two, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile(two); err == nil || !strings.Contains(err.Error(), "holds 2 modules") {
		t.Errorf("two modules: %v", err)
	}
	if _, err := ParseFile(filepath.Join(dir, "missing.asn1")); err == nil || !strings.HasPrefix(err.Error(), "asn1: ") {
		t.Errorf("missing file: %v", err)
	}
}

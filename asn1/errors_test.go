package asn1

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// parseOne loads src as m.asn1 (and extra files as given).
func parseOne(src string, extra ...File) ([]*Module, error) {
	return Parse(append([]File{{Name: "m.asn1", Src: []byte(src)}}, extra...)...)
}

// firstLine returns the `file:line:col: message` line of each error.
func headers(err error) []string {
	var l ErrorList
	if !errors.As(err, &l) {
		return []string{err.Error()}
	}
	out := make([]string, len(l))
	for i, e := range l {
		out[i] = strings.SplitN(e.Error(), "\n", 2)[0]
	}
	return out
}

func TestErrors(t *testing.T) {
	other := File{Name: "o.asn1", Src: []byte("O DEFINITIONS ::= BEGIN\nEXPORTS T;\nT ::= INTEGER\nU ::= BOOLEAN\nEND\n")}
	tests := []struct {
		name  string
		src   string
		extra []File
		want  string
	}{
		{"undefined type", "M DEFINITIONS ::= BEGIN\nA ::= SEQUENCE { b Missing }\nEND\n",
			nil, "m.asn1:2:20: undefined type Missing"},
		{"undefined value in constraint", "M DEFINITIONS ::= BEGIN\nA ::= OCTET STRING (SIZE (1..ub-x))\nEND\n",
			nil, "m.asn1:2:30: undefined value ub-x"},
		{"undefined value in DEFAULT", "M DEFINITIONS ::= BEGIN\nA ::= SEQUENCE { a INTEGER DEFAULT zz }\nEND\n",
			nil, "m.asn1:2:36: invalid DEFAULT value for a: undefined value zz"},
		{"undefined OID arc", "M DEFINITIONS ::= BEGIN\nid-a OBJECT IDENTIFIER ::= { id-none 1 }\nEND\n",
			nil, "m.asn1:2:30: invalid value id-a: undefined value id-none"},
		{"duplicate assignment", "M DEFINITIONS ::= BEGIN\nA ::= INTEGER\nA ::= BOOLEAN\nEND\n",
			nil, "m.asn1:3:1: duplicate assignment A (first defined at 2:1)"},
		{"duplicate component", "M DEFINITIONS ::= BEGIN\nA ::= SEQUENCE {\n  a INTEGER,\n  a BOOLEAN }\nEND\n",
			nil, "m.asn1:4:3: duplicate component a (first defined at 3:3)"},
		{"duplicate enumeration item", "M DEFINITIONS ::= BEGIN\nE ::= ENUMERATED { a, b, a }\nEND\n",
			nil, "m.asn1:2:26: duplicate enumeration item a"},
		{"duplicate enumeration value", "M DEFINITIONS ::= BEGIN\nE ::= ENUMERATED { a(1), b(1) }\nEND\n",
			nil, "m.asn1:2:26: duplicate enumeration value 1 (a and b)"},
		{"choice tag clash", "M DEFINITIONS ::= BEGIN\nC ::= CHOICE { a INTEGER, b INTEGER }\nEND\n",
			nil, "m.asn1:2:27: tag [UNIVERSAL 2] of alternative b clashes with alternative a"},
		{"nested choice tag clash", "M DEFINITIONS ::= BEGIN\nC ::= CHOICE { a [0] INTEGER, b D }\nD ::= CHOICE { x [1] BOOLEAN, y [0] NULL }\nEND\n",
			nil, "m.asn1:2:31: tag [0] of alternative b clashes with alternative a"},
		{"recursive untagged choice", "M DEFINITIONS ::= BEGIN\nC ::= CHOICE { a C, b INTEGER, c C }\nEND\n",
			nil, "m.asn1:2:21: tag [UNIVERSAL 2] of alternative b clashes with alternative a"},
		{"sequence optional run", "M DEFINITIONS ::= BEGIN\nS ::= SEQUENCE { a [0] INTEGER OPTIONAL, b [0] BOOLEAN }\nEND\n",
			nil, "m.asn1:2:42: tag [0] of component b is not distinct from optional component a (X.680 §25.5)"},
		{"sequence default run", "M DEFINITIONS ::= BEGIN\nS ::= SEQUENCE { a INTEGER DEFAULT 1, b BOOLEAN OPTIONAL, c INTEGER }\nEND\n",
			nil, "m.asn1:2:59: tag [UNIVERSAL 2] of component c is not distinct from optional component a (X.680 §25.5)"},
		{"set tag clash", "M DEFINITIONS ::= BEGIN\nS ::= SET { a OCTET STRING, b OCTET STRING }\nEND\n",
			nil, "m.asn1:2:29: tag [UNIVERSAL 4] of component b clashes with component a"},
		{"DEFAULT wrong kind", "M DEFINITIONS ::= BEGIN\nS ::= SEQUENCE { a BOOLEAN DEFAULT 1 }\nEND\n",
			nil, "m.asn1:2:36: invalid DEFAULT value for a: expected a BOOLEAN value, found a number"},
		{"DEFAULT unknown item", "M DEFINITIONS ::= BEGIN\nE ::= ENUMERATED { x, y }\nS ::= SEQUENCE { e E DEFAULT z }\nEND\n",
			nil, "m.asn1:3:30: invalid DEFAULT value for e: z is not an item of E"},
		{"DEFAULT out of constraint", "M DEFINITIONS ::= BEGIN\nS ::= SEQUENCE { n INTEGER (0..7) DEFAULT 9 }\nEND\n",
			nil, "m.asn1:2:43: invalid DEFAULT value for n: 9 out of constraint (0..7)"},
		{"import not defined", "M DEFINITIONS ::= BEGIN\nIMPORTS T, V FROM O;\nEND\n",
			[]File{other}, "m.asn1:2:12: module O does not define V"},
		{"import not exported", "M DEFINITIONS ::= BEGIN\nIMPORTS U FROM O;\nEND\n",
			[]File{other}, "m.asn1:2:9: module O does not export U"},
		{"export of undefined symbol", "M DEFINITIONS ::= BEGIN\nEXPORTS A, Gone;\nA ::= NULL\nEND\n",
			nil, "m.asn1:2:12: exported symbol Gone is not defined"},
		{"import unknown module", "M DEFINITIONS ::= BEGIN\nIMPORTS T FROM Nowhere;\nEND\n",
			nil, "m.asn1:2:16: module Nowhere not found"},
		{"recursion without escape", "M DEFINITIONS ::= BEGIN\nA ::= SEQUENCE { b B }\nB ::= SEQUENCE { a A, c INTEGER }\nEND\n",
			nil, "m.asn1:2:1: recursive type A has no finite value (mandatory component cycle)"},
		{"circular reference", "M DEFINITIONS ::= BEGIN\nA ::= B\nB ::= A\nEND\n",
			nil, "m.asn1:2:7: circular type reference A -> B -> A"},
		{"implicit tag on choice", "M DEFINITIONS ::= BEGIN\nA ::= [0] IMPLICIT CHOICE { a INTEGER }\nEND\n",
			nil, "m.asn1:2:7: IMPLICIT tag on an untagged CHOICE (X.680 §31.2.9)"},
		{"implicit tag on ANY reference", "M DEFINITIONS ::= BEGIN\nA ::= ANY\nB ::= [0] IMPLICIT A\nEND\n",
			nil, "m.asn1:3:7: IMPLICIT tag on an untagged ANY (X.680 §31.2.9)"},
		{"DEFINED BY unknown component", "M DEFINITIONS ::= BEGIN\nS ::= SEQUENCE { id INTEGER, v ANY DEFINED BY kind }\nEND\n",
			nil, "m.asn1:2:47: ANY DEFINED BY kind names no component of this SEQUENCE"},
		{"empty constraint", "M DEFINITIONS ::= BEGIN\nA ::= INTEGER (5..1)\nEND\n",
			nil, "m.asn1:2:15: constraint (5..1) allows no value"},
		{"enumeration addition too small", "M DEFINITIONS ::= BEGIN\nE ::= ENUMERATED { a(5), ..., b(3) }\nEND\n",
			nil, "m.asn1:2:33: extension addition b must have a value greater than 5"},
		{"value of wrong type", "M DEFINITIONS ::= BEGIN\nv INTEGER ::= TRUE\nEND\n",
			nil, "m.asn1:2:15: invalid value v: expected a INTEGER value, found TRUE or FALSE"},
		{"COMPONENTS OF non-sequence", "M DEFINITIONS ::= BEGIN\nS ::= SEQUENCE { COMPONENTS OF INTEGER }\nEND\n",
			nil, "m.asn1:2:18: COMPONENTS OF in a SEQUENCE requires a SEQUENCE type, found INTEGER"},
		{"missing END", "M DEFINITIONS ::= BEGIN\nA ::= INTEGER\n",
			nil, "m.asn1:3:1: expected an assignment or END, found end of file"},
		{"unterminated comment", "M DEFINITIONS ::= BEGIN\n/* open /* nested */\nEND\n",
			nil, "m.asn1:2:1: comment not terminated"},
		{"bad character", "M DEFINITIONS ::= BEGIN\nA ::= INTEGER #\nEND\n",
			nil, "m.asn1:2:15: unexpected character '#'"},
		{"tag number too large", "M DEFINITIONS ::= BEGIN\nA ::= [4294967296] INTEGER\nEND\n",
			nil, "m.asn1:2:8: tag number 4294967296 too large"},
		{"missing type", "M DEFINITIONS ::= BEGIN\nA ::= SEQUENCE { a }\nEND\n",
			nil, "m.asn1:2:20: expected a type, found '}'"},
		{"nesting too deep", "M DEFINITIONS ::= BEGIN\nA ::= " + strings.Repeat("SEQUENCE OF ", 200) + "INTEGER\nEND\n",
			nil, "m.asn1:2:1207: nesting too deep (more than 100 levels)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseOne(tt.src, tt.extra...)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			got := headers(err)
			if got[0] != tt.want {
				t.Errorf("first error:\n got %q\nwant %q\n(all: %q)", got[0], tt.want, got)
			}
		})
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// TestComponentsOfExplosion checks the bound on components that nested
// COMPONENTS OF can produce.
func TestComponentsOfExplosion(t *testing.T) {
	_, err := parseOne("M DEFINITIONS ::= BEGIN\nA0 ::= SEQUENCE { a INTEGER }\n" + explode(16) + "END\n")
	want := "m.asn1:16:39: COMPONENTS OF makes more than 10000 components"
	if err == nil || !slices.Contains(headers(err), want) {
		t.Errorf("want %q among the errors, got %v", want, err)
	}
}

// explode writes n SEQUENCE types each holding two copies of the previous.
func explode(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "A%d ::= SEQUENCE { COMPONENTS OF A%d, COMPONENTS OF A%d }\n", i, i-1, i-1)
	}
	return b.String()
}

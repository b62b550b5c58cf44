package asn1

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that any input either parses or yields errors whose
// positions lie within the input; it must never panic.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.asn1")
	seeds = append(seeds, chatPath)
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("M DEFINITIONS AUTOMATIC TAGS ::= BEGIN\nS ::= SEQUENCE { a INTEGER (0..7) DEFAULT 3, COMPONENTS OF T, ... }\nT ::= SEQUENCE { b [1] IMPLICIT BOOLEAN }\nEND\n"))
	f.Add([]byte("M DEFINITIONS ::= BEGIN\nE ::= ENUMERATED { a, b(3), ..., c }\nv E ::= c\nEND\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		mods, err := Parse(File{Name: "f.asn1", Src: data})
		if err == nil {
			for _, m := range mods {
				for _, ta := range m.Types {
					ta.Type.EncodingTags()
					ta.Type.Underlying()
				}
			}
			return
		}
		var l ErrorList
		if !errors.As(err, &l) || len(l) == 0 {
			t.Fatalf("error %T %v is not an ErrorList", err, err)
		}
		lines := bytes.Split(data, []byte("\n"))
		for _, e := range l {
			p := e.Pos
			if p.File != "f.asn1" || p.Line < 1 || p.Line > len(lines) || p.Column < 1 || p.Column > len(lines[p.Line-1])+1 {
				t.Fatalf("position %v outside the input (%d lines): %v", p, len(lines), e.Msg)
			}
		}
	})
}

package asn1

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func BenchmarkParseCHAT(b *testing.B) {
	src, err := os.ReadFile(chatPath)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse(File{Name: "CHAT.asn1", Src: src}); err != nil {
			b.Fatal(err)
		}
	}
}

// synthetic returns a module of n SEQUENCE types, each referring to the
// next, with long runs of OPTIONAL components.
func synthetic(n int) []byte {
	var b strings.Builder
	b.WriteString("S DEFINITIONS IMPLICIT TAGS ::= BEGIN\n")
	for i := range n {
		fmt.Fprintf(&b, "T%d ::= SEQUENCE { a [%d] INTEGER OPTIONAL, b [%d] T%d OPTIONAL, c OCTET STRING (SIZE (1..ub)) }\n", i, 0, 1, (i+1)%n)
	}
	b.WriteString("ub INTEGER ::= 64\nEND\n")
	return []byte(b.String())
}

func BenchmarkParseLarge(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		src := synthetic(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := Parse(File{Name: "s.asn1", Src: src}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package der

import (
	"bytes"
	"testing"
)

// FuzzDERDecoder walks arbitrary input with the typed readers. Whatever Any
// accepts as one element must re-encode identically from its tag, length
// and contents, and must be accepted by the walker too.
func FuzzDERDecoder(f *testing.F) {
	for _, v := range vectors {
		f.Add(unhex(v.der))
	}
	for _, c := range badInputs {
		f.Add(unhex(c.in))
	}
	f.Add(nested(20))
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		d := NewDecoder(in, Limits{MaxDepth: 32})
		walkErr := walk(&d)

		d = NewDecoder(in, Limits{MaxDepth: 32})
		elem, err := d.Any()
		if !bytes.Equal(in, orig) {
			t.Fatal("decoding modified its input")
		}
		if err != nil {
			return
		}
		r := NewDecoder(elem, Limits{})
		tag, contents, err := r.Raw()
		if err != nil {
			t.Fatalf("Raw of an accepted element: %v", err)
		}
		re := AppendLength(AppendTag(nil, tag), len(contents))
		re = append(re, contents...)
		if !bytes.Equal(re, elem) {
			t.Fatalf("re-encoded % x, accepted % x", re, elem)
		}
		if d.Finish() == nil && walkErr != nil {
			t.Fatalf("Any accepted what the walker rejects: %v", walkErr)
		}
		w := NewDecoder(elem, Limits{MaxDepth: 32})
		if err := walk(&w); err != nil {
			t.Fatalf("walker rejects an accepted element: %v", err)
		}
	})
}

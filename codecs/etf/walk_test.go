package etf

import (
	"bytes"
	"errors"
	"fmt"
)

// canonical reads one whole term with the Decoder API and re-encodes it as
// term_to_binary(T, [{minor_version, 2}]) would, with the version byte.
// When src is the uncompressed input, any difference between a term's
// original bytes and its re-encoding must be explained by an alternative
// encoding Erlang also reads (another atom or tuple tag, another integer
// form, a list written differently); an unexplained one is returned as an
// error, as is anything the Decoder rejects.
func canonical(d *Decoder, src []byte) ([]byte, bool, error) {
	w := walker{d: d, src: src}
	b, err := w.term(AppendVersion(nil))
	if err != nil {
		return nil, false, err
	}
	return b, w.alt, d.Finish()
}

type walker struct {
	d        *Decoder
	src      []byte
	alt      bool // some term was written in an alternative encoding
	inString bool // reading the bytes of a STRING_EXT
}

var errUnexplained = errors.New("re-encoding differs without an alternative encoding")

func (w *walker) term(b []byte) ([]byte, error) {
	d := w.d
	start, off := len(b), d.Offset()
	childAlt := w.alt
	w.alt = false
	var err error
	switch d.PeekKind() {
	case KindAtom:
		var a []byte
		if a, err = d.Atom(); err == nil {
			b = AppendAtom(b, string(a))
		}
	case KindInteger:
		var v int64
		if v, err = d.Integer(); err == nil {
			b = AppendInteger(b, v)
		}
	case KindBinary:
		var v []byte
		if v, err = d.Binary(); err == nil {
			b = AppendBinary(b, v)
		}
	case KindBitString:
		bs, e := d.BitString()
		if err = e; err == nil {
			b = AppendBitString(b, bs)
		}
	case KindTuple:
		var n int
		if n, err = d.Tuple(); err == nil {
			b = AppendTupleHeader(b, n)
			for i := 0; i < n && err == nil; i++ {
				b, err = w.term(b)
			}
		}
	case KindList:
		b, err = w.list(b)
	default:
		// Not a term the Decoder reads: let it say why.
		_, err = d.Atom()
		if err == nil {
			return nil, fmt.Errorf("atom at %d not reported by PeekKind", off)
		}
	}
	if err != nil {
		return nil, err
	}
	if w.src != nil && !w.inString {
		orig, re := w.src[off:d.Offset()], b[start:]
		if !bytes.Equal(orig, re) {
			// A bignum may carry high zero digits; anything else that
			// keeps its tag differs only through its elements.
			if !w.alt && orig[0] == re[0] && re[0] != tagSmallBig {
				return nil, fmt.Errorf("%w at %d: % x became % x", errUnexplained, off, orig, re)
			}
			w.alt = true
		}
	}
	w.alt = w.alt || childAlt
	return b, nil
}

// list re-encodes a list: NIL when empty, STRING_EXT when every element is
// an integer 0..255 and there are at most 65535, else LIST_EXT.
func (w *walker) list(b []byte) ([]byte, error) {
	str := w.src != nil && w.src[w.d.Offset()] == tagString
	n, err := w.d.ListStart()
	if err != nil {
		return nil, err
	}
	w.inString = str
	var elems []byte
	bytesOnly := true
	for range n {
		at := len(elems)
		if elems, err = w.term(elems); err != nil {
			return nil, err
		}
		if len(elems)-at != 2 || elems[at] != tagSmallInteger {
			bytesOnly = false
		}
	}
	w.inString = false
	if err := w.d.ListEnd(); err != nil {
		return nil, err
	}
	switch {
	case n == 0:
		return AppendNil(b), nil
	case bytesOnly && n <= 65535:
		b = append(b, tagString, byte(n>>8), byte(n))
		for i := 1; i < len(elems); i += 2 {
			b = append(b, elems[i])
		}
		return b, nil
	}
	b = AppendListHeader(b, n)
	return AppendNil(append(b, elems...)), nil
}

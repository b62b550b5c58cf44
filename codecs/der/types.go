package der

import "strconv"

// BitString is an ASN.1 BIT STRING: Length bits stored most significant bit
// first in Bytes. Bits beyond Length in the last byte are zero.
type BitString struct {
	Bytes  []byte
	Length int
}

// At returns bit i (0 or 1), or 0 when i is out of range.
func (b BitString) At(i int) int {
	if i < 0 || i >= b.Length || i/8 >= len(b.Bytes) {
		return 0
	}
	return int(b.Bytes[i/8]>>(7-uint(i%8))) & 1
}

// OID is an ASN.1 OBJECT IDENTIFIER as its list of arcs.
type OID []uint64

// Equal reports whether o and p have the same arcs.
func (o OID) Equal(p OID) bool {
	if len(o) != len(p) {
		return false
	}
	for i := range o {
		if o[i] != p[i] {
			return false
		}
	}
	return true
}

// String formats o in dotted notation, "1.2.840.113549".
func (o OID) String() string {
	var b []byte
	for i, a := range o {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, a, 10)
	}
	return string(b)
}

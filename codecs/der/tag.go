package der

import "strconv"

// Tag is an ASN.1 tag as it appears on the wire: the class in the top two
// bits, the constructed flag in bit 29 and the tag number below.
type Tag uint32

// Tag classes and the constructed flag.
const (
	ClassUniversal   Tag = 0 << 30
	ClassApplication Tag = 1 << 30
	ClassContext     Tag = 2 << 30
	ClassPrivate     Tag = 3 << 30
	Constructed      Tag = 1 << 29
)

// Universal tags of the types generated code uses. TagSequence and TagSet
// include the constructed flag because DER always constructs them.
const (
	TagBoolean         Tag = 1
	TagInteger         Tag = 2
	TagBitString       Tag = 3
	TagOctetString     Tag = 4
	TagNull            Tag = 5
	TagOID             Tag = 6
	TagEnumerated      Tag = 10
	TagUTF8String      Tag = 12
	TagSequence        Tag = Constructed | 16
	TagSet             Tag = Constructed | 17
	TagPrintableString Tag = 19
	TagIA5String       Tag = 22
	TagUTCTime         Tag = 23
	TagGeneralizedTime Tag = 24
	TagUniversalString Tag = 28
)

const (
	classMask  Tag = 3 << 30
	numberMask Tag = Constructed - 1

	// maxTagNumber is the largest tag number a Tag can hold.
	maxTagNumber = uint32(numberMask)
)

// Class returns the class bits of t (one of the Class constants).
func (t Tag) Class() Tag { return t & classMask }

// Number returns the tag number of t.
func (t Tag) Number() uint32 { return uint32(t & numberMask) }

// IsConstructed reports whether t has the constructed flag.
func (t Tag) IsConstructed() bool { return t&Constructed != 0 }

// String formats t in ASN.1 notation: "[0] constructed", "UNIVERSAL 16",
// "[APPLICATION 3]".
func (t Tag) String() string {
	n := strconv.FormatUint(uint64(t.Number()), 10)
	var s string
	switch t.Class() {
	case ClassUniversal:
		s = "UNIVERSAL " + n
	case ClassApplication:
		s = "[APPLICATION " + n + "]"
	case ClassContext:
		s = "[" + n + "]"
	default:
		s = "[PRIVATE " + n + "]"
	}
	if t.IsConstructed() {
		s += " constructed"
	}
	return s
}

// SupportPackageIsVersion1 lets generated code assert at compile time that
// it was generated against this version of the runtime:
// `const _ = der.SupportPackageIsVersion1`.
const SupportPackageIsVersion1 = true

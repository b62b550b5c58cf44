package etf

// Version is the first byte of every external term.
const Version = 131

// Term tags (erts/emulator/beam/external.h).
const (
	tagCompressed    = 80
	tagBitBinary     = 77
	tagSmallInteger  = 97
	tagInteger       = 98
	tagAtom          = 100
	tagSmallTuple    = 104
	tagLargeTuple    = 105
	tagNil           = 106
	tagString        = 107
	tagList          = 108
	tagBinary        = 109
	tagSmallBig      = 110
	tagLargeBig      = 111
	tagSmallAtom     = 115
	tagAtomUTF8      = 118
	tagSmallAtomUTF8 = 119
)

// SupportPackageIsVersion1 lets generated code assert at compile time that
// it was generated against this version of the runtime:
// `const _ = etf.SupportPackageIsVersion1`.
const SupportPackageIsVersion1 = true

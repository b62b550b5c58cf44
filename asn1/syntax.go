package asn1

// This file holds what the parser records beyond the IR: the written
// form of tags, named numbers and constraints, which resolution turns
// into Type.Tags, Type.Named and Type.Constraint.

// maxRefChain bounds how many references Resolve and Underlying follow.
// Circular references are rejected by the checks; the bound only keeps
// a malformed IR from looping.
const maxRefChain = 1000

// tagMode is the tagging keyword written after a tag.
type tagMode int

const (
	tagDefault tagMode = iota // no keyword: the module's default applies
	tagImplicit
	tagExplicit
)

// tagSyntax is one written tag `[class number] mode`.
type tagSyntax struct {
	pos    Pos
	class  Class
	num    int64
	numRef *Value // a value reference as tag number, else nil
	mode   tagMode
}

// itemSyntax is one written `name` or `name(number)` of an ENUMERATED,
// an INTEGER or a BIT STRING.
type itemSyntax struct {
	name      string
	pos       Pos
	hasNum    bool
	num       *Value // IntegerValue or IdentifierValue (a value reference)
	extension bool   // written after `...`
}

// typeSyntax is attached to every Type the parser builds.
type typeSyntax struct {
	mod         *Module
	tags        []tagSyntax // outermost first
	items       []itemSyntax
	constraints []*constraintSyntax
	refPos      Pos // position of the reference name, for Reference
	external    bool
	definedBy   Pos // position of the DEFINED BY identifier
	extPos      Pos // position of the first extension marker
	tagsDone    bool
	expanded    int // COMPONENTS OF expansion: 0 not yet, 1 running, 2 done
}

// constraintSyntax is one parenthesised constraint as written.
type constraintSyntax struct {
	pos        Pos
	text       string
	root       *elemSet // nil when the root is empty
	extensible bool
}

// elemSet is a union of intersections of elements.
type elemSet struct {
	unions [][]*elem
}

// elemKind is the form of one constraint element.
type elemKind int

const (
	elemOther  elemKind = iota // understood syntactically, not evaluated
	elemSize                   // SIZE (set)
	elemRange                  // lo..hi, or a single value when lo == hi
	elemNested                 // ( set )
)

// elem is one element of a constraint.
type elem struct {
	kind   elemKind
	set    *elemSet // elemSize, elemNested
	lo, hi bound    // elemRange
}

// boundKind is the form of a range end point.
type boundKind int

const (
	boundValue boundKind = iota // a value: see bound.val
	boundMin
	boundMax
)

// bound is one end of a range.
type bound struct {
	kind boundKind
	val  *Value
	open bool // `<` on this side
}

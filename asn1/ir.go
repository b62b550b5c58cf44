// Package asn1 parses, resolves and checks ASN.1 (X.680) modules.
//
// The result of Load is a resolved, checked intermediate representation
// (IR): a set of modules whose type assignments reference one another
// through pointers, with every tag made explicit. The generator in gen/
// consumes only this IR; it never sees source text.
package asn1

// Pos is a position in a source file.
type Pos struct {
	File   string // path as given to the loader
	Line   int    // 1-based
	Column int    // 1-based, in bytes
}

// TagDefault is a module's default tagging mode (X.680 §13.1).
type TagDefault int

// Default tagging modes.
const (
	ExplicitTags TagDefault = iota
	ImplicitTags
	AutomaticTags
)

// Class is a tag class (X.680 §8.1).
type Class int

// Tag classes.
const (
	Universal Class = iota
	Application
	Context
	Private
)

// Tag is one tag as it appears on the wire.
//
// Explicit reports whether the tag wraps the inner encoding (a
// constructed TLV around it) rather than replacing the inner tag.
type Tag struct {
	Class    Class
	Number   uint32
	Explicit bool
	// Constructed reports whether the TLV carrying this tag is
	// constructed. It is meaningful in the result of EncodingTags (an
	// explicit tag is always constructed; an implicit tag takes the form of
	// the tag it replaces); in Type.Tags it is left false.
	Constructed bool
}

// Kind is the kind of an ASN.1 type after reference resolution.
type Kind int

// Type kinds. Reference is the only kind that points at another
// assignment; every other kind is built in.
const (
	Invalid Kind = iota
	Reference
	Boolean
	Integer
	Enumerated
	Null
	OctetString
	BitString
	ObjectIdentifier
	UTF8String
	UniversalString
	IA5String
	PrintableString
	UTCTime
	GeneralizedTime
	NumericString
	VisibleString
	TeletexString
	BMPString
	GeneralString
	GraphicString
	Real
	Any
	Sequence
	Set
	SequenceOf
	SetOf
	Choice
	ObjectDescriptor
	VideotexString
	RelativeOID
)

// Module is one parsed and resolved ASN.1 module.
type Module struct {
	Name       string
	OID        string // the module's object identifier as written, if any
	TagDefault TagDefault
	// ExtensibilityImplied is set by EXTENSIBILITY IMPLIED in the header.
	ExtensibilityImplied bool
	File                 string
	Pos                  Pos      // position of the module name
	Exports              []string // nil means EXPORTS ALL
	Imports              []Import
	Types                []*TypeAssignment // in source order
	Values               []*ValueAssignment
	Comment              string

	exportPos []Pos // position of each entry of Exports
}

// Import is one IMPORTS clause: symbols taken from another module.
type Import struct {
	Module  string
	Symbols []string
	Pos     Pos
	// SymbolPos holds the position of each entry of Symbols.
	SymbolPos []Pos
	// OID is the module's object identifier as written after FROM, if any.
	OID string
}

// TypeAssignment is `Name ::= Type`.
type TypeAssignment struct {
	Name    string
	Module  *Module
	Type    *Type
	Pos     Pos
	Comment string // comments directly above the assignment, without markers
}

// ValueAssignment is `name Type ::= value`.
type ValueAssignment struct {
	Name   string
	Module *Module
	Type   *Type
	Value  *Value
	Pos    Pos
}

// Type is an ASN.1 type: a built-in kind or a reference, with the tags
// written in front of it.
type Type struct {
	Kind Kind
	Pos  Pos

	// Tags are the tags written on this occurrence of the type, outermost
	// first, with IMPLICIT/EXPLICIT already resolved against the module's
	// tag default, AUTOMATIC tagging, and the rule that a tag on a CHOICE,
	// an open type (ANY) or a DummyReference is always explicit
	// (X.680 §31.2.7). The universal tag of the kind itself is not
	// included; see EncodingTags.
	Tags []Tag

	// Reference: Ref is the name, RefModule the module it lives in,
	// Target the resolved assignment.
	Ref       string
	RefModule string
	Target    *TypeAssignment

	// Sequence, Set, Choice: the components in source order.
	Fields []*Field
	// Extensible marks a `...` in a SEQUENCE, SET, CHOICE or ENUMERATED.
	Extensible bool

	// SequenceOf, SetOf: the element type and its optional name
	// (`SEQUENCE OF name Type`).
	Elem     *Type
	ElemName string

	// Enumerated: items in source order (values filled in per X.680 §20).
	// Integer: named numbers, if any.
	Named []NamedNumber

	// Any: the field named by ANY DEFINED BY, if any.
	DefinedBy string

	// Constraint is a simple size or value constraint, if written.
	Constraint *Constraint

	syn *typeSyntax // what the parser saw, consumed by resolution
}

// Field is one component of a SEQUENCE, SET or CHOICE.
type Field struct {
	Name     string
	Type     *Type
	Optional bool
	Default  *Value // non-nil for DEFAULT
	// Pos is where the component is written; for one copied in by
	// COMPONENTS OF, the position of that COMPONENTS OF.
	Pos     Pos
	Comment string
	// Extension marks an extension addition: a component written after
	// the extension marker `...`.
	Extension bool

	componentsOf bool // a `COMPONENTS OF Type` placeholder before expansion
	included     bool // copied in by COMPONENTS OF
}

// NamedNumber is `name(number)` in an ENUMERATED or INTEGER.
type NamedNumber struct {
	Name  string
	Value int64
	Pos   Pos
}

// Constraint is the subset of X.680 constraints the compiler enforces:
// a value range on INTEGER, a size range on strings and SEQUENCE OF.
// Min and Max are nil when unbounded (MIN, MAX).
type Constraint struct {
	Size     bool // SIZE(...) rather than a value range
	Min, Max *int64
	Text     string // the constraint as written, for messages
	// Extensible is set when the constraint carries an extension marker
	// (`(1..10, ...)`); the bounds are then those of the root.
	Extensible bool
}

// ValueKind is the kind of a Value.
type ValueKind int

// Value kinds.
const (
	IntegerValue    ValueKind = iota // Int
	BooleanValue                     // Bool
	IdentifierValue                  // Ident: an enumeration item or named number or value reference
	StringValue                      // Str: a "cstring"
	HexValue                         // Bytes: 'ABCD'H
	BitsValue                        // Str: '0101'B as written
	OIDValue                         // OID components
	NullValue
	EmptyValue // {} for an empty SEQUENCE OF or SEQUENCE
	// ListValue is a brace list: Elems holds the items, each with Name set
	// when written as `name value` (SEQUENCE/SET value) and Kind
	// IdentifierValue for a bare name (BIT STRING named bits).
	ListValue
	// ChoiceValue is `alternative : value`: Ident is the alternative and
	// Elems[0] the value.
	ChoiceValue
)

// Value is a value notation as used in DEFAULT and value assignments.
type Value struct {
	Kind  ValueKind
	Int   int64
	Bool  bool
	Ident string
	Str   string
	Bytes []byte
	OID   []OIDComponent
	Pos   Pos

	// Elems and Name: see ListValue and ChoiceValue.
	Elems []*Value
	Name  string
	// Ref is the value assignment an IdentifierValue (or the first
	// component of an OIDValue) refers to, when it names one.
	Ref *ValueAssignment
	// Arcs is an OIDValue with every component resolved to its number
	// (value references expanded), or nil when some arc is unknown.
	Arcs []int64

	refModule string // `Module.value`: the module named
}

// OIDComponent is one arc of an OBJECT IDENTIFIER value: a name, a
// number, or both (`iso(1)`).
type OIDComponent struct {
	Name   string
	Number int64 // -1 when only a name (resolved later if known)

	pos Pos
}

// Resolve follows references and returns the underlying built-in type
// together with every tag on the way, outermost first.
func (t *Type) Resolve() (*Type, []Tag) {
	var tags []Tag
	for n := 0; t.Kind == Reference && t.Target != nil && n < maxRefChain; n++ {
		tags = append(tags, t.Tags...)
		t = t.Target.Type
	}
	return t, append(tags, t.Tags...)
}

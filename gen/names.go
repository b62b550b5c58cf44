package gen

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/chatim/chat/asn1"
)

// methodNames are the identifiers generated as methods on every type; a
// field may not take one of them.
var methodNames = map[string]bool{
	"AppendDER": true, "MarshalDER": true, "UnmarshalDER": true, "UnmarshalDERNoCopy": true,
	"AppendETF": true, "MarshalETF": true, "UnmarshalETF": true, "UnmarshalETFNoCopy": true,
	"MarshalJSON": true, "UnmarshalJSON": true, "ASN1Type": true, "String": true,
}

// reservedNames are package-level identifiers the generator declares
// itself in every package.
var reservedNames = []string{"Value", "Types", "New"}

// goIdent turns an ASN.1 identifier or type reference into an exported Go
// identifier: hyphens removed, each hyphen-separated part capitalised.
func goIdent(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "-") {
		if part == "" {
			continue
		}
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" || !unicode.IsLetter([]rune(out)[0]) {
		out = "X" + out
	}
	return out
}

// packageName is the Go package name and folder of a module.
func packageName(module string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(module) {
		if r == '-' || r == '_' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// named is one Go type the generator declares: a type assignment or an
// inline SEQUENCE, SET, CHOICE or ENUMERATED.
type named struct {
	goName   string
	asn1Name string // "Message" or "Message.link" for inline types
	record   string // Erlang record name used in ETF
	assign   *asn1.TypeAssignment
	def      *asn1.Type // definition; for inline types the field occurrence
	ownTags  []asn1.Tag // tags belonging to the type itself (nil for inline)
	base     *asn1.Type // def after following references
	isChoice bool
	// boxName is the registry holder type of a CHOICE assignment.
	boxName string
	fields  []*field
	items   []item // ENUMERATED items or named INTEGER numbers
	wire    []wireTag
	comment string
	safe    bool // a value can be built without recursing (random generation)
}

// field is one component of a SEQUENCE, SET or CHOICE.
type field struct {
	f       *asn1.Field
	goName  string
	wrapper string // CHOICE: the alternative's wrapper type
}

// item is an ENUMERATED item or a named number with its Go constant.
type item struct {
	name   string
	value  int64
	goName string
}

// module is the analysis of one ASN.1 module.
type module struct {
	mod        *asn1.Module
	pkg        string
	importPath string
	header     string
	types      []*named
	byAssign   map[*asn1.TypeAssignment]*named
	byType     map[*asn1.Type]*named
	used       map[string]bool
}

func (m *module) unique(name string) string {
	for m.used[name] {
		name += "_"
	}
	m.used[name] = true
	return name
}

// analyse computes every Go name of a module before any code is emitted.
func analyse(mod *asn1.Module, importPath, header string) (*module, error) {
	m := &module{
		mod:        mod,
		pkg:        packageName(mod.Name),
		importPath: importPath,
		header:     header,
		byAssign:   map[*asn1.TypeAssignment]*named{},
		byType:     map[*asn1.Type]*named{},
		used:       map[string]bool{},
	}
	for _, r := range reservedNames {
		m.used[r] = true
	}
	// Type assignments first, so they keep their natural names.
	for _, ta := range mod.Types {
		n := &named{
			goName:   m.unique(goIdent(ta.Name)),
			asn1Name: ta.Name,
			record:   ta.Name,
			assign:   ta,
			def:      ta.Type,
			ownTags:  ta.Type.Tags,
			comment:  ta.Comment,
		}
		m.byAssign[ta] = n
		m.types = append(m.types, n)
	}
	for _, n := range append([]*named(nil), m.types...) {
		if err := m.analyseNamed(n); err != nil {
			return nil, err
		}
	}
	for _, n := range m.types {
		if n.isChoice && n.assign != nil {
			n.boxName = m.unique(n.goName + "Value")
		}
	}
	if err := m.computeWire(); err != nil {
		return nil, err
	}
	if err := m.checkValueCycles(); err != nil {
		return nil, err
	}
	m.computeSafe()
	return m, nil
}

// analyseNamed fills in the fields, items and inline types of n.
func (m *module) analyseNamed(n *named) error {
	base, _ := n.def.Resolve()
	n.base = base
	if n.def.Kind == asn1.Reference {
		if n.def.Target == nil {
			return fmt.Errorf("%s: unresolved reference %s", n.asn1Name, n.def.Ref)
		}
		if n.def.Target.Module != nil && n.def.Target.Module != m.mod {
			return fmt.Errorf("%s: reference to %s in module %s is not supported", n.asn1Name, n.def.Ref, n.def.Target.Module.Name)
		}
		if base.Kind == asn1.Choice {
			return fmt.Errorf("%s: a type defined as another CHOICE type is not supported", n.asn1Name)
		}
		n.items = m.constants(n.goName, base)
		return nil
	}
	switch n.def.Kind {
	case asn1.Sequence, asn1.Set, asn1.Choice:
		n.isChoice = n.def.Kind == asn1.Choice
		used := map[string]bool{}
		for k := range methodNames {
			used[k] = true
		}
		for _, f := range n.def.Fields {
			fd := &field{f: f}
			name := goIdent(f.Name)
			for used[name] {
				name += "_"
			}
			used[name] = true
			fd.goName = name
			if n.isChoice {
				fd.wrapper = m.unique(n.goName + "_" + name)
			}
			n.fields = append(n.fields, fd)
		}
		for i, fd := range n.fields {
			if err := m.inline(n, fd.f.Type, n.goName+fd.goName, n.record+"_"+fd.f.Name, n.asn1Name+"."+fd.f.Name); err != nil {
				return err
			}
			_ = i
		}
	case asn1.Enumerated, asn1.Integer:
		n.items = m.constants(n.goName, n.def)
	case asn1.SequenceOf, asn1.SetOf:
		return m.inline(n, n.def.Elem, n.goName+"Elem", n.record+"_SEQOF", n.asn1Name+".item")
	case asn1.Real:
		return fmt.Errorf("%s: REAL is not supported", n.asn1Name)
	}
	return nil
}

// inline declares named types for SEQUENCE, SET, CHOICE and ENUMERATED
// types written inside another type, recursively through SEQUENCE OF.
func (m *module) inline(parent *named, t *asn1.Type, goName, record, asn1Name string) error {
	switch t.Kind {
	case asn1.Sequence, asn1.Set, asn1.Choice, asn1.Enumerated:
		n := &named{
			goName:   m.unique(goName),
			asn1Name: asn1Name,
			record:   record,
			def:      t,
		}
		m.byType[t] = n
		m.types = append(m.types, n)
		return m.analyseNamed(n)
	case asn1.SequenceOf, asn1.SetOf:
		return m.inline(parent, t.Elem, goName+"Elem", record+"_SEQOF", asn1Name+".item")
	case asn1.Real:
		return fmt.Errorf("%s: REAL is not supported", asn1Name)
	case asn1.Reference:
		if t.Target == nil {
			return fmt.Errorf("%s: unresolved reference %s", asn1Name, t.Ref)
		}
		if t.Target.Module != nil && t.Target.Module != m.mod {
			return fmt.Errorf("%s: reference to %s in module %s is not supported", asn1Name, t.Ref, t.Target.Module.Name)
		}
	}
	return nil
}

// constants names the items of an ENUMERATED or the named numbers of an
// INTEGER.
func (m *module) constants(goName string, t *asn1.Type) []item {
	if t.Kind != asn1.Enumerated && t.Kind != asn1.Integer {
		return nil
	}
	var out []item
	for _, nn := range t.Named {
		out = append(out, item{name: nn.Name, value: nn.Value, goName: m.unique(goName + goIdent(nn.Name))})
	}
	return out
}

// target returns the named type an occurrence refers to, or nil for a
// built-in type coded inline.
func (m *module) target(t *asn1.Type) *named {
	if t.Kind == asn1.Reference {
		return m.byAssign[t.Target]
	}
	return m.byType[t]
}

// checkValueCycles rejects types that contain themselves by value, which
// would have no finite values.
func (m *module) checkValueCycles() error {
	state := map[*named]int{}
	var visit func(n *named, path []string) error
	visit = func(n *named, path []string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("%s: type contains itself through required components: %s", n.asn1Name, strings.Join(append(path, n.asn1Name), " -> "))
		case 2:
			return nil
		}
		state[n] = 1
		if !n.isChoice {
			for _, fd := range n.fields {
				if fd.f.Optional {
					continue
				}
				if t := m.target(fd.f.Type); t != nil && !t.isChoice {
					if err := visit(t, append(path, n.asn1Name)); err != nil {
						return err
					}
				}
			}
			if n.def.Kind == asn1.Reference {
				if t := m.target(n.def); t != nil {
					if err := visit(t, append(path, n.asn1Name)); err != nil {
						return err
					}
				}
			}
		}
		state[n] = 2
		return nil
	}
	for _, n := range m.types {
		if err := visit(n, nil); err != nil {
			return err
		}
	}
	return nil
}

// computeSafe marks the types whose values can be built with no recursion
// budget left: lists empty, OPTIONAL absent, some CHOICE alternative safe.
func (m *module) computeSafe() {
	occSafe := func(t *asn1.Type) bool {
		if n := m.target(t); n != nil {
			return n.safe
		}
		return true
	}
	for changed := true; changed; {
		changed = false
		for _, n := range m.types {
			if n.safe {
				continue
			}
			ok := true
			switch {
			case n.isChoice:
				ok = false
				for _, fd := range n.fields {
					if occSafe(fd.f.Type) {
						ok = true
					}
				}
			case n.def.Kind == asn1.Reference:
				ok = occSafe(n.def)
			default:
				for _, fd := range n.fields {
					if !fd.f.Optional && !occSafe(fd.f.Type) {
						ok = false
					}
				}
			}
			if ok {
				n.safe = true
				changed = true
			}
		}
	}
}

// sortedTypeNames returns the ASN.1 names of the type assignments, sorted.
func (m *module) sortedAssignments() []*named {
	var out []*named
	for _, n := range m.types {
		if n.assign != nil {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].asn1Name < out[j].asn1Name })
	return out
}

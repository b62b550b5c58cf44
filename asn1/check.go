package asn1

import (
	"fmt"
	"unicode/utf8"
)

// This file holds the semantic checks run after resolution.

// check runs every semantic check over the resolved modules.
func (r *resolver) check() {
	for _, t := range r.nodes {
		switch t.Kind {
		case Sequence:
			r.checkNames(t, "component")
			r.checkSequenceTags(t)
			r.checkComponents(t)
		case Set:
			r.checkNames(t, "component")
			r.checkDistinctTags(t, "component")
			r.checkComponents(t)
		case Choice:
			if len(t.Fields) == 0 {
				r.errs.add(t.Pos, "CHOICE has no alternatives")
			}
			r.checkNames(t, "alternative")
			r.checkDistinctTags(t, "alternative")
		case Enumerated:
			r.checkNamed(t, "enumeration item", "enumeration value")
		case Integer:
			r.checkNamed(t, "named number", "named number value")
		case BitString:
			r.checkNamed(t, "named bit", "bit")
		}
	}
	for _, m := range r.mods {
		for _, va := range m.Values {
			if pos, msg := r.checkValue(va.Value, va.Type, m); msg != "" {
				r.errs.add(pos, "invalid value %s: %s", va.Name, msg)
			}
		}
	}
	r.checkFinite()
}

// checkNames reports components or alternatives with the same name.
func (r *resolver) checkNames(t *Type, what string) {
	seen := make(map[string]*Field, len(t.Fields))
	for _, f := range t.Fields {
		if prev, ok := seen[f.Name]; ok {
			r.errs.add(f.Pos, "duplicate %s %s (first defined at %s)", what, f.Name, short(prev.Pos, f.Pos))
			continue
		}
		seen[f.Name] = f
	}
}

// checkNamed reports duplicate names and numbers in t.Named.
func (r *resolver) checkNamed(t *Type, nameWhat, numWhat string) {
	names := map[string]bool{}
	nums := map[int64]string{}
	for _, nn := range t.Named {
		if names[nn.Name] {
			r.errs.add(nn.Pos, "duplicate %s %s", nameWhat, nn.Name)
			continue
		}
		names[nn.Name] = true
		if prev, ok := nums[nn.Value]; ok {
			r.errs.add(nn.Pos, "duplicate %s %d (%s and %s)", numWhat, nn.Value, prev, nn.Name)
			continue
		}
		nums[nn.Value] = nn.Name
	}
}

// taggedField pairs a component with the tags it may start with.
type taggedField struct {
	f    *Field
	tags []Tag
	open bool
}

func tagged(f *Field) taggedField {
	tags, open := outerTags(f.Type, nil)
	return taggedField{f, tags, open}
}

// checkDistinctTags requires the outermost tags of all components of a
// SET or all alternatives of a CHOICE to differ (X.680 §27.3, §29.2).
func (r *resolver) checkDistinctTags(t *Type, what string) {
	seen := map[Tag]*Field{}
	for _, f := range t.Fields {
		tf := tagged(f)
		if tf.open {
			if len(t.Fields) > 1 {
				r.errs.add(f.Pos, "untagged ANY %s %s makes the tags of the %s ambiguous", what, f.Name, t.Kind)
			}
			continue
		}
		for _, tag := range tf.tags {
			key := Tag{Class: tag.Class, Number: tag.Number}
			if prev, ok := seen[key]; ok && prev != f {
				r.errs.add(f.Pos, "tag %s of %s %s clashes with %s %s", key, what, f.Name, what, prev.Name)
				continue
			}
			seen[key] = f
		}
	}
}

// checkSequenceTags applies X.680 §25.5: the tags of each run of
// OPTIONAL or DEFAULT components and of the component following it must
// be distinct.
func (r *resolver) checkSequenceTags(t *Type) {
	run := map[Tag]*Field{}
	var open *Field // an untagged ANY in the run
	var first *Field
	for _, f := range t.Fields {
		tf := tagged(f)
		switch {
		case first != nil && tf.open:
			r.errs.add(f.Pos, "component %s cannot be told apart from optional component %s: untagged ANY (X.680 §25.5)", f.Name, first.Name)
		case open != nil:
			r.errs.add(f.Pos, "component %s cannot be told apart from optional component %s: untagged ANY (X.680 §25.5)", f.Name, open.Name)
		default:
			for _, tag := range tf.tags {
				key := Tag{Class: tag.Class, Number: tag.Number}
				if prev, ok := run[key]; ok && prev != f {
					r.errs.add(f.Pos, "tag %s of component %s is not distinct from optional component %s (X.680 §25.5)", key, f.Name, prev.Name)
					break
				}
			}
		}
		if !f.Optional && f.Default == nil {
			if len(run) > 0 {
				run = map[Tag]*Field{}
			}
			open, first = nil, nil
			continue
		}
		if first == nil {
			first = f
		}
		if tf.open && open == nil {
			open = f
		}
		for _, tag := range tf.tags {
			key := Tag{Class: tag.Class, Number: tag.Number}
			if _, ok := run[key]; !ok {
				run[key] = f
			}
		}
	}
}

// checkComponents checks DEFAULT values and ANY DEFINED BY references of
// a SEQUENCE or SET.
func (r *resolver) checkComponents(t *Type) {
	names := make(map[string]bool, len(t.Fields))
	for _, f := range t.Fields {
		names[f.Name] = true
	}
	for _, f := range t.Fields {
		if f.Default != nil {
			if pos, msg := r.checkValue(f.Default, f.Type, f.Type.syn.mod); msg != "" {
				r.errs.add(pos, "invalid DEFAULT value for %s: %s", f.Name, msg)
			}
		}
		if f.Type.Kind == Any && f.Type.DefinedBy != "" && !names[f.Type.DefinedBy] {
			r.errs.add(f.Type.syn.definedBy, "ANY DEFINED BY %s names no component of this %s", f.Type.DefinedBy, t.Kind)
		}
	}
}

// typeName names t for a message: its reference name or its kind.
func typeName(t *Type) string {
	if t.Kind == Reference {
		return t.Ref
	}
	return t.Kind.String()
}

var valueKindNames = map[ValueKind]string{
	IntegerValue: "a number", BooleanValue: "TRUE or FALSE", IdentifierValue: "an identifier",
	StringValue: "a string", HexValue: "a hexadecimal string", BitsValue: "a binary string",
	OIDValue: "an OBJECT IDENTIFIER value", NullValue: "NULL", EmptyValue: "{}",
	ListValue: "a list", ChoiceValue: "a CHOICE value",
}

// compatible reports whether a value of kind a may stand where kind b is
// expected (all character string kinds mix, as do SEQUENCE OF and SET OF).
func compatible(a, b Kind) bool {
	if a == b {
		return true
	}
	return isString(a) && isString(b)
}

func isString(k Kind) bool {
	switch k {
	case UTF8String, UniversalString, IA5String, PrintableString, NumericString, VisibleString,
		TeletexString, BMPString, GeneralString, GraphicString, VideotexString, UTCTime,
		GeneralizedTime, ObjectDescriptor:
		return true
	}
	return false
}

// namedIn reports whether name is one of u's named numbers or items.
func namedIn(u *Type, name string) (int64, bool) {
	for _, nn := range u.Named {
		if nn.Name == name {
			return nn.Value, true
		}
	}
	return 0, false
}

// constraints returns the constraints along t's reference chain.
func constraints(t *Type) []*Constraint {
	var out []*Constraint
	for n := 0; t != nil && n < maxRefChain; n++ {
		if t.Constraint != nil {
			out = append(out, t.Constraint)
		}
		if t.Kind != Reference || t.Target == nil {
			break
		}
		t = t.Target.Type
	}
	return out
}

// within checks n against the value (size=false) or size constraints of t.
func within(t *Type, n int64, size bool) string {
	for _, c := range constraints(t) {
		if c.Size != size {
			continue
		}
		if c.Min != nil && n < *c.Min || c.Max != nil && n > *c.Max {
			if size {
				return fmt.Sprintf("size %d out of constraint %s", n, c.Text)
			}
			return fmt.Sprintf("%d out of constraint %s", n, c.Text)
		}
	}
	return ""
}

// checkValue checks that v is a value of type t, written in module m,
// resolving value references on the way. It returns the position and
// text of the first problem, or an empty message.
func (r *resolver) checkValue(v *Value, t *Type, m *Module) (Pos, string) {
	u := t.Underlying()
	if u == nil || u.Kind == Reference {
		return v.Pos, "" // unresolved: reported already
	}
	if v.Kind == IdentifierValue {
		if n, ok := namedIn(u, v.Ident); ok && v.refModule == "" && u.Kind != BitString {
			if u.Kind == Integer {
				return v.Pos, within(t, n, false)
			}
			return v.Pos, ""
		}
		if u.Kind == Enumerated {
			return v.Pos, fmt.Sprintf("%s is not an item of %s", v.Ident, typeName(t))
		}
		if u.Kind == Real && (v.Ident == "PLUS-INFINITY" || v.Ident == "MINUS-INFINITY") {
			return v.Pos, ""
		}
		va := r.lookupValue(m, v.Ident, v.refModule)
		if va == nil {
			return v.Pos, fmt.Sprintf("undefined value %s", v.Ident)
		}
		v.Ref = va
		if vu := va.Type.Underlying(); vu != nil && vu.Kind != Reference && !compatible(vu.Kind, u.Kind) {
			return v.Pos, fmt.Sprintf("%s is a %s value, expected %s", v.Ident, vu.Kind, typeName(t))
		}
		if u.Kind == Integer {
			if n, ok := r.intValue(m, v, nil); ok {
				return v.Pos, within(t, n, false)
			}
		}
		return v.Pos, ""
	}
	wrong := func() (Pos, string) {
		return v.Pos, fmt.Sprintf("expected a %s value, found %s", typeName(t), valueKindNames[v.Kind])
	}
	switch u.Kind {
	case Boolean:
		if v.Kind != BooleanValue {
			return wrong()
		}
	case Integer:
		if v.Kind != IntegerValue {
			return wrong()
		}
		return v.Pos, within(t, v.Int, false)
	case Enumerated:
		return wrong()
	case Null:
		if v.Kind != NullValue {
			return wrong()
		}
	case OctetString:
		switch v.Kind {
		case HexValue:
			return v.Pos, within(t, int64(len(v.Bytes)), true)
		case BitsValue:
			return v.Pos, within(t, int64((len(v.Str)+7)/8), true)
		}
		return wrong()
	case BitString:
		switch v.Kind {
		case BitsValue:
			return v.Pos, within(t, int64(len(v.Str)), true)
		case HexValue, EmptyValue:
		case ListValue:
			for _, e := range v.Elems {
				if _, ok := namedIn(u, e.Ident); e.Kind != IdentifierValue || !ok {
					return e.Pos, fmt.Sprintf("%s is not a named bit of %s", e.Ident, typeName(t))
				}
			}
		default:
			return wrong()
		}
	case ObjectIdentifier, RelativeOID:
		if v.Kind != OIDValue {
			return wrong()
		}
		return r.arcs(v, m)
	case Real:
		if v.Kind != IntegerValue && v.Kind != ListValue && v.Kind != OIDValue {
			return wrong()
		}
	case Sequence, Set, SequenceOf, SetOf:
		switch v.Kind {
		case EmptyValue:
		case ListValue:
			if u.Kind == SequenceOf || u.Kind == SetOf {
				return v.Pos, within(t, int64(len(v.Elems)), true)
			}
		case OIDValue:
		default:
			return wrong()
		}
	case Choice:
		if v.Kind != ChoiceValue {
			return wrong()
		}
		for _, f := range u.Fields {
			if f.Name == v.Ident {
				return r.checkValue(v.Elems[0], f.Type, m)
			}
		}
		return v.Pos, fmt.Sprintf("%s is not an alternative of %s", v.Ident, typeName(t))
	case Any:
	default:
		if isString(u.Kind) {
			if v.Kind != StringValue {
				return wrong()
			}
			return v.Pos, within(t, int64(utf8.RuneCountInString(v.Str)), true)
		}
	}
	return v.Pos, ""
}

// rootArcs are the names allowed as the first OBJECT IDENTIFIER arc
// (X.660 Annex A).
var rootArcs = map[string]int64{"itu-t": 0, "ccitt": 0, "iso": 1, "joint-iso-itu-t": 2, "joint-iso-ccitt": 2}

// secondArcs are the names allowed as the second arc under each root.
var secondArcs = map[int64]map[string]int64{
	0: {"recommendation": 0, "question": 1, "administration": 2, "network-operator": 3, "identified-organization": 4},
	1: {"standard": 0, "registration-authority": 1, "member-body": 2, "identified-organization": 3},
}

// arcs fills v.Arcs, expanding a leading value reference.
func (r *resolver) arcs(v *Value, m *Module) (Pos, string) {
	if v.Arcs != nil {
		return v.Pos, ""
	}
	var out []int64
	for i, c := range v.OID {
		if c.Number >= 0 {
			out = append(out, c.Number)
			continue
		}
		if i == 0 {
			if n, ok := rootArcs[c.Name]; ok {
				out = append(out, n)
				continue
			}
			va := r.lookupValue(m, c.Name, "")
			if va == nil {
				return c.pos, fmt.Sprintf("undefined value %s", c.Name)
			}
			v.Ref = va
			if va.Value.Kind != OIDValue {
				return c.pos, fmt.Sprintf("%s is not an OBJECT IDENTIFIER value", c.Name)
			}
			if r.arcsBusy[va] {
				return c.pos, fmt.Sprintf("circular value reference %s", c.Name)
			}
			r.arcsBusy[va] = true
			pos, msg := r.arcs(va.Value, va.Module)
			delete(r.arcsBusy, va)
			if msg != "" {
				return pos, msg
			}
			out = append(out, va.Value.Arcs...)
			continue
		}
		if len(out) == 1 {
			if n, ok := secondArcs[out[0]][c.Name]; ok {
				out = append(out, n)
				continue
			}
		}
		return c.pos, fmt.Sprintf("OBJECT IDENTIFIER component %s needs a number", c.Name)
	}
	v.Arcs = out
	return v.Pos, ""
}

// checkFinite reports types with no finite value: recursion where every
// path goes through a mandatory component. It propagates finiteness
// bottom-up like Horn-clause satisfaction, in time linear in the IR.
func (r *resolver) checkFinite() {
	need := make(map[*Type]int, len(r.nodes))
	parents := map[*Type][]*Type{}
	finite := make(map[*Type]bool, len(r.nodes))
	var queue []*Type
	for _, t := range r.nodes {
		var kids []*Type
		switch t.Kind {
		case Reference:
			if t.Target != nil {
				kids = []*Type{t.Target.Type}
			}
			need[t] = len(kids)
		case Sequence, Set:
			for _, f := range t.Fields {
				if !f.Optional && f.Default == nil && !f.componentsOf {
					kids = append(kids, f.Type)
				}
			}
			need[t] = len(kids)
		case Choice:
			kids = make([]*Type, 0, len(t.Fields))
			for _, f := range t.Fields {
				kids = append(kids, f.Type)
			}
			need[t] = min(1, len(kids))
		}
		for _, k := range kids {
			parents[k] = append(parents[k], t)
		}
		if need[t] == 0 {
			finite[t] = true
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		k := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, p := range parents[k] {
			if finite[p] {
				continue
			}
			need[p]--
			if need[p] <= 0 {
				finite[p] = true
				queue = append(queue, p)
			}
		}
	}
	for _, m := range r.mods {
		for _, ta := range m.Types {
			if !finite[ta.Type] {
				r.errs.add(ta.Pos, "recursive type %s has no finite value (mandatory component cycle)", ta.Name)
			}
		}
	}
}

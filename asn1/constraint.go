package asn1

import "strings"

// This file evaluates the written constraints of a type to the simple
// Constraint of the IR. Forms that are not evaluated (FROM, WITH
// COMPONENTS, table constraints, CONTAINING, PATTERN...) leave the
// result unknown; an intersection keeps whatever its other members
// establish, a union with an unknown member is unknown.

// interval is an integer range; nil ends are unbounded.
type interval struct {
	ok       bool
	min, max *int64
}

// extent is what a constraint says about values and about sizes.
type extent struct{ val, size interval }

func hull(a, b interval) interval {
	if !a.ok || !b.ok {
		return interval{}
	}
	out := interval{ok: true}
	if a.min != nil && b.min != nil {
		out.min = ptr(min(*a.min, *b.min))
	}
	if a.max != nil && b.max != nil {
		out.max = ptr(max(*a.max, *b.max))
	}
	return out
}

func meet(a, b interval) interval {
	switch {
	case !a.ok:
		return b
	case !b.ok:
		return a
	}
	out := a
	if b.min != nil && (out.min == nil || *b.min > *out.min) {
		out.min = b.min
	}
	if b.max != nil && (out.max == nil || *b.max < *out.max) {
		out.max = b.max
	}
	return out
}

// namedNumber finds name among named.
func namedNumber(named []NamedNumber, name string) (int64, bool) {
	for _, nn := range named {
		if nn.Name == name {
			return nn.Value, true
		}
	}
	return 0, false
}

func ptr(n int64) *int64 { return &n }

// constraint evaluates t's written constraints into t.Constraint.
func (r *resolver) constraint(t *Type) {
	if t.syn == nil || len(t.syn.constraints) == 0 || t.Constraint != nil {
		return
	}
	var named []NamedNumber
	if u := t.Underlying(); u != nil {
		named = u.Named
	}
	var ext extent
	var texts []string
	extensible := false
	for _, c := range t.syn.constraints {
		texts = append(texts, c.text)
		extensible = extensible || c.extensible
		if c.root == nil {
			continue
		}
		e := r.evalSet(t.syn.mod, c.root, named)
		ext.val, ext.size = meet(ext.val, e.val), meet(ext.size, e.size)
	}
	iv := ext.size
	size := true
	if !iv.ok || (ext.val.ok && isNumeric(t)) {
		iv, size = ext.val, false
	}
	if !iv.ok {
		return
	}
	c := &Constraint{Size: size, Min: iv.min, Max: iv.max, Text: strings.Join(texts, " "), Extensible: extensible}
	if c.Min != nil && c.Max != nil && *c.Min > *c.Max {
		r.errs.add(t.syn.constraints[0].pos, "constraint %s allows no value", c.Text)
	}
	if size && c.Min != nil && *c.Min < 0 {
		r.errs.add(t.syn.constraints[0].pos, "size constraint %s is negative", c.Text)
	}
	t.Constraint = c
}

// isNumeric reports whether t's values are numbers (a value range applies).
func isNumeric(t *Type) bool {
	u := t.Underlying()
	return u != nil && (u.Kind == Integer || u.Kind == Enumerated || u.Kind == Real)
}

func (r *resolver) evalSet(m *Module, s *elemSet, named []NamedNumber) extent {
	var out extent
	for i, inter := range s.unions {
		var e extent
		for _, el := range inter {
			x := r.evalElem(m, el, named)
			e.val, e.size = meet(e.val, x.val), meet(e.size, x.size)
		}
		if i == 0 {
			out = e
			continue
		}
		out.val, out.size = hull(out.val, e.val), hull(out.size, e.size)
	}
	return out
}

func (r *resolver) evalElem(m *Module, e *elem, named []NamedNumber) extent {
	switch e.kind {
	case elemNested:
		return r.evalSet(m, e.set, named)
	case elemSize:
		return extent{size: r.evalSet(m, e.set, nil).val}
	case elemRange:
		lo, okLo := r.evalBound(m, e.lo, named, false)
		hi, okHi := r.evalBound(m, e.hi, named, true)
		if !okLo || !okHi {
			return extent{}
		}
		return extent{val: interval{ok: true, min: lo, max: hi}}
	}
	return extent{}
}

// evalBound evaluates one range end; upper selects the adjustment of an
// open (`<`) end.
func (r *resolver) evalBound(m *Module, b bound, named []NamedNumber, upper bool) (*int64, bool) {
	switch b.kind {
	case boundMin, boundMax:
		return nil, true
	}
	switch b.val.Kind {
	case IntegerValue:
	case IdentifierValue:
		if b.val.Ident == "PLUS-INFINITY" || b.val.Ident == "MINUS-INFINITY" {
			return nil, false
		}
		if _, ok := namedNumber(named, b.val.Ident); !ok || b.val.refModule != "" {
			va := r.lookupValue(m, b.val.Ident, b.val.refModule)
			if va == nil {
				r.errs.add(b.val.Pos, "undefined value %s", b.val.Ident)
				return nil, false
			}
			b.val.Ref = va
			if u := va.Type.Underlying(); u == nil || u.Kind != Integer {
				return nil, false // a value of another type: not a range
			}
		}
	default:
		return nil, false // a string or other value: not a number range
	}
	n, ok := r.intValue(m, b.val, named)
	if !ok {
		return nil, false
	}
	if b.open {
		if upper {
			n--
		} else {
			n++
		}
	}
	return &n, true
}

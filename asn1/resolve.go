package asn1

import (
	"math"
	"strings"
)

// This file turns parsed modules into the resolved IR: it links
// references within and across modules, expands COMPONENTS OF, resolves
// tags (§31.2.7, automatic tagging §25.3), numbers enumerations (§20) and
// evaluates constraints. check.go then runs the semantic checks.

// resolver holds the state of one Load.
type resolver struct {
	mods   []*Module
	byName map[string]*Module
	types  map[*Module]map[string]*TypeAssignment
	values map[*Module]map[string]*ValueAssignment
	errs   ErrorList

	nodes    []*Type // every type node, each once, after expansion
	autoTag  map[*Type]Tag
	tagsDone map[*Type]bool
	intBusy  map[*ValueAssignment]bool
	arcsBusy map[*ValueAssignment]bool
}

// resolve links, completes and checks mods.
func resolve(mods []*Module) ErrorList {
	r := &resolver{
		mods:     mods,
		byName:   map[string]*Module{},
		types:    map[*Module]map[string]*TypeAssignment{},
		values:   map[*Module]map[string]*ValueAssignment{},
		autoTag:  map[*Type]Tag{},
		tagsDone: map[*Type]bool{},
		intBusy:  map[*ValueAssignment]bool{},
		arcsBusy: map[*ValueAssignment]bool{},
	}
	r.tables()
	r.checkImports()
	for _, t := range r.collect() {
		r.link(t)
	}
	r.breakCycles()
	for _, t := range r.collect() {
		if t.Kind == Sequence || t.Kind == Set {
			r.expand(t)
		}
	}
	r.nodes = r.collect()
	for _, t := range r.nodes {
		r.automatic(t)
	}
	for _, t := range r.nodes {
		r.resolveTags(t)
	}
	for _, t := range r.nodes {
		r.namedNumbers(t)
	}
	for _, t := range r.nodes {
		r.constraint(t)
	}
	r.check()
	return r.errs
}

// tables builds the symbol tables and reports duplicate assignments.
func (r *resolver) tables() {
	for _, m := range r.mods {
		if prev, ok := r.byName[m.Name]; ok {
			r.errs.add(m.Pos, "duplicate module %s (first defined at %s)", m.Name, prev.Pos)
			continue
		}
		r.byName[m.Name] = m
	}
	for _, m := range r.mods {
		ts := map[string]*TypeAssignment{}
		vs := map[string]*ValueAssignment{}
		r.types[m], r.values[m] = ts, vs
		imported := map[string]bool{}
		for _, imp := range m.Imports {
			for _, s := range imp.Symbols {
				imported[s] = true
			}
		}
		for _, ta := range m.Types {
			if prev, ok := ts[ta.Name]; ok {
				r.errs.add(ta.Pos, "duplicate assignment %s (first defined at %s)", ta.Name, short(prev.Pos, ta.Pos))
				continue
			}
			if imported[ta.Name] {
				r.errs.add(ta.Pos, "%s is both imported and defined", ta.Name)
			}
			ts[ta.Name] = ta
		}
		for _, va := range m.Values {
			if prev, ok := vs[va.Name]; ok {
				r.errs.add(va.Pos, "duplicate assignment %s (first defined at %s)", va.Name, short(prev.Pos, va.Pos))
				continue
			}
			if imported[va.Name] {
				r.errs.add(va.Pos, "%s is both imported and defined", va.Name)
			}
			vs[va.Name] = va
		}
	}
}

// short formats p relative to the file of ref: line:col when in the same
// file, file:line:col otherwise.
func short(p, ref Pos) string {
	if p.File == ref.File {
		return strings.TrimPrefix(p.String(), p.File+":")
	}
	return p.String()
}

// checkImports checks that every imported symbol is defined and exported
// by the module named.
func (r *resolver) checkImports() {
	for _, m := range r.mods {
		for i, s := range m.Exports {
			if !r.defines(m, s, 0) {
				r.errs.add(m.exportPos[i], "exported symbol %s is not defined", s)
			}
		}
		for _, imp := range m.Imports {
			from, ok := r.byName[imp.Module]
			if !ok {
				r.errs.add(imp.Pos, "module %s not found", imp.Module)
				continue
			}
			for i, s := range imp.Symbols {
				pos := imp.Pos
				if i < len(imp.SymbolPos) {
					pos = imp.SymbolPos[i]
				}
				if !r.defines(from, s, 0) {
					r.errs.add(pos, "module %s does not define %s", from.Name, s)
				} else if !exports(from, s) {
					r.errs.add(pos, "module %s does not export %s", from.Name, s)
				}
			}
		}
	}
}

// defines reports whether m defines name or imports it (re-export).
func (r *resolver) defines(m *Module, name string, depth int) bool {
	if r.types[m][name] != nil || r.values[m][name] != nil {
		return true
	}
	if depth > 16 {
		return false
	}
	for _, imp := range m.Imports {
		for _, s := range imp.Symbols {
			if s == name {
				if from, ok := r.byName[imp.Module]; ok && from != m {
					return r.defines(from, name, depth+1)
				}
			}
		}
	}
	return false
}

// exports reports whether m's EXPORTS allow name.
func exports(m *Module, name string) bool {
	if m.Exports == nil {
		return true
	}
	for _, s := range m.Exports {
		if s == name {
			return true
		}
	}
	return false
}

// source returns the module that a name used in m comes from: m itself,
// an imported module, or (for Module.name) the named module.
func (r *resolver) source(m *Module, name, modName string) *Module {
	if modName != "" {
		return r.byName[modName]
	}
	for depth := 0; depth < 16 && m != nil; depth++ {
		if r.types[m][name] != nil || r.values[m][name] != nil {
			return m
		}
		var next *Module
		for _, imp := range m.Imports {
			for _, s := range imp.Symbols {
				if s == name {
					next = r.byName[imp.Module]
				}
			}
		}
		if next == m {
			return nil
		}
		m = next
	}
	return nil
}

// lookupType finds the type assignment name refers to from module m.
func (r *resolver) lookupType(m *Module, name, modName string) *TypeAssignment {
	if src := r.source(m, name, modName); src != nil {
		return r.types[src][name]
	}
	return nil
}

// lookupValue finds the value assignment name refers to from module m.
func (r *resolver) lookupValue(m *Module, name, modName string) *ValueAssignment {
	if src := r.source(m, name, modName); src != nil {
		return r.values[src][name]
	}
	return nil
}

// walkType calls fn on t and every type nested in it.
func walkType(t *Type, fn func(*Type)) {
	if t == nil {
		return
	}
	fn(t)
	for _, f := range t.Fields {
		walkType(f.Type, fn)
	}
	walkType(t.Elem, fn)
}

// collect returns every type node of every module, each once.
func (r *resolver) collect() []*Type {
	seen := map[*Type]bool{}
	var out []*Type
	add := func(t *Type) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, m := range r.mods {
		for _, ta := range m.Types {
			walkType(ta.Type, add)
		}
		for _, va := range m.Values {
			walkType(va.Type, add)
		}
	}
	return out
}

// link resolves a type reference.
func (r *resolver) link(t *Type) {
	if t.Kind != Reference || t.Target != nil || t.syn == nil {
		return
	}
	mod := t.syn.mod
	if t.syn.external && r.byName[t.RefModule] == nil {
		r.errs.add(t.syn.refPos, "module %s not found", t.RefModule)
		return
	}
	ta := r.lookupType(mod, t.Ref, t.RefModule)
	if ta == nil {
		r.errs.add(t.syn.refPos, "undefined type %s", t.Ref)
		return
	}
	t.Target, t.RefModule = ta, ta.Module.Name
}

// breakCycles reports assignments that are references leading back to
// themselves (A ::= B, B ::= A) and cuts the cycle so that later passes
// terminate.
func (r *resolver) breakCycles() {
	state := map[*TypeAssignment]int{} // 1 on the current path, 2 done
	for _, m := range r.mods {
		for _, ta := range m.Types {
			var path []*TypeAssignment
			cur := ta
			for cur != nil && state[cur] == 0 {
				state[cur] = 1
				path = append(path, cur)
				if cur.Type.Kind != Reference {
					cur = nil
					break
				}
				cur = cur.Type.Target
			}
			if cur != nil && state[cur] == 1 {
				var names []string
				start := 0
				for i, p := range path {
					if p == cur {
						start = i
					}
				}
				for _, p := range path[start:] {
					names = append(names, p.Name)
				}
				names = append(names, cur.Name)
				r.errs.add(cur.Type.syn.refPos, "circular type reference %s", strings.Join(names, " -> "))
				for _, p := range path[start:] {
					p.Type.Target = nil
				}
			}
			for _, p := range path {
				state[p] = 2
			}
		}
	}
}

// maxComponents bounds the components of one SEQUENCE or SET after
// COMPONENTS OF expansion (nested expansions could otherwise grow
// exponentially).
const maxComponents = 10000

// expand replaces COMPONENTS OF placeholders in t by copies of the
// referenced type's root components (X.680 §25.4).
func (r *resolver) expand(t *Type) {
	switch t.syn.expanded {
	case 2:
		return
	case 1:
		r.errs.add(t.Pos, "COMPONENTS OF refers back to the type that contains it")
		return
	}
	has := false
	for _, f := range t.Fields {
		has = has || f.componentsOf
	}
	if !has {
		t.syn.expanded = 2
		return
	}
	t.syn.expanded = 1
	var out []*Field
	for _, f := range t.Fields {
		if !f.componentsOf {
			out = append(out, f)
			continue
		}
		u := f.Type.Underlying()
		if u == nil || u.Kind == Reference {
			continue // undefined or circular: reported already
		}
		if u.Kind != t.Kind {
			r.errs.add(f.Pos, "COMPONENTS OF in a %s requires a %s type, found %s", t.Kind, t.Kind, u.Kind)
			continue
		}
		r.expand(u)
		if len(out)+len(u.Fields) > maxComponents {
			r.errs.add(f.Pos, "COMPONENTS OF makes more than %d components", maxComponents)
			break
		}
		for _, g := range u.Fields {
			if g.Extension || g.componentsOf {
				continue
			}
			nf := *g
			nt := *g.Type
			nf.Type, nf.Extension, nf.included, nf.Pos = &nt, f.Extension, true, f.Pos
			out = append(out, &nf)
		}
	}
	t.Fields = out
	t.syn.expanded = 2
}

// untaggedChoiceOrAny reports whether t, ignoring tags before index from
// of its written tags, is an untagged CHOICE, an untagged open type, or
// a reference to one (X.680 §31.2.7 c).
func untaggedChoiceOrAny(t *Type, from int) bool {
	for n := 0; t != nil && n < maxRefChain; n++ {
		if t.syn != nil && len(t.syn.tags) > from {
			return false
		}
		switch t.Kind {
		case Choice, Any:
			return true
		case Reference:
			if t.Target == nil {
				return false
			}
			t, from = t.Target.Type, 0
		default:
			return false
		}
	}
	return false
}

// automatic records the automatic tags of t's components (X.680 §25.3).
func (r *resolver) automatic(t *Type) {
	if t.syn == nil || t.syn.mod.TagDefault != AutomaticTags {
		return
	}
	if t.Kind != Sequence && t.Kind != Set && t.Kind != Choice {
		return
	}
	for _, f := range t.Fields {
		if !f.included && len(f.Type.syn.tags) > 0 {
			return
		}
	}
	n := uint32(0)
	for pass := 0; pass < 2; pass++ {
		for _, f := range t.Fields {
			if f.Extension != (pass == 1) {
				continue
			}
			if len(f.Type.syn.tags) == 0 {
				r.autoTag[f.Type] = Tag{Class: Context, Number: n, Explicit: untaggedChoiceOrAny(f.Type, 0)}
			}
			n++
		}
	}
}

// resolveTags fills t.Tags from the written tags, the module's tag
// default and any automatic tag.
func (r *resolver) resolveTags(t *Type) {
	if r.tagsDone[t] || t.syn == nil {
		return
	}
	r.tagsDone[t] = true
	t.Tags = nil
	if at, ok := r.autoTag[t]; ok {
		t.Tags = append(t.Tags, at)
	}
	for i, ts := range t.syn.tags {
		tag := Tag{Class: ts.class, Number: uint32(ts.num)}
		if ts.numRef != nil {
			n, ok := r.intValue(t.syn.mod, ts.numRef, nil)
			if !ok {
				continue
			}
			if n < 0 || n > math.MaxUint32 {
				r.errs.add(ts.numRef.Pos, "tag number %d out of range", n)
				continue
			}
			tag.Number = uint32(n)
		}
		inner := untaggedChoiceOrAny(t, i+1)
		switch ts.mode {
		case tagExplicit:
			tag.Explicit = true
		case tagImplicit:
			if inner {
				r.errs.add(ts.pos, "IMPLICIT tag on an untagged %s (X.680 §31.2.9)", choiceOrAny(t))
				tag.Explicit = true
			}
		default:
			tag.Explicit = t.syn.mod.TagDefault == ExplicitTags || inner
		}
		t.Tags = append(t.Tags, tag)
	}
}

// choiceOrAny names the kind an IMPLICIT tag was wrongly put on.
func choiceOrAny(t *Type) string {
	if u := t.Underlying(); u != nil && u.Kind == Any {
		return "ANY"
	}
	return "CHOICE"
}

// intValue evaluates v as an integer. named holds the named numbers that
// an identifier may refer to first (the INTEGER type's own).
func (r *resolver) intValue(m *Module, v *Value, named []NamedNumber) (int64, bool) {
	switch v.Kind {
	case IntegerValue:
		return v.Int, true
	case IdentifierValue:
		if v.refModule == "" {
			for _, nn := range named {
				if nn.Name == v.Ident {
					return nn.Value, true
				}
			}
		}
		va := r.lookupValue(m, v.Ident, v.refModule)
		if va == nil {
			r.errs.add(v.Pos, "undefined value %s", v.Ident)
			return 0, false
		}
		v.Ref = va
		if r.intBusy[va] {
			r.errs.add(v.Pos, "circular value reference %s", v.Ident)
			return 0, false
		}
		r.intBusy[va] = true
		defer delete(r.intBusy, va)
		var vnamed []NamedNumber
		if u := va.Type.Underlying(); u != nil {
			if u.Kind != Integer {
				r.errs.add(v.Pos, "value %s is not an INTEGER", v.Ident)
				return 0, false
			}
			vnamed = u.Named
		}
		return r.intValue(va.Module, va.Value, vnamed)
	}
	r.errs.add(v.Pos, "expected an integer value")
	return 0, false
}

// namedNumbers fills t.Named from the written items, numbering
// enumerations per X.680 §20.
func (r *resolver) namedNumbers(t *Type) {
	if t.syn == nil || len(t.syn.items) == 0 || t.Named != nil {
		return
	}
	named := make([]NamedNumber, len(t.syn.items))
	known := make([]bool, len(t.syn.items))
	for i, it := range t.syn.items {
		named[i] = NamedNumber{Name: it.name, Pos: it.pos}
		if it.hasNum {
			n, ok := r.intValue(t.syn.mod, it.num, nil)
			named[i].Value, known[i] = n, ok
			if !ok {
				known[i] = true // reported; keep going with 0
			}
		}
	}
	if t.Kind == Enumerated {
		used := map[int64]bool{}
		for i, it := range t.syn.items {
			if it.hasNum && !it.extension {
				used[named[i].Value] = true
			}
		}
		next := int64(0)
		for i, it := range t.syn.items {
			if it.hasNum || it.extension {
				continue
			}
			for used[next] {
				next++
			}
			named[i].Value = next
			used[next] = true
		}
		// Extension additions follow every value before them.
		var top int64 = math.MinInt64
		for i, it := range t.syn.items {
			if !it.extension {
				top = max(top, named[i].Value)
			}
		}
		for i, it := range t.syn.items {
			if !it.extension {
				continue
			}
			if !it.hasNum {
				if top == math.MaxInt64 {
					r.errs.add(it.pos, "enumeration value out of range")
					continue
				}
				named[i].Value = top + 1
			} else if top != math.MinInt64 && named[i].Value <= top {
				r.errs.add(it.num.Pos, "extension addition %s must have a value greater than %d", it.name, top)
			}
			top = max(top, named[i].Value)
		}
	}
	if t.Kind == BitString {
		for i, it := range t.syn.items {
			if named[i].Value < 0 {
				r.errs.add(it.num.Pos, "named bit %s must not be negative", it.name)
			}
		}
	}
	t.Named = named
}

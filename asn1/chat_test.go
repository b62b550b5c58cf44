package asn1

import (
	"reflect"
	"testing"
)

const chatPath = "../priv/proto/CHAT.asn1"

// loadCHAT parses the CHAT specification once per test.
func loadCHAT(t *testing.T) *Module {
	t.Helper()
	m, err := ParseFile(chatPath)
	if err != nil {
		t.Fatalf("ParseFile: %v", err)
	}
	return m
}

// typeNamed returns the type of the assignment name in m.
func typeNamed(t *testing.T, m *Module, name string) *Type {
	t.Helper()
	for _, ta := range m.Types {
		if ta.Name == name {
			return ta.Type
		}
	}
	t.Fatalf("%s: no type %s", m.Name, name)
	return nil
}

// field returns the component name of a SEQUENCE, SET or CHOICE.
func field(t *testing.T, typ *Type, name string) *Field {
	t.Helper()
	for _, f := range typ.Underlying().Fields {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no component %s", name)
	return nil
}

func ctx(n uint32, constructed, explicit bool) Tag {
	return Tag{Class: Context, Number: n, Constructed: constructed, Explicit: explicit}
}

func univ(n uint32, constructed bool) Tag {
	return Tag{Class: Universal, Number: n, Constructed: constructed}
}

func TestCHAT(t *testing.T) {
	m := loadCHAT(t)
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"module header", func(t *testing.T) {
			if m.Name != "CHAT" || m.TagDefault != ImplicitTags || m.Exports != nil || len(m.Imports) != 0 {
				t.Errorf("header: %s %v %v %v", m.Name, m.TagDefault, m.Exports, m.Imports)
			}
			if len(m.Types) != 44 || len(m.Values) != 0 {
				t.Errorf("%d types, %d values; want 44, 0", len(m.Types), len(m.Values))
			}
			if m.Comment != "" {
				t.Errorf("module comment %q: the first comment is separated by a blank line", m.Comment)
			}
		}},
		{"CHATProtocol alternatives", func(t *testing.T) {
			p := typeNamed(t, m, "CHATProtocol")
			if p.Kind != Choice || len(p.Fields) != 19 {
				t.Fatalf("CHATProtocol: %v with %d alternatives", p.Kind, len(p.Fields))
			}
			for i, f := range p.Fields {
				want := []Tag{{Class: Context, Number: uint32(i)}}
				if !reflect.DeepEqual(f.Type.Tags, want) {
					t.Errorf("%s: tags %v, want implicit [%d]", f.Name, f.Type.Tags, i)
				}
				if f.Type.Kind != Reference || f.Type.Target == nil {
					t.Errorf("%s: not a resolved reference", f.Name)
				}
			}
			if p.Fields[18].Name != "error" || p.Fields[18].Type.Target.Name != "ERROR" {
				t.Errorf("last alternative %s -> %s", p.Fields[18].Name, p.Fields[18].Type.Ref)
			}
			if got := p.EncodingTags(); len(got) != 0 {
				t.Errorf("untagged CHOICE has tags %v", got)
			}
		}},
		{"register EncodingTags", func(t *testing.T) {
			f := field(t, typeNamed(t, m, "CHATProtocol"), "register")
			want := []Tag{ctx(0, true, false)}
			if got := f.Type.EncodingTags(); !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		}},
		{"Message.status DEFAULT clear", func(t *testing.T) {
			f := field(t, typeNamed(t, m, "Message"), "status")
			if f.Default == nil || f.Default.Kind != IdentifierValue || f.Default.Ident != "clear" || f.Optional {
				t.Fatalf("default %+v", f.Default)
			}
			named := f.Type.Underlying().Named
			if n, ok := namedIn(f.Type.Underlying(), "clear"); !ok || n != 3 || len(named) != 5 {
				t.Errorf("clear = %d (%v), items %v", n, ok, named)
			}
		}},
		{"Message.link inline CHOICE", func(t *testing.T) {
			link := field(t, typeNamed(t, m, "Message"), "link").Type
			if link.Kind != Choice || len(link.Fields) != 2 {
				t.Fatalf("link: %v with %d", link.Kind, len(link.Fields))
			}
			empty, msg := link.Fields[0], link.Fields[1]
			if empty.Name != "empty" || empty.Type.Kind != Null ||
				!reflect.DeepEqual(empty.Type.EncodingTags(), []Tag{ctx(1, false, false)}) {
				t.Errorf("empty: %v %v", empty.Type.Kind, empty.Type.EncodingTags())
			}
			if msg.Name != "message" || msg.Type.Target == nil || msg.Type.Target.Name != "Message" ||
				!reflect.DeepEqual(msg.Type.EncodingTags(), []Tag{ctx(2, true, false)}) {
				t.Errorf("message: %v", msg.Type.EncodingTags())
			}
			if len(link.EncodingTags()) != 0 {
				t.Errorf("link tags %v", link.EncodingTags())
			}
		}},
		{"SEQUENCE OF with element names", func(t *testing.T) {
			names := field(t, typeNamed(t, m, "Contact"), "names").Type
			if names.Kind != SequenceOf || names.ElemName != "name" || names.Elem.Kind != OctetString {
				t.Errorf("names: %v %q %v", names.Kind, names.ElemName, names.Elem.Kind)
			}
			if got := names.EncodingTags(); !reflect.DeepEqual(got, []Tag{univ(16, true)}) {
				t.Errorf("names tags %v", got)
			}
			files := field(t, typeNamed(t, m, "Message"), "files").Type
			if files.Elem.Target == nil || files.Elem.Target.Name != "FileDesc" {
				t.Errorf("files element %v", files.Elem.Ref)
			}
		}},
		{"enumerations", func(t *testing.T) {
			cs := typeNamed(t, m, "ContactStatus")
			if len(cs.Named) != 10 || cs.Named[0].Name != "request" || cs.Named[0].Value != 1 ||
				cs.Named[9].Name != "nonexised" || cs.Named[9].Value != 10 {
				t.Errorf("ContactStatus %v", cs.Named)
			}
			if got := cs.EncodingTags(); !reflect.DeepEqual(got, []Tag{univ(10, false)}) {
				t.Errorf("ENUMERATED tags %v", got)
			}
		}},
		{"references through CHATString", func(t *testing.T) {
			id := field(t, typeNamed(t, m, "Message"), "id").Type
			if id.Kind != Reference || id.Ref != "CHATString" || id.RefModule != "CHAT" || id.Underlying().Kind != OctetString {
				t.Errorf("id: %v %s %s", id.Kind, id.Ref, id.RefModule)
			}
			if got := id.EncodingTags(); !reflect.DeepEqual(got, []Tag{univ(4, false)}) {
				t.Errorf("id tags %v", got)
			}
		}},
		{"ANY payload", func(t *testing.T) {
			p := field(t, typeNamed(t, m, "FileDesc"), "payload").Type
			if p.Kind != Any || len(p.EncodingTags()) != 0 {
				t.Errorf("payload %v %v", p.Kind, p.EncodingTags())
			}
		}},
		{"MessageFeed alternatives", func(t *testing.T) {
			mf := typeNamed(t, m, "MessageFeed")
			if got := field(t, mf, "muc").Type.EncodingTags(); !reflect.DeepEqual(got, []Tag{ctx(1, true, false)}) {
				t.Errorf("muc %v", got)
			}
			feed := field(t, typeNamed(t, m, "Message"), "feed").Type
			if feed.Target != mustAssign(t, m, "MessageFeed") || len(feed.EncodingTags()) != 0 {
				t.Errorf("feed %v", feed.EncodingTags())
			}
		}},
		{"UniversalString", func(t *testing.T) {
			d := field(t, typeNamed(t, m, "IO"), "data").Type
			if d.Kind != UniversalString || !reflect.DeepEqual(d.EncodingTags(), []Tag{univ(28, false)}) {
				t.Errorf("IO.data %v %v", d.Kind, d.EncodingTags())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

func mustAssign(t *testing.T, m *Module, name string) *TypeAssignment {
	t.Helper()
	for _, ta := range m.Types {
		if ta.Name == name {
			return ta
		}
	}
	t.Fatalf("no %s", name)
	return nil
}

func TestLoadDir(t *testing.T) {
	mods, err := LoadDir("../priv/proto")
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) != 1 || mods[0].Name != "CHAT" {
		t.Fatalf("LoadDir: %d modules", len(mods))
	}
	if _, err := LoadDir(t.TempDir()); err == nil {
		t.Error("LoadDir of an empty folder succeeded")
	}
}

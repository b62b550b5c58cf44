package asn1

import (
	"reflect"
	"testing"
)

// TestPKIX loads RFC 5280 Appendix A.1 and A.2 (1988 syntax), the second
// importing from the first.
func TestPKIX(t *testing.T) {
	mods, err := Load("testdata/PKIX1Explicit88.asn1", "testdata/PKIX1Implicit88.asn1")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	ex, im := mods[0], mods[1]
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"headers", func(t *testing.T) {
			if ex.Name != "PKIX1Explicit88" || ex.TagDefault != ExplicitTags || im.TagDefault != ImplicitTags {
				t.Errorf("%s %v / %s %v", ex.Name, ex.TagDefault, im.Name, im.TagDefault)
			}
			want := "{ iso(1) identified-organization(3) dod(6) internet(1) security(5) mechanisms(5) pkix(7) id-mod(0) id-pkix1-explicit(18) }"
			if ex.OID != want {
				t.Errorf("OID %q", ex.OID)
			}
			if len(im.Imports) != 1 || im.Imports[0].Module != "PKIX1Explicit88" || len(im.Imports[0].Symbols) != 10 {
				t.Errorf("imports %+v", im.Imports)
			}
		}},
		{"built-in redefinitions dropped", func(t *testing.T) {
			for _, ta := range ex.Types {
				if ta.Name == "UniversalString" || ta.Name == "BMPString" || ta.Name == "UTF8String" {
					t.Errorf("%s kept as an assignment", ta.Name)
				}
			}
		}},
		{"Certificate", func(t *testing.T) {
			c := typeNamed(t, ex, "Certificate")
			if c.Kind != Sequence || len(c.Fields) != 3 || c.Fields[2].Type.Kind != BitString {
				t.Errorf("Certificate %v %d", c.Kind, len(c.Fields))
			}
		}},
		{"Name is a CHOICE", func(t *testing.T) {
			n := typeNamed(t, ex, "Name")
			if n.Kind != Choice || len(n.Fields) != 1 || n.Fields[0].Type.Underlying().Kind != SequenceOf {
				t.Errorf("Name %v", n.Kind)
			}
		}},
		{"version [0] EXPLICIT DEFAULT v1", func(t *testing.T) {
			v := field(t, typeNamed(t, ex, "TBSCertificate"), "version")
			want := []Tag{ctx(0, true, true), univ(2, false)}
			if got := v.Type.EncodingTags(); !reflect.DeepEqual(got, want) {
				t.Errorf("tags %v, want %v", got, want)
			}
			if v.Default == nil || v.Default.Ident != "v1" {
				t.Errorf("default %+v", v.Default)
			}
			if n, ok := namedIn(v.Type.Underlying(), "v3"); !ok || n != 2 {
				t.Errorf("v3 = %d", n)
			}
		}},
		{"issuerUniqueID IMPLICIT", func(t *testing.T) {
			v := field(t, typeNamed(t, ex, "TBSCertificate"), "issuerUniqueID")
			if got := v.Type.EncodingTags(); !reflect.DeepEqual(got, []Tag{ctx(1, false, false)}) || !v.Optional {
				t.Errorf("tags %v", got)
			}
		}},
		{"SEQUENCE SIZE (1..MAX) OF", func(t *testing.T) {
			e := typeNamed(t, ex, "Extensions")
			c := e.Constraint
			if e.Kind != SequenceOf || c == nil || !c.Size || c.Min == nil || *c.Min != 1 || c.Max != nil {
				t.Errorf("Extensions %v %+v", e.Kind, c)
			}
		}},
		{"SIZE (1..ub-name)", func(t *testing.T) {
			c := field(t, typeNamed(t, ex, "X520name"), "teletexString").Type.Constraint
			if c == nil || !c.Size || *c.Min != 1 || *c.Max != 32768 || c.Text != "(SIZE (1..ub-name))" {
				t.Errorf("constraint %+v", c)
			}
		}},
		{"SIZE (n) by reference", func(t *testing.T) {
			c := field(t, typeNamed(t, ex, "CountryName"), "x121-dcc-code").Type.Constraint
			if c == nil || *c.Min != 3 || *c.Max != 3 {
				t.Errorf("constraint %+v", c)
			}
		}},
		{"CountryName [APPLICATION 1] CHOICE", func(t *testing.T) {
			cn := typeNamed(t, ex, "CountryName")
			want := []Tag{{Class: Application, Number: 1, Explicit: true, Constructed: true}}
			if got := cn.EncodingTags(); !reflect.DeepEqual(got, want) {
				t.Errorf("tags %v", got)
			}
		}},
		{"OID values", func(t *testing.T) {
			for _, va := range ex.Values {
				if va.Name == "id-pe" {
					if want := []int64{1, 3, 6, 1, 5, 5, 7, 1}; !reflect.DeepEqual(va.Value.Arcs, want) {
						t.Errorf("id-pe arcs %v", va.Value.Arcs)
					}
					if va.Value.Ref == nil || va.Value.Ref.Name != "id-pkix" {
						t.Errorf("id-pe ref %v", va.Value.Ref)
					}
				}
				if va.Name == "id-at-name" && !reflect.DeepEqual(va.Value.Arcs, []int64{2, 5, 4, 41}) {
					t.Errorf("id-at-name arcs %v", va.Value.Arcs)
				}
			}
		}},
		{"ANY DEFINED BY", func(t *testing.T) {
			p := field(t, typeNamed(t, ex, "AlgorithmIdentifier"), "parameters")
			if p.Type.Kind != Any || p.Type.DefinedBy != "algorithm" || !p.Optional {
				t.Errorf("parameters %v %q", p.Type.Kind, p.Type.DefinedBy)
			}
		}},
		{"named numbers with a constraint", func(t *testing.T) {
			tt := typeNamed(t, ex, "TerminalType")
			c := tt.Constraint
			if len(tt.Named) != 6 || c == nil || c.Size || *c.Min != 0 || *c.Max != 256 {
				t.Errorf("TerminalType %v %+v", tt.Named, c)
			}
		}},
		{"imported CHOICE gets an explicit tag", func(t *testing.T) {
			gn := typeNamed(t, im, "GeneralName")
			dn := field(t, gn, "directoryName").Type
			if dn.Target == nil || dn.Target.Module != ex || dn.RefModule != "PKIX1Explicit88" {
				t.Fatalf("directoryName not resolved across modules")
			}
			if !reflect.DeepEqual(dn.Tags, []Tag{{Class: Context, Number: 4, Explicit: true}}) {
				t.Errorf("directoryName tags %v", dn.Tags)
			}
			rfc := field(t, gn, "rfc822Name").Type
			if got := rfc.EncodingTags(); !reflect.DeepEqual(got, []Tag{ctx(1, false, false)}) {
				t.Errorf("rfc822Name %v", got)
			}
			on := field(t, gn, "otherName").Type
			if got := on.EncodingTags(); !reflect.DeepEqual(got, []Tag{ctx(0, true, false)}) {
				t.Errorf("otherName %v", got)
			}
		}},
		{"EXPLICIT ANY under IMPLICIT TAGS", func(t *testing.T) {
			v := field(t, typeNamed(t, im, "AnotherName"), "value").Type
			if got := v.EncodingTags(); !reflect.DeepEqual(got, []Tag{ctx(0, true, true)}) {
				t.Errorf("value %v", got)
			}
		}},
		{"BIT STRING named bits", func(t *testing.T) {
			ku := typeNamed(t, im, "KeyUsage")
			if ku.Kind != BitString || len(ku.Named) != 9 || ku.Named[8].Name != "decipherOnly" || ku.Named[8].Value != 8 {
				t.Errorf("KeyUsage %v", ku.Named)
			}
		}},
		{"imported value in OID", func(t *testing.T) {
			for _, va := range im.Values {
				if va.Name == "id-pe-authorityInfoAccess" {
					if want := []int64{1, 3, 6, 1, 5, 5, 7, 1, 1}; !reflect.DeepEqual(va.Value.Arcs, want) {
						t.Errorf("arcs %v", va.Value.Arcs)
					}
					return
				}
			}
			t.Error("id-pe-authorityInfoAccess missing")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

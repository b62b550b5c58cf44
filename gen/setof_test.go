package gen

import (
	"path/filepath"
	"strings"
	"testing"
)

// setOfTest runs against the code generated from PKIX1Explicit88, whose
// RelativeDistinguishedName is a SET OF: the encoder sorts the elements
// as X.690 §11.6 asks (checked against encoding/asn1, which does the
// same), and the decoder refuses elements out of that order.
const setOfTest = `package pkix1explicit88_test

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"strings"
	"testing"

	"github.com/chatim/chat/codecs/der"
	"IMPORT/pkix1explicit88"
)

func TestSetOfOrder(t *testing.T) {
	cn := pkix1explicit88.AttributeTypeAndValue{Type: pkix1explicit88.AttributeType{2, 5, 4, 3}, Value: []byte{0x13, 0x01, 'a'}}
	org := pkix1explicit88.AttributeTypeAndValue{Type: pkix1explicit88.AttributeType{2, 5, 4, 10}, Value: []byte{0x13, 0x01, 'b'}}

	rdn := pkix1explicit88.RelativeDistinguishedName{org, cn}
	got := rdn.AppendDER(nil)
	want, err := asn1.Marshal(pkix.RelativeDistinguishedNameSET{
		{Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: "b"},
		{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "a"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("SET OF encoding % x, encoding/asn1 % x", got, want)
	}
	var back pkix1explicit88.RelativeDistinguishedName
	if err := back.UnmarshalDER(got); err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || !der.OID(back[0].Type).Equal(der.OID(cn.Type)) {
		t.Fatalf("decoded %v, want cn first", back)
	}

	e1, e2 := cn.AppendDER(nil), org.AppendDER(nil)
	swapped := append(append([]byte{0x31, byte(len(e1) + len(e2))}, e2...), e1...)
	err = new(pkix1explicit88.RelativeDistinguishedName).UnmarshalDER(swapped)
	var de *der.DecodeError
	if !errors.Is(err, der.ErrSetOrder) || !errors.As(err, &de) || de.Offset != 2+len(e2) {
		t.Fatalf("out-of-order SET OF: %v, want ErrSetOrder at offset %d", err, 2+len(e2))
	}
	if !strings.Contains(err.Error(), "RelativeDistinguishedName[1]") {
		t.Fatalf("error %q does not name the element", err)
	}

	same := append(append([]byte{0x31, byte(2 * len(e1))}, e1...), e1...)
	if err := new(pkix1explicit88.RelativeDistinguishedName).UnmarshalDER(same); err != nil {
		t.Fatalf("equal elements refused: %v", err)
	}
}
`

// TestSetOfOrder generates PKIX1Explicit88 and runs setOfTest against it.
func TestSetOfOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a generated package")
	}
	dir, importPath := tempPackageDir(t, "setof-")
	files := generateDir(t, "../asn1/testdata/PKIX1Explicit88.asn1", importPath)
	files["pkix1explicit88/setof_test.go"] = []byte(strings.ReplaceAll(setOfTest, "IMPORT", importPath))
	writeFiles(t, dir, files)
	goTool(t, "test", "./"+filepath.ToSlash(dir)+"/pkix1explicit88/")
}

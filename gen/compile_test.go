package gen

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tempPackageDir creates a directory under testdata (inside the module, so
// generated code can import the codecs), removed when the test ends.
func tempPackageDir(t *testing.T, prefix string) (dir, importPath string) {
	t.Helper()
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("testdata", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir, "github.com/chatim/chat/gen/" + filepath.ToSlash(dir)
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func goTool(t *testing.T, args ...string) {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go tool not found: %v", err)
	}
	cmd := exec.Command(gobin, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// TestPKIXCompiles generates the RFC 5280 module PKIX1Explicit88 (BIT
// STRING, OBJECT IDENTIFIER, BOOLEAN, SET, SET OF, ANY DEFINED BY, time and
// other string types, constraints, DEFAULT) and vets the result.
func TestPKIXCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a generated package")
	}
	dir, importPath := tempPackageDir(t, "pkix-")
	files := generateDir(t, "../asn1/testdata/PKIX1Explicit88.asn1", importPath)
	if _, ok := files["pkix1explicit88/pkix1explicit88.go"]; !ok {
		t.Fatalf("unexpected files: %v", keys(files))
	}
	writeFiles(t, dir, files)
	goTool(t, "vet", "./"+filepath.ToSlash(dir)+"/...")
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// editedTest is the round-trip test run against the code generated from
// the edited spec: it uses the new SEQUENCE component and the new CHOICE
// alternative in DER and ETF.
const editedTest = `package chat_test

import (
	"bytes"
	"reflect"
	"testing"

	"IMPORT/chat"
)

func TestEditedSpec(t *testing.T) {
	m := &chat.CHATMessage{No: 7, Headers: [][]byte{[]byte("h")},
		Body: &chat.CHATProtocol_Ping{Value: chat.Ping{Nonce: []byte("n0"), Sent: 1234567}}}
	d := m.AppendDER(nil)
	// body is [19] IMPLICIT Ping: a constructed context tag 0xb3.
	if i := bytes.Index(d, []byte{0xb3, 0x09, 0x04, 0x02, 'n', '0'}); i < 0 {
		t.Fatalf("no [19] ping in % x", d)
	}
	var got chat.CHATMessage
	if err := got.UnmarshalDER(d); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, m) {
		t.Fatalf("DER: got %#v", got)
	}
	e := m.AppendETF(nil)
	if !bytes.Contains(e, []byte("h\x02w\x04pingh\x03w\x04Ping")) {
		t.Fatalf("no {ping, #'Ping'{}} in %q", e)
	}
	var gotE chat.CHATMessage
	if err := gotE.UnmarshalETF(e); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&gotE, m) {
		t.Fatalf("ETF: got %#v", gotE)
	}

	a := &chat.Ack{Table: []byte("t"), Id: []byte("i"), Priority: -5}
	ad := a.AppendDER(nil)
	if want := []byte{0x30, 0x09, 0x04, 0x01, 't', 0x04, 0x01, 'i', 0x02, 0x01, 0xfb}; !bytes.Equal(ad, want) {
		t.Fatalf("Ack DER % x, want % x", ad, want)
	}
	var ga chat.Ack
	if err := ga.UnmarshalDER(ad); err != nil || ga.Priority != -5 {
		t.Fatalf("Ack DER: %v %#v", err, ga)
	}
	ae := a.AppendETF(nil)
	if !bytes.HasPrefix(ae, []byte("\x83h\x04w\x03Ack")) {
		t.Fatalf("Ack ETF %q: want a record of 3 fields", ae)
	}
	var gae chat.Ack
	if err := gae.UnmarshalETF(ae); err != nil || gae.Priority != -5 {
		t.Fatalf("Ack ETF: %v %#v", err, gae)
	}
	// The old form, without priority, is now refused.
	old := []byte{0x30, 0x06, 0x04, 0x01, 't', 0x04, 0x01, 'i'}
	if err := new(chat.Ack).UnmarshalDER(old); err == nil {
		t.Fatal("Ack without priority decoded")
	}
}
`

// TestEditSpec edits the spec (a new component in a SEQUENCE, a new CHOICE
// alternative with a fresh tag and its type), regenerates into a package
// inside the module and runs a round-trip test against it.
func TestEditSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a generated package")
	}
	src, err := os.ReadFile("../priv/proto/CHAT.asn1")
	if err != nil {
		t.Fatal(err)
	}
	spec := string(src)
	edits := []struct{ old, new string }{
		{"Ack ::= SEQUENCE { table OCTET STRING, id OCTET STRING }",
			"Ack ::= SEQUENCE { table OCTET STRING, id OCTET STRING, priority INTEGER }"},
		{"error [18] ERROR }", "error [18] ERROR,\n       ping [19] Ping }"},
		{"\nEND", "\n    Ping ::= SEQUENCE { nonce OCTET STRING, sent INTEGER }\n\nEND"},
	}
	for _, e := range edits {
		if !strings.Contains(spec, e.old) {
			t.Fatalf("spec has no %q to edit", e.old)
		}
		spec = strings.Replace(spec, e.old, e.new, 1)
	}
	dir, importPath := tempPackageDir(t, "edited-")
	specPath := filepath.Join(dir, "CHAT.asn1")
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	files := generateDir(t, specPath, importPath)
	files["chat/edited_test.go"] = []byte(strings.Replace(editedTest, "IMPORT", importPath, 1))
	writeFiles(t, dir, files)
	goTool(t, "test", "-count=1", "-run", "TestEditedSpec", "./"+filepath.ToSlash(dir)+"/chat/")
}

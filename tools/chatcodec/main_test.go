package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chatim/chat/conformance"
	"github.com/chatim/chat/generated/chat"
)

// chatcodec runs the command in-process and returns stdout and the error.
func chatcodec(t *testing.T, in []byte, args ...string) ([]byte, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(args, bytes.NewReader(in), &out)
	return out.Bytes(), err
}

func TestTypesListsEveryType(t *testing.T) {
	out, err := chatcodec(t, nil, "types")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(chat.Types) || len(lines) < 40 {
		t.Fatalf("types printed %d names, registry has %d", len(lines), len(chat.Types))
	}
	for _, want := range []string{"CHATMessage", "Roster", "Message", "ERROR"} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("types lacks %s", want)
		}
	}
}

// TestConvertAllDirections converts a message through every pair of
// formats and back, and requires the bytes of the generated encoders.
func TestConvertAllDirections(t *testing.T) {
	v := conformance.SmallMessage()
	want := map[string][]byte{"der": v.AppendDER(nil), "etf": v.AppendETF(nil)}
	js, err := chatcodec(t, want["der"], "convert", "--type", "CHATMessage", "--from", "der", "--to", "json")
	if err != nil {
		t.Fatal(err)
	}
	want["json"] = js
	if !strings.Contains(string(js), `"message"`) || !strings.Contains(string(js), `"no": 42`) {
		t.Fatalf("json output:\n%s", js)
	}
	for _, from := range []string{"der", "etf", "json"} {
		for _, to := range []string{"der", "etf", "json"} {
			got, err := chatcodec(t, want[from], "convert", "--type", "CHATMessage", "--from", from, "--to", to)
			if err != nil {
				t.Fatalf("%s -> %s: %v", from, to, err)
			}
			if !bytes.Equal(got, want[to]) {
				t.Errorf("%s -> %s differs:\n%q\n%q", from, to, got, want[to])
			}
		}
	}
}

func TestConvertErrors(t *testing.T) {
	good := conformance.SmallMessage().AppendDER(nil)
	bad := append([]byte(nil), good...)
	bad[len(bad)-1]++ // corrupt the last mentioned nickname's length region
	cases := []struct {
		name  string
		in    []byte
		args  []string
		usage bool
		want  string
	}{
		{"unknown type", good, []string{"convert", "--type", "Nope", "--from", "der", "--to", "etf"}, true, "unknown type"},
		{"bad format", good, []string{"convert", "--type", "CHATMessage", "--from", "xml", "--to", "etf"}, true, "formats"},
		{"missing flag", good, []string{"convert", "--type", "CHATMessage", "--from", "der"}, true, "needs"},
		{"truncated", good[:40], []string{"convert", "--type", "CHATMessage", "--from", "der", "--to", "json"}, false, "der: CHATMessage"},
		{"trailing", append(append([]byte(nil), good...), 0), []string{"convert", "--type", "CHATMessage", "--from", "der", "--to", "etf"}, false, "trailing"},
		{"etf garbage", []byte{131, 104, 2, 119, 1, 'x'}, []string{"convert", "--type", "CHATMessage", "--from", "etf", "--to", "der"}, false, "etf: CHATMessage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := chatcodec(t, c.in, c.args...)
			if err == nil {
				t.Fatal("accepted")
			}
			if errors.Is(err, errUsage) != c.usage || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q (usage %v), want %q (usage %v)", err, errors.Is(err, errUsage), c.want, c.usage)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
		})
	}
}

func TestDumpLabelsFields(t *testing.T) {
	der := conformance.SmallMessage().AppendDER(nil)
	out, err := chatcodec(t, der, "dump", "--type", "CHATMessage")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CHATMessage.no", "CHATMessage.body.message.from", "cons: SEQUENCE"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("dump lacks %q:\n%s", want, out)
		}
	}
	etf := conformance.SmallMessage().AppendETF(nil)
	out, err = chatcodec(t, etf, "dump", "--type", "CHATMessage")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "atom 'CHATMessage'") || !strings.Contains(string(out), "CHATMessage.body.message") {
		t.Errorf("etf dump:\n%s", out)
	}
}

// TestBinaryExitStatus runs the built command: invalid input exits 1 with
// one line on stderr, a usage error exits 2.
func TestBinaryExitStatus(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "chatcodec")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "convert", "--type", "CHATMessage", "--from", "der", "--to", "etf")
	cmd.Stdin = bytes.NewReader([]byte{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff})
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1", err)
	}
	if lines := strings.Count(stderr.String(), "\n"); lines != 1 || !strings.Contains(stderr.String(), "offset") {
		t.Fatalf("stderr %q: want one line naming the offset", stderr.String())
	}
	cmd = exec.Command(bin, "frobnicate")
	cmd.Stderr = new(bytes.Buffer)
	if err := cmd.Run(); !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("usage error exit %v, want 2", err)
	}
	_ = os.Remove(bin)
}

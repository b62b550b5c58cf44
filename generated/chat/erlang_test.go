package chat_test

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chatim/chat/codecs/etf"
	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/generated/chat/chatrand"
)

// checkErl is an Erlang module that, for every {Type, ETF, DER} in a file,
// checks 'CHAT':encode(Type, binary_to_term(ETF)) =:= DER and
// term_to_binary('CHAT':decode(Type, DER), [{minor_version, 2}]) =:= ETF.
const checkErl = `-module(chat_check).
-export([run/1]).
run(File) ->
    {ok, Bin} = file:read_file(File),
    Cases = binary_to_term(Bin),
    lists:foreach(fun check/1, Cases),
    io:format("done~n").
check({N, Type, Etf, Der}) ->
    V = binary_to_term(Etf),
    case catch 'CHAT':encode(Type, V) of
        {ok, Der} -> ok;
        {ok, Other} -> io:format("FAIL ~p encode ~s~n", [N, hex(Other)]);
        E -> io:format("FAIL ~p encode-error ~0p~n", [N, E])
    end,
    case catch 'CHAT':decode(Type, Der) of
        {ok, D} ->
            case term_to_binary(D, [{minor_version, 2}]) of
                Etf -> ok;
                Got -> io:format("FAIL ~p decode ~s~n", [N, hex(Got)])
            end;
        E2 -> io:format("FAIL ~p decode-error ~0p~n", [N, E2])
    end.
hex(B) -> [io_lib:format("~2.16.0b", [X]) || <<X>> <= B].
`

// needPeer skips, or fails when CHAT_REQUIRE_PEERS is set, if a program
// is missing.
func needPeer(t *testing.T, prog string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		if os.Getenv("CHAT_REQUIRE_PEERS") != "" {
			t.Fatalf("%s not found: %v", prog, err)
		}
		t.Skipf("%s not installed", prog)
	}
	return p
}

// TestErlangConformance compiles CHAT.asn1 with Erlang/OTP's asn1ct [der]
// and checks, for random values of every type, that Erlang's DER encoding
// equals ours and that Erlang's decoding of our DER is our ETF byte for
// byte.
func TestErlangConformance(t *testing.T) {
	erl := needPeer(t, "erl")
	erlc := needPeer(t, "erlc")
	dir := t.TempDir()
	spec, err := os.ReadFile("../../priv/proto/CHAT.asn1")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "CHAT.asn1"), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "chat_check.erl"), []byte(checkErl), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return string(out)
	}
	run(erl, "-noshell", "-eval", `ok = asn1ct:compile("CHAT", [der, noobj, {outdir, "."}]), halt().`)
	run(erlc, "CHAT.erl", "chat_check.erl")

	type tcase struct {
		typ      string
		der, etf []byte
	}
	var cases []tcase
	r := rand.New(rand.NewPCG(7, 7))
	for _, name := range chat.Types {
		for i := 0; i < 40; i++ {
			v := chatrand.New(name, r)
			cases = append(cases, tcase{name, v.AppendDER(nil), v.AppendETF(nil)})
		}
	}
	cases = append(cases, tcase{"CHATMessage", textMessage().AppendDER(nil), textMessage().AppendETF(nil)})
	in := etf.AppendVersion(nil)
	in = etf.AppendListHeader(in, len(cases))
	for i, c := range cases {
		in = etf.AppendTupleHeader(in, 4)
		in = etf.AppendInteger(in, int64(i))
		in = etf.AppendAtom(in, c.typ)
		in = etf.AppendBinary(in, c.etf)
		in = etf.AppendBinary(in, c.der)
	}
	in = etf.AppendNil(in)
	if err := os.WriteFile(filepath.Join(dir, "cases.bin"), in, 0o644); err != nil {
		t.Fatal(err)
	}
	out := run(erl, "-noshell", "-pa", ".", "-eval", `chat_check:run("cases.bin"), halt().`)
	if !strings.Contains(out, "done") {
		t.Fatalf("erlang did not finish:\n%s", out)
	}
	fails := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "FAIL ") {
			continue
		}
		fails++
		if fails > 10 {
			continue
		}
		f := strings.Fields(line)
		i, _ := strconv.Atoi(f[1])
		c := cases[i]
		show := func(b []byte) string {
			if len(b) > 300 {
				return strings.TrimSpace(bytes.NewBufferString(strconv.Quote(string(b[:300]))).String()) + "..."
			}
			return strconv.Quote(string(b))
		}
		t.Errorf("%s case %d: %s\n ours DER %x\n ours ETF %s\n erlang: %.600s", c.typ, i, f[2], c.der, show(c.etf), strings.Join(f[3:], " "))
	}
	if fails > 0 {
		t.Errorf("%d of %d cases differ from Erlang/OTP", fails, len(cases))
	}
	t.Logf("%d values of %d types checked against Erlang/OTP asn1ct", len(cases), len(chat.Types))
}

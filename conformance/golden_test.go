package conformance_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/internal/erlpeer"
)

var update = flag.Bool("update", false, "regenerate testdata/golden.txt with Erlang/OTP")

const goldenPath = "testdata/golden.txt"

// Golden vector selection: goldenPerType random values of every type whose
// DER is at most goldenMaxDER bytes, tried from seed 0 up to goldenSeeds,
// and every edge case within the same size.
const (
	goldenPerType = 6
	goldenSeeds   = 1000
	goldenMaxDER  = 1024
)

const goldenHeader = `# Golden vectors of the CHAT module, produced by Erlang/OTP (asn1, DER):
#   der    'CHAT':encode(Type, Term)
#   etf    term_to_binary(V, [{minor_version, 2}]) where {ok, V} = 'CHAT':decode(Type, der)
#   etf25  term_to_binary(V) with the OTP 25 defaults (Latin-1 atoms)
# Every record is: type, case (the seed or edge case the term came from), der, etf, etf25.
# Regenerate with: go test ./conformance -run TestGolden -update
`

// golden is one vector of testdata/golden.txt.
type golden struct {
	typ, name       string
	der, etf, etf25 []byte
	line            int
}

func (g golden) String() string {
	return fmt.Sprintf("%s:%d: %s %s", goldenPath, g.line, g.typ, g.name)
}

// TestGolden checks, without Erlang, that our codecs reproduce the vectors
// Erlang produced: our DER and ETF decoders accept them, and the value
// re-encodes to Erlang's DER and Erlang's minor-version-2 ETF whichever
// form it was decoded from. With -update it first regenerates the file.
func TestGolden(t *testing.T) {
	if *update {
		if err := erlpeer.Available(); err != nil {
			t.Fatalf("-update needs Erlang/OTP: %v", err)
		}
		writeGolden(t, erlangPeer(t))
	}
	vecs := readGolden(t)
	if len(vecs) < 200 {
		t.Fatalf("%s holds %d vectors, want at least 200", goldenPath, len(vecs))
	}
	perType := map[string]int{}
	bad := 0
	for _, g := range vecs {
		perType[g.typ]++
		for _, m := range checkGolden(g) {
			bad++
			if bad <= maxReported {
				t.Error(m)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d mismatches in %d golden vectors", bad, len(vecs))
	}
	for _, typ := range chat.Types {
		if perType[typ] == 0 {
			t.Errorf("%s has no vector of type %s", goldenPath, typ)
		}
	}
	t.Logf("%d golden vectors, %d mismatches", len(vecs), bad)
}

// checkGolden decodes each encoding of g with our codecs and compares the
// re-encodings with Erlang's bytes.
func checkGolden(g golden) []string {
	var out []string
	for _, in := range []struct {
		what  string
		data  []byte
		isDER bool
	}{
		{"der", g.der, true},
		{"etf", g.etf, false},
		{"etf25", g.etf25, false},
	} {
		v, ok := chat.New(g.typ)
		if !ok {
			return []string{fmt.Sprintf("%s: unknown type", g)}
		}
		var err error
		if in.isDER {
			err = v.UnmarshalDER(in.data)
		} else {
			err = v.UnmarshalETF(in.data)
		}
		if err != nil {
			out = append(out, fmt.Sprintf("%s: decoding %s: %v", g, in.what, err))
			continue
		}
		if got := v.AppendDER(nil); !bytes.Equal(got, g.der) {
			out = append(out, fmt.Sprintf("%s: DER from %s differs (ours vs Erlang): %s", g, in.what, hexDiff(got, g.der)))
		}
		if got := v.AppendETF(nil); !bytes.Equal(got, g.etf) {
			out = append(out, fmt.Sprintf("%s: ETF from %s differs (ours vs Erlang): %s", g, in.what, hexDiff(got, g.etf)))
		}
	}
	return out
}

// goldenTerms returns the terms the golden vectors start from: random
// values of every type and the edge cases, within goldenMaxDER.
func goldenTerms(t *testing.T) []vector {
	var vecs []vector
	for _, typ := range chat.Types {
		found := 0
		for seed := uint64(0); seed < goldenSeeds && found < goldenPerType; seed++ {
			v := newVector(typ, fmt.Sprintf("seed=%d", seed), seeded(typ, seed))
			if len(v.der) <= goldenMaxDER {
				vecs = append(vecs, v)
				found++
			}
		}
		if found == 0 {
			t.Fatalf("no random %s within %d bytes in %d seeds", typ, goldenMaxDER, goldenSeeds)
		}
	}
	for _, c := range edgeCases() {
		if v := newVector(c.typ, c.name, c.v); len(v.der) <= goldenMaxDER {
			vecs = append(vecs, v)
		}
	}
	return vecs
}

// writeGolden has Erlang encode every term, decode its own DER and write
// the value back in both ETF forms, and stores what Erlang returned.
func writeGolden(t *testing.T, p *erlpeer.Peer) {
	vecs := goldenTerms(t)
	run := func(op erlpeer.Op, inputs func(i int) []byte) []erlpeer.Result {
		calls := make([]erlpeer.Call, len(vecs))
		for i, v := range vecs {
			calls[i] = erlpeer.Call{Op: op, Type: v.typ, Input: inputs(i)}
		}
		res, err := p.Batch(calls)
		if err != nil {
			t.Fatalf("Erlang peer: %v", err)
		}
		for i, r := range res {
			if r.Err != nil {
				t.Fatalf("%s: %v", vecs[i], r.Err)
			}
		}
		return res
	}
	enc := run(erlpeer.OpEncode, func(i int) []byte { return vecs[i].etf })
	dec := run(erlpeer.OpDecode, func(i int) []byte { return enc[i].Out })
	can := run(erlpeer.OpCanonical, func(i int) []byte { return dec[i].Out })

	var b bytes.Buffer
	b.WriteString(goldenHeader)
	for i, v := range vecs {
		if !bytes.Equal(can[i].Out, dec[i].Out) {
			t.Fatalf("%s: term_to_binary is not stable", v)
		}
		fmt.Fprintf(&b, "\ntype %s\ncase %s\nder %x\netf %x\netf25 %x\n", v.typ, v.label, enc[i].Out, dec[i].Out, can[i].Out2)
	}
	if err := os.WriteFile(goldenPath, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d vectors to %s", len(vecs), goldenPath)
}

// readGolden parses testdata/golden.txt: records of "key value" lines
// separated by blank lines; '#' starts a comment line.
func readGolden(t *testing.T) []golden {
	data, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (regenerate with -update)", err)
	}
	var (
		vecs []golden
		cur  golden
		keys int
	)
	flush := func(line int) {
		if keys == 0 {
			return
		}
		if keys != 5 || cur.typ == "" || cur.der == nil || cur.etf == nil || cur.etf25 == nil {
			t.Fatalf("%s:%d: incomplete record", goldenPath, line)
		}
		vecs = append(vecs, cur)
		cur, keys = golden{}, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.HasPrefix(text, "#") {
			continue
		}
		if strings.TrimSpace(text) == "" {
			flush(line)
			continue
		}
		key, val, ok := strings.Cut(text, " ")
		if !ok {
			t.Fatalf("%s:%d: want \"key value\"", goldenPath, line)
		}
		if keys == 0 {
			cur.line = line
		}
		keys++
		var err error
		switch key {
		case "type":
			cur.typ = val
		case "case":
			cur.name = val
		case "der":
			cur.der, err = hex.DecodeString(val)
		case "etf":
			cur.etf, err = hex.DecodeString(val)
		case "etf25":
			cur.etf25, err = hex.DecodeString(val)
		default:
			t.Fatalf("%s:%d: unknown key %q", goldenPath, line, key)
		}
		if err != nil {
			t.Fatalf("%s:%d: %s: %v", goldenPath, line, key, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	flush(line)
	return vecs
}

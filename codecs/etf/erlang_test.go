package etf

import (
	"github.com/chatim/chat/internal/peers"

	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chatim/chat/codecs/der"
)

// erlangCase pairs an Erlang term literal with the Go call that must encode
// it byte for byte and the read that must decode it back.
type erlangCase struct {
	erl  string
	enc  func([]byte) []byte
	dec  func(*Decoder) (any, error)
	want any
}

func atomCase(name string) erlangCase {
	return erlangCase{"'" + name + "'", func(b []byte) []byte { return AppendAtom(b, name) },
		func(d *Decoder) (any, error) { a, err := d.Atom(); return string(a), err }, name}
}

func intCase(erl string, v int64) erlangCase {
	return erlangCase{erl, func(b []byte) []byte { return AppendInteger(b, v) },
		func(d *Decoder) (any, error) { return d.Integer() }, v}
}

func binCase(erl string, v []byte) erlangCase {
	return erlangCase{erl, func(b []byte) []byte { return AppendBinary(b, v) },
		func(d *Decoder) (any, error) { return d.Binary() }, v}
}

func charsCase(erl, s string) erlangCase {
	return erlangCase{erl, func(b []byte) []byte { return AppendCharList(b, s) },
		func(d *Decoder) (any, error) { return d.CharList() }, s}
}

func intsCase(erl string, v []int64) erlangCase {
	return erlangCase{erl, func(b []byte) []byte { return AppendIntList(b, v) },
		func(d *Decoder) (any, error) { return readIntList(d) }, v}
}

func uniCase(erl, s string) erlangCase {
	return erlangCase{erl, func(b []byte) []byte { return AppendUniversalString(b, s) },
		func(d *Decoder) (any, error) { return d.UniversalString() }, s}
}

// contact is a record {'Contact', Name, Status} with an optional status.
type contact struct {
	name   []byte
	status *int64
}

func appendContact(b []byte, c contact) []byte {
	b = AppendTupleHeader(b, 3)
	b = AppendAtom(b, "Contact")
	b = AppendBinary(b, c.name)
	if c.status == nil {
		return AppendAtom(b, "asn1_NOVALUE")
	}
	return AppendInteger(b, *c.status)
}

func readContactValue(d *Decoder) (contact, error) {
	var c contact
	if err := d.Record("Contact", 2); err != nil {
		return c, err
	}
	var err error
	if c.name, err = d.Binary(); err != nil {
		return c, err
	}
	if d.IsAtom("asn1_NOVALUE") {
		return c, nil
	}
	v, err := d.Integer()
	c.status = &v
	return c, err
}

// message is {'Message', Id, [Contact], Link} where Link is asn1_NOVALUE or
// {message, Message}: a recursive record as asn1ct generates.
type message struct {
	id       int64
	contacts []contact
	link     *message
}

func appendMessage(b []byte, m *message) []byte {
	b = AppendTupleHeader(b, 4)
	b = AppendAtom(b, "Message")
	b = AppendInteger(b, m.id)
	if len(m.contacts) == 0 {
		b = AppendNil(b)
	} else {
		b = AppendListHeader(b, len(m.contacts))
		for _, c := range m.contacts {
			b = appendContact(b, c)
		}
		b = AppendNil(b)
	}
	if m.link == nil {
		return AppendAtom(b, "asn1_NOVALUE")
	}
	b = AppendTupleHeader(b, 2)
	b = AppendAtom(b, "message")
	return appendMessage(b, m.link)
}

func readMessage(d *Decoder) (*message, error) {
	m := new(message)
	if err := d.Record("Message", 3); err != nil {
		return nil, err
	}
	var err error
	if m.id, err = d.Integer(); err != nil {
		return nil, err
	}
	n, err := d.ListStart()
	if err != nil {
		return nil, err
	}
	for range n {
		c, err := readContactValue(d)
		if err != nil {
			return nil, err
		}
		m.contacts = append(m.contacts, c)
	}
	if err := d.ListEnd(); err != nil {
		return nil, err
	}
	if d.IsAtom("asn1_NOVALUE") {
		return m, nil
	}
	if arity, err := d.Tuple(); err != nil || arity != 2 || !d.IsAtom("message") {
		return nil, Errorf(d.Offset(), ErrUnknownChoice, "link")
	}
	m.link, err = readMessage(d)
	return m, err
}

var five = int64(5)

var erlangCases = []erlangCase{
	atomCase("abc"),
	atomCase("ö"),
	atomCase("Привіт"),
	atomCase("NULL"),
	atomCase("asn1_NOVALUE"),
	atomCase(strings.Repeat("é", 200)),
	{"true", func(b []byte) []byte { return AppendBool(b, true) },
		func(d *Decoder) (any, error) { return d.Bool() }, true},
	{"false", func(b []byte) []byte { return AppendBool(b, false) },
		func(d *Decoder) (any, error) { return d.Bool() }, false},
	intCase("0", 0),
	intCase("255", 255),
	intCase("256", 256),
	intCase("-1", -1),
	intCase("1 bsl 27", 1<<27),
	intCase("-(1 bsl 27)", -1<<27),
	intCase("1 bsl 31", 1<<31),
	intCase("-(1 bsl 31)", -1<<31),
	intCase("(1 bsl 31) - 1", 1<<31-1),
	intCase("-(1 bsl 31) - 1", -1<<31-1),
	intCase("1 bsl 62", 1<<62),
	intCase("-(1 bsl 62)", -1<<62),
	intCase("-9223372036854775808", -1<<63),
	intCase("9223372036854775807", 1<<63-1),
	binCase("<<>>", []byte{}),
	binCase("<<1,2,3>>", []byte{1, 2, 3}),
	binCase("binary:copy(<<\"chat\">>, 5000)", bytes.Repeat([]byte("chat"), 5000)),
	charsCase(`""`, ""),
	charsCase(`"abc"`, "abc"),
	charsCase("lists:duplicate(70000, $a)", strings.Repeat("a", 70000)),
	intsCase("[300]", []int64{300}),
	intsCase("[1, 300, -5, 1 bsl 40]", []int64{1, 300, -5, 1 << 40}),
	intsCase("[1, 2, 3]", []int64{1, 2, 3}),
	intsCase("[]", []int64{}),
	uniCase(`"aö"`, "aö"),
	uniCase("[$a, {0,0,32,172}, {0,1,246,0}]", "a€\U0001F600"),
	uniCase("lists:duplicate(70000, $z)", strings.Repeat("z", 70000)),
	{"[<<\"x\">>, <<\"yz\">>]", func(b []byte) []byte {
		b = AppendListHeader(b, 2)
		b = AppendBinary(b, []byte("x"))
		return AppendNil(AppendBinary(b, []byte("yz")))
	}, func(d *Decoder) (any, error) {
		n, err := d.ListStart()
		if err != nil {
			return nil, err
		}
		var v []string
		for range n {
			x, err := d.Binary()
			if err != nil {
				return nil, err
			}
			v = append(v, string(x))
		}
		return v, d.ListEnd()
	}, []string{"x", "yz"}},
	{"<<1:3>>", func(b []byte) []byte { return AppendBitString(b, der.BitString{Bytes: []byte{0x20}, Length: 3}) },
		func(d *Decoder) (any, error) { return d.BitString() }, der.BitString{Bytes: []byte{0x20}, Length: 3}},
	{"<<255, 1:1>>", func(b []byte) []byte { return AppendBitString(b, der.BitString{Bytes: []byte{0xff, 0x80}, Length: 9}) },
		func(d *Decoder) (any, error) { return d.BitString() }, der.BitString{Bytes: []byte{0xff, 0x80}, Length: 9}},
	{"{1, 2, 840, 113549, 1 bsl 63}", func(b []byte) []byte { return AppendOID(b, der.OID{1, 2, 840, 113549, 1 << 63}) },
		func(d *Decoder) (any, error) { return d.OID() }, der.OID{1, 2, 840, 113549, 1 << 63}},
	{"list_to_tuple(lists:duplicate(300, 7))", func(b []byte) []byte {
		b = AppendTupleHeader(b, 300)
		for range 300 {
			b = AppendInteger(b, 7)
		}
		return b
	}, func(d *Decoder) (any, error) {
		n, err := d.Tuple()
		sum := int64(0)
		for i := 0; i < n && err == nil; i++ {
			var v int64
			v, err = d.Integer()
			sum += v
		}
		return sum, err
	}, int64(2100)},
	{"{'Contact', <<\"ann\">>, asn1_NOVALUE}", func(b []byte) []byte { return appendContact(b, contact{name: []byte("ann")}) },
		func(d *Decoder) (any, error) { return readContactValue(d) }, contact{name: []byte("ann")}},
	{"{'Message', 1, [{'Contact', <<\"a\">>, 5}, {'Contact', <<>>, asn1_NOVALUE}], " +
		"{message, {'Message', -70000, [], asn1_NOVALUE}}}",
		func(b []byte) []byte {
			return appendMessage(b, &message{id: 1,
				contacts: []contact{{name: []byte("a"), status: &five}, {name: []byte{}}},
				link:     &message{id: -70000}})
		}, func(d *Decoder) (any, error) { return readMessage(d) },
		&message{id: 1, contacts: []contact{{name: []byte("a"), status: &five}, {name: []byte{}}},
			link: &message{id: -70000}}},
}

// TestErlangCrossCheck runs one erl process that prints, for every case,
// term_to_binary with minor_version 2, the default (latin-1 atoms on OTP 25)
// and compressed. Our encoder must produce the first byte for byte and our
// decoder must read all three to the same value.
func TestErlangCrossCheck(t *testing.T) {
	erl, err := exec.LookPath("erl")
	if err != nil {
		peers.Missing(t, "erl not on PATH: "+err.Error())
	}
	var terms []string
	for _, c := range erlangCases {
		terms = append(terms, c.erl)
	}
	script := `[io:format("~s ~s ~s~n", [binary:encode_hex(term_to_binary(T, [{minor_version, 2}])),
		binary:encode_hex(term_to_binary(T)), binary:encode_hex(term_to_binary(T, [compressed]))])
		|| T <- [` + strings.Join(terms, ",\n") + `]], halt().`
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, erl, "-noshell", "-eval", script).CombinedOutput()
	if err != nil {
		t.Fatalf("erl: %v\n%s", err, out)
	}
	var lines [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		lines = append(lines, strings.Fields(sc.Text()))
	}
	if len(lines) != len(erlangCases) {
		t.Fatalf("erl printed %d lines for %d terms:\n%.2000s", len(lines), len(erlangCases), out)
	}
	sawLatin1, sawCompressed := false, false
	for i, c := range erlangCases {
		t.Run(c.erl[:min(len(c.erl), 40)], func(t *testing.T) {
			forms := make([][]byte, 3)
			for j, h := range lines[i] {
				if forms[j], err = hex.DecodeString(h); err != nil {
					t.Fatalf("form %d: %v", j, err)
				}
			}
			if got := c.enc(AppendVersion(nil)); !bytes.Equal(got, forms[0]) {
				t.Errorf("encode:\n got % x\nwant % x", got[:min(len(got), 64)], forms[0][:min(len(forms[0]), 64)])
			}
			for j, form := range forms {
				d, err := NewDecoder(form, Limits{})
				if err != nil {
					t.Fatalf("form %d: %v", j, err)
				}
				got, err := c.dec(&d)
				if err == nil {
					err = d.Finish()
				}
				if err != nil {
					t.Fatalf("form %d: %v", j, err)
				}
				if !reflect.DeepEqual(got, c.want) {
					t.Errorf("form %d decodes to %#v, want %#v", j, got, c.want)
				}
			}
			sawLatin1 = sawLatin1 || bytes.Contains(forms[1], []byte{tagAtom, 0, 1, 0xf6})
			sawCompressed = sawCompressed || forms[2][1] == tagCompressed
		})
	}
	if !sawLatin1 || !sawCompressed {
		t.Errorf("erl output lacks a latin-1 atom (%v) or a compressed term (%v)", sawLatin1, sawCompressed)
	}
}

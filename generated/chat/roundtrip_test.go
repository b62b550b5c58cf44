package chat_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/chatim/chat/codecs/der"
	"github.com/chatim/chat/codecs/etf"
	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/generated/chat/chatrand"
)

// valuesPerType is how many random values each round-trip test checks.
const valuesPerType = 300

// normalize returns a copy of v with every empty slice made nil, so that
// values compare equal whether a list or string arrived empty or absent.
func normalize(v any) any {
	rv := reflect.ValueOf(v)
	out := reflect.New(rv.Type()).Elem()
	out.Set(normValue(rv))
	return out.Interface()
}

func normValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(normValue(v.Elem()))
		return p
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(normValue(v.Elem()))
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		for i := 0; i < v.NumField(); i++ {
			if n.Field(i).CanSet() {
				n.Field(i).Set(normValue(v.Field(i)))
			}
		}
		return n
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			n.Index(i).Set(normValue(v.Index(i)))
		}
		return n
	}
	return v
}

func mustNew(t testing.TB, name string) chat.Value {
	t.Helper()
	v, ok := chat.New(name)
	if !ok {
		t.Fatalf("chat.New(%q) = false", name)
	}
	return v
}

func TestRegistry(t *testing.T) {
	if len(chat.Types) == 0 {
		t.Fatal("no types")
	}
	for i, name := range chat.Types {
		if i > 0 && chat.Types[i-1] >= name {
			t.Errorf("Types not sorted at %q", name)
		}
		v := mustNew(t, name)
		if v.ASN1Type() != name {
			t.Errorf("New(%q).ASN1Type() = %q", name, v.ASN1Type())
		}
	}
	if _, ok := chat.New("NoSuchType"); ok {
		t.Error("New(NoSuchType) = true")
	}
}

// TestRoundTrip checks, for every type and many random values, that DER,
// ETF and JSON decode what they encode, and that DER and ETF agree.
func TestRoundTrip(t *testing.T) {
	for _, name := range chat.Types {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(name))))
			for i := 0; i < valuesPerType; i++ {
				v := chatrand.New(name, r)
				checkRoundTrip(t, name, v)
				if t.Failed() {
					t.Fatalf("value %d", i)
				}
			}
		})
	}
}

func checkRoundTrip(t *testing.T, name string, v chat.Value) {
	t.Helper()
	want := normalize(v)

	// DER
	d1 := v.AppendDER(nil)
	got := mustNew(t, name)
	if err := got.UnmarshalDER(d1); err != nil {
		t.Fatalf("DER decode: %v\n% x", err, d1)
	}
	if d2 := got.AppendDER(nil); !bytes.Equal(d1, d2) {
		t.Fatalf("DER re-encoding differs:\n% x\n% x", d1, d2)
	}
	if !reflect.DeepEqual(normalize(got), want) {
		t.Fatalf("DER round trip changed the value:\n%#v\n%#v", got, v)
	}

	// ETF
	e1 := v.AppendETF(nil)
	gotE := mustNew(t, name)
	if err := gotE.UnmarshalETF(e1); err != nil {
		t.Fatalf("ETF decode: %v\n% x", err, e1)
	}
	if e2 := gotE.AppendETF(nil); !bytes.Equal(e1, e2) {
		t.Fatalf("ETF re-encoding differs:\n% x\n% x", e1, e2)
	}
	if !reflect.DeepEqual(normalize(gotE), want) {
		t.Fatalf("ETF round trip changed the value:\n%#v\n%#v", gotE, v)
	}

	// DER -> value -> ETF -> value -> DER
	viaETF := mustNew(t, name)
	if err := viaETF.UnmarshalETF(got.AppendETF(nil)); err != nil {
		t.Fatalf("ETF of DER-decoded value: %v", err)
	}
	if d3 := viaETF.AppendDER(nil); !bytes.Equal(d1, d3) {
		t.Fatalf("DER after ETF differs:\n% x\n% x", d1, d3)
	}

	// JSON
	j1, err := v.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	gotJ := mustNew(t, name)
	if err := gotJ.UnmarshalJSON(j1); err != nil {
		t.Fatalf("JSON decode: %v\n%s", err, j1)
	}
	if !reflect.DeepEqual(normalize(gotJ), want) {
		t.Fatalf("JSON round trip changed the value:\n%s", j1)
	}
	if d4 := gotJ.AppendDER(nil); !bytes.Equal(d1, d4) {
		t.Fatalf("DER after JSON differs")
	}
}

// TestTruncated checks that every proper prefix of valid encodings is an
// error, never a panic.
func TestTruncated(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, name := range chat.Types {
		for i := 0; i < 3; i++ {
			v := chatrand.New(name, r)
			d := v.AppendDER(nil)
			e := v.AppendETF(nil)
			if len(d) > 4096 || len(e) > 4096 {
				continue
			}
			for n := 0; n < len(d); n++ {
				if err := mustNew(t, name).UnmarshalDER(d[:n]); err == nil {
					t.Fatalf("%s: DER prefix of %d/%d bytes decoded", name, n, len(d))
				}
			}
			for n := 0; n < len(e); n++ {
				if err := mustNew(t, name).UnmarshalETF(e[:n]); err == nil {
					t.Fatalf("%s: ETF prefix of %d/%d bytes decoded", name, n, len(e))
				}
			}
		}
	}
}

// textMessage is a small CHATMessage carrying a text Message.
func textMessage() *chat.CHATMessage {
	return &chat.CHATMessage{
		No:      42,
		Headers: [][]byte{[]byte("content-type: text/plain")},
		Body: &chat.CHATProtocol_Message{Value: chat.Message{
			Id:        chat.CHATString("01HZX3M4Q7R8S9T0V1W2X3Y4Z5"),
			Feed:      &chat.MessageFeed_P2p{Value: chat.P2P{From: []byte("alice"), To: []byte("bob")}},
			Signature: chat.CHATString(bytes.Repeat([]byte{0xab}, 64)),
			From:      chat.CHATString("alice"),
			To:        chat.CHATString("bob"),
			Created:   1700000000123,
			Files: []chat.FileDesc{{
				Id:      []byte("f1"),
				Mime:    []byte("text/plain"),
				Payload: der.AppendOctetString(nil, der.TagOctetString, []byte("Hello, Bob! Are we on for lunch tomorrow, ok")),
			}},
			Type:      chat.MessageTypeSys,
			Link:      &chat.MessageLink_Empty{},
			Seenby:    chat.CHATString("alice"),
			Repliedby: nil,
			Mentioned: []chat.CHATString{chat.CHATString("bob")},
			Status:    chat.MessageStatusAsync,
		}},
	}
}

func TestMalformed(t *testing.T) {
	valid := textMessage().AppendDER(nil)
	msg := &chat.Message{Feed: &chat.MessageFeed_Muc{Value: chat.MUC{Room: []byte("r")}},
		Type: chat.MessageTypeReply, Link: &chat.MessageLink_Empty{}, Status: chat.MessageStatusAsync}
	msgDER := msg.AppendDER(nil)

	// status encoded explicitly with its DEFAULT value clear (3).
	defaultEncoded := append([]byte(nil), msgDER...)
	defaultEncoded = append(defaultEncoded[:len(defaultEncoded)-1], 3)

	// Unknown enum value: Message.type = 9.
	msg2 := *msg
	msg2.Type = 9
	unknownEnum := msg2.AppendDER(nil)

	// Unknown CHOICE tag: feed [5] instead of [0]/[1].
	unknownChoice := append([]byte(nil), msgDER...)
	if i := bytes.Index(unknownChoice, []byte{0xa1, 0x03, 0x04, 0x01, 'r'}); i < 0 {
		t.Fatal("feed not found")
	} else {
		unknownChoice[i] = 0xa5
	}

	cases := []struct {
		name string
		typ  string
		data []byte
		want error
		path string
	}{
		{"trailing bytes", "CHATMessage", append(append([]byte(nil), valid...), 0), der.ErrTrailingData, "CHATMessage"},
		{"default encoded", "Message", defaultEncoded, der.ErrDefaultEncoded, "Message.status"},
		{"unknown enum", "Message", unknownEnum, der.ErrUnknownEnum, "Message.type"},
		{"unknown choice tag", "Message", unknownChoice, der.ErrUnknownChoice, "Message.feed"},
		{"empty input", "CHATMessage", nil, der.ErrTruncated, "CHATMessage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := mustNew(t, c.typ).UnmarshalDER(c.data)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			var de *der.DecodeError
			if !errors.As(err, &de) || de.Path != c.path {
				t.Fatalf("err = %v, want path %q", err, c.path)
			}
		})
	}
}

func TestMalformedETF(t *testing.T) {
	valid := (&chat.P2P{From: []byte("a"), To: []byte("b")}).AppendETF(nil)
	wrongAtom := bytes.Replace(valid, []byte("P2P"), []byte("MUC"), 1)
	wrongArity := append([]byte{131, 104, 2}, valid[3:len(valid)-6]...) // drop last field
	feed := (&chat.MessageFeedValue{Value: &chat.MessageFeed_P2p{Value: chat.P2P{}}}).AppendETF(nil)
	unknownAlt := bytes.Replace(feed, []byte("p2p"), []byte("p3p"), 1)
	st := chat.MessageStatusEdit
	status := st.AppendETF(nil)
	unknownAtom := bytes.Replace(status, []byte("edit"), []byte("fold"), 1)
	cases := []struct {
		name string
		v    chat.Value
		data []byte
		want error
	}{
		{"wrong record atom", new(chat.P2P), wrongAtom, etf.ErrRecord},
		{"wrong arity", new(chat.P2P), wrongArity, etf.ErrRecord},
		{"unknown alternative", new(chat.MessageFeedValue), unknownAlt, etf.ErrUnknownChoice},
		{"unknown enum atom", new(chat.MessageStatus), unknownAtom, etf.ErrUnknownAtom},
		{"trailing bytes", new(chat.P2P), append(append([]byte(nil), valid...), 106), etf.ErrTrailingData},
		{"bad version", new(chat.P2P), append([]byte{130}, valid[1:]...), etf.ErrVersion},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.v.UnmarshalETF(c.data); !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

// TestDefaultAtom checks that asn1_DEFAULT decodes as the DEFAULT value.
func TestDefaultAtom(t *testing.T) {
	m := chat.Message{Feed: &chat.MessageFeed_P2p{}, Type: chat.MessageTypeRead, Link: &chat.MessageLink_Empty{}, Status: chat.MessageStatusClear}
	e := m.AppendETF(nil)
	clear := []byte{119, 5, 'c', 'l', 'e', 'a', 'r'}
	if !bytes.HasSuffix(e, clear) {
		t.Fatalf("status not last: % x", e)
	}
	withDefault := append(append([]byte(nil), e[:len(e)-len(clear)]...), append([]byte{119, 12}, "asn1_DEFAULT"...)...)
	var got chat.Message
	if err := got.UnmarshalETF(withDefault); err != nil {
		t.Fatal(err)
	}
	if got.Status != chat.MessageStatusClear {
		t.Fatalf("status = %v", got.Status)
	}
	// DER omits the default.
	if d := m.AppendDER(nil); d[len(d)-3] == 0x0a {
		t.Fatalf("DEFAULT value encoded: % x", d)
	}
}

// deepLink returns the DER of a Message whose link nests depth Messages.
func deepLink(depth int) []byte {
	// Innermost: a Message with link empty.
	inner := (&chat.Message{Feed: &chat.MessageFeed_P2p{}, Type: chat.MessageTypeSys, Link: &chat.MessageLink_Empty{}, Status: chat.MessageStatusAsync}).AppendDER(nil)
	// Contents of a Message before and after link: everything of inner but
	// its tag/length, with link replaced.
	body := inner[2:] // short form: inner is < 128 bytes
	link := []byte{0x81, 0x00}
	i := bytes.Index(body, link)
	prefix, suffix := body[:i], body[i+len(link):]
	// Lengths from the inside out, then the bytes from the outside in:
	// [2] { prefix [2] { prefix ... inner ... suffix } suffix }.
	lens := make([]int, depth)
	lens[0] = len(inner)
	for n := 1; n < depth; n++ {
		content := len(prefix) + lens[n-1] + len(suffix)
		lens[n] = len(der.AppendLength(der.AppendTag(nil, der.ClassContext|der.Constructed|2), content)) + content
	}
	out := make([]byte, 0, lens[depth-1])
	for n := depth - 1; n >= 1; n-- {
		content := len(prefix) + lens[n-1] + len(suffix)
		out = der.AppendLength(der.AppendTag(out, der.ClassContext|der.Constructed|2), content)
		out = append(out, prefix...)
	}
	out = append(out, inner...)
	out[len(out)-len(inner)] = 0xa2
	for n := 1; n < depth; n++ {
		out = append(out, suffix...)
	}
	out[0] = 0x30
	return out
}

func TestDeepLink(t *testing.T) {
	data := deepLink(10000)
	var m chat.Message
	allocs := testing.AllocsPerRun(1, func() {
		if err := m.UnmarshalDER(data); !errors.Is(err, der.ErrDepth) {
			t.Fatalf("err = %v, want ErrDepth", err)
		}
	})
	var ms1, ms2 runtimeMem
	ms1.read()
	_ = m.UnmarshalDER(data)
	ms2.read()
	if got := ms2.total - ms1.total; got > 1<<20 {
		t.Fatalf("deep link allocated %d bytes", got)
	}
	t.Logf("%d bytes, %.0f allocations", len(data), allocs)
	// A moderately deep one decodes.
	if err := m.UnmarshalDER(deepLink(50)); err != nil {
		t.Fatal(err)
	}
	n := 0
	for l, ok := m.Link.(*chat.MessageLink_Message); ok; l, ok = l.Value.Link.(*chat.MessageLink_Message) {
		n++
	}
	if n != 49 {
		t.Fatalf("depth %d, want 49", n)
	}
}

func TestErrorPath(t *testing.T) {
	data := textMessage().AppendDER(nil)
	// Corrupt the length byte of Message.from ("alice" after the signature).
	sig := bytes.Index(data, bytes.Repeat([]byte{0xab}, 64)) + 64
	i := sig + bytes.Index(data[sig:], []byte{0x04, 0x05, 'a', 'l', 'i', 'c', 'e'})
	data[i+1] = 0x81 // long form with one length byte: non-minimal for 5
	var m chat.CHATMessage
	err := m.UnmarshalDER(data)
	var de *der.DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v", err)
	}
	if want := "CHATMessage.body.message.from"; de.Path != want {
		t.Fatalf("path %q, want %q (%v)", de.Path, want, err)
	}
	if de.Offset != i+1 && de.Offset != i {
		t.Fatalf("offset %d, want about %d", de.Offset, i)
	}
	t.Log(err)
}

func ExampleCHATMessage_UnmarshalDER() {
	data := textMessage().AppendDER(nil)
	var m chat.CHATMessage
	if err := m.UnmarshalDER(data); err != nil {
		panic(err)
	}
	msg := m.Body.(*chat.CHATProtocol_Message).Value
	fmt.Println(m.No, string(msg.From), msg.Type, len(data))
	// Output: 42 alice sys 260
}

type runtimeMem struct{ total uint64 }

func (m *runtimeMem) read() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.total = s.TotalAlloc
}

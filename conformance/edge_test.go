package conformance_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"

	"github.com/chatim/chat/conformance"
	"github.com/chatim/chat/generated/chat"
	"github.com/chatim/chat/generated/chat/chatrand"
)

// edgeCase is one hand-picked value of the edge-case table.
type edgeCase struct {
	typ  string
	name string
	v    chat.Value
}

// deepLinks is the nesting depth of Message.link in the deep-recursion
// case: each level is one DER TLV and two ETF tuples ({message, M} and M);
// 120 levels sit just inside DER's default depth of 128 and so must also fit
// ETF's default of 256.
const deepLinks = 120

// edgeInts are the integer boundaries of every DER and ETF integer form.
var edgeInts = []int64{
	0, 1, -1, 127, -127, 128, -128, -129, 255, 256, -256, 65535, 65536,
	1<<31 - 1, 1 << 31, -1 << 31, -1<<31 - 1, 1<<32 - 1, 1 << 32,
	1 << 62, -1 << 62, math.MaxInt64, math.MinInt64,
}

// edgeLengths are octet-string lengths at every DER length-form boundary.
var edgeLengths = []int{0, 1, 127, 128, 255, 256, 65535, 65536, 70000}

// edgeStrings are UniversalString values: empty, ASCII, Latin-1, the
// boundary 255/256, BMP, astral, NUL, mixed, and the STRING_EXT limit.
var edgeStrings = map[string]string{
	"empty":         "",
	"ascii":         "ok",
	"nul":           "a\x00b",
	"latin1":        "café ÿ",
	"char255":       "\u00ff",
	"char256":       "\u0100",
	"bmp":           "Привіт, світе",
	"astral":        "😀",
	"mixed":         "a😀é𝄞z\u0100",
	"max-bmp":       "\uffff\U0010ffff",
	"len65535":      strings.Repeat("a", 65535),
	"len65536":      strings.Repeat("é", 65536),
	"long-astral":   strings.Repeat("𝄞", 300),
	"long-latin1-1": strings.Repeat("x", 256),
}

// edgeCases returns the edge-case table: integer boundaries, octet-string
// lengths, UniversalStrings, every enumeration value, every CHOICE
// alternative, DEFAULT equal and not equal, empty and long lists, ANY
// payloads, and deep recursion of Message.link.
func edgeCases() []edgeCase {
	var cs []edgeCase
	add := func(name string, v chat.Value) {
		cs = append(cs, edgeCase{typ: v.ASN1Type(), name: name, v: v})
	}
	r := rand.New(rand.NewPCG(1, 2))
	ok := &chat.CHATProtocol_Ok{Value: chat.OK{Data: "ok"}}

	for _, n := range edgeInts {
		add(fmt.Sprintf("no=%d", n), &chat.CHATMessage{No: n, Body: ok})
		add(fmt.Sprintf("port=%d", n), &chat.Server{Service: []byte("mqtts"), Port: n, Host: []byte("h")})
	}
	for _, n := range edgeLengths {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i * 7)
		}
		add(fmt.Sprintf("from-len=%d", n), &chat.P2P{From: b, To: []byte("b")})
		add(fmt.Sprintf("to-len=%d", n), &chat.P2P{From: []byte("a"), To: b})
		cs2 := chat.CHATString(b)
		add(fmt.Sprintf("len=%d", n), &cs2)
	}
	add("p2p-empty", &chat.P2P{})
	for _, name := range sortedKeys(edgeStrings) {
		s := edgeStrings[name]
		add("data="+name, &chat.OK{Data: s})
		add("code="+name, &chat.IO{Data: "x", Code: s})
		add("roster="+name, &chat.History{Feed: &chat.HistoryFeed_Muc{Value: chat.MUC{Room: []byte("r")}}, Roster: s, Status: chat.HistoryStatusText})
	}

	cs = append(cs, enumCases()...)

	for i, alt := range protocolAlternatives(r) {
		add(fmt.Sprintf("alt[%d]=%T", i, alt), &chat.CHATMessage{No: int64(i), Headers: [][]byte{[]byte("h")}, Body: alt})
		add(fmt.Sprintf("alt[%d]=%T", i, alt), &chat.CHATProtocolValue{Value: alt})
	}
	add("feed=p2p", &chat.MessageFeedValue{Value: &chat.MessageFeed_P2p{Value: chat.P2P{From: []byte("a"), To: []byte("b")}}})
	add("feed=muc", &chat.MessageFeedValue{Value: &chat.MessageFeed_Muc{Value: chat.MUC{Room: []byte("room")}}})
	add("member-feed=p2p", &chat.Member{Feed: &chat.MemberFeed_P2p{Value: chat.P2P{}}, Presence: chat.PresenceTypeOnline, Status: chat.MemberStatusOwner})
	add("member-feed=muc", &chat.Member{Feed: &chat.MemberFeed_Muc{Value: chat.MUC{}}, Presence: chat.PresenceTypeOffline, Status: chat.MemberStatusAdmin})
	add("history-feed=p2p", &chat.History{Feed: &chat.HistoryFeed_P2p{Value: chat.P2P{}}, Status: chat.HistoryStatusGet})

	// DEFAULT: Message.status DEFAULT clear, equal (omitted from DER) and
	// every other value.
	for _, st := range []chat.MessageStatus{chat.MessageStatusClear, chat.MessageStatusAsync, chat.MessageStatusDelete, chat.MessageStatusUpdate, chat.MessageStatusEdit} {
		m := minimalMessage()
		m.Status = st
		add("status="+st.String(), &m)
	}

	// Message.link: both alternatives and deep recursion.
	linked := minimalMessage()
	inner := minimalMessage()
	inner.Status = chat.MessageStatusEdit
	linked.Link = &chat.MessageLink_Message{Value: inner}
	add("link=message", &linked)
	deep := minimalMessage()
	for i := range deepLinks {
		outer := minimalMessage()
		outer.Created = int64(i)
		outer.Link = &chat.MessageLink_Message{Value: deep}
		deep = outer
	}
	add(fmt.Sprintf("link-depth=%d", deepLinks), &deep)

	// Lists: empty everywhere, and integer lists around the STRING_EXT form.
	add("empty-lists", &chat.Contact{Lastmsg: minimalMessage(), Presence: chat.PresenceTypeOnline, Status: chat.ContactStatusFriend})
	add("empty-lists", &chat.Profile{Roster: chat.Roster{Status: chat.RosterStatusGet}})
	add("empty-lists", emptyRoom(nil))
	add("empty-slice", &chat.Typing{Comments: [][]byte{}})
	add("one-empty-element", &chat.Typing{Comments: [][]byte{nil}})
	add("mentions=0..255", emptyRoom(intRange(0, 256)))
	add("mentions=[256]", emptyRoom([]int64{256}))
	add("mentions=[-1]", emptyRoom([]int64{-1}))
	add("mentions=[255,256]", emptyRoom([]int64{255, 256}))
	add("mentions=boundaries", emptyRoom(edgeInts))
	add("mentions=65535 small", emptyRoom(repeatInt(7, 65535)))
	add("mentions=65536 small", emptyRoom(repeatInt(7, 65536)))
	many := make([][]byte, 1000)
	for i := range many {
		many[i] = []byte{byte(i)}
	}
	add("comments=1000", &chat.Typing{Session: []byte("s"), Comments: many})

	// ANY: FileDesc.payload holds one TLV of any kind.
	for _, pl := range []struct {
		name string
		tlv  []byte
	}{
		{"null", []byte{0x05, 0x00}},
		{"utf8", append([]byte{0x0c, 0x06}, "héllo"...)},
		{"sequence", []byte{0x30, 0x06, 0x02, 0x01, 0x05, 0x01, 0x01, 0xff}},
		{"context", []byte{0xa3, 0x03, 0x80, 0x01, 0x01}},
		{"high-tag", []byte{0x1f, 0x81, 0x00, 0x00}},
		{"long-octets", append([]byte{0x04, 0x82, 0x01, 0x2c}, make([]byte, 300)...)},
	} {
		add("payload="+pl.name, &chat.FileDesc{Id: []byte("f"), Mime: []byte("application/octet-stream"), Payload: pl.tlv})
	}

	// The benchmark samples.
	add("sample=SmallMessage", conformance.SmallMessage())
	add("sample=Roster50", conformance.Roster50())
	add("sample=History100", conformance.History100())
	return cs
}

// enumCases returns, for every ENUMERATED type of the module, a case for
// each value that has an identifier (found through String and reflection,
// trying the values -1 to 31).
func enumCases() []edgeCase {
	var cs []edgeCase
	for _, typ := range chat.Types {
		v, _ := chat.New(typ)
		rv := reflect.ValueOf(v).Elem()
		if rv.Kind() != reflect.Int64 {
			continue
		}
		if _, isStringer := v.(fmt.Stringer); !isStringer {
			continue
		}
		for k := int64(-1); k < 32; k++ {
			e, _ := chat.New(typ)
			reflect.ValueOf(e).Elem().SetInt(k)
			name := e.(fmt.Stringer).String()
			if strings.Contains(name, "(") {
				continue
			}
			cs = append(cs, edgeCase{typ: typ, name: "enum=" + name, v: e})
		}
	}
	return cs
}

// protocolAlternatives returns one value of every CHATProtocol alternative.
func protocolAlternatives(r *rand.Rand) []chat.CHATProtocol {
	return []chat.CHATProtocol{
		&chat.CHATProtocol_Register{Value: *chatrand.Register(r)},
		&chat.CHATProtocol_Auth{Value: *chatrand.Auth(r)},
		&chat.CHATProtocol_Feature{Value: *chatrand.Feature(r)},
		&chat.CHATProtocol_Service{Value: *chatrand.Service(r)},
		&chat.CHATProtocol_Message{Value: *chatrand.Message(r)},
		&chat.CHATProtocol_Profile{Value: *chatrand.Profile(r)},
		&chat.CHATProtocol_Room{Value: *chatrand.Room(r)},
		&chat.CHATProtocol_Member{Value: *chatrand.Member(r)},
		&chat.CHATProtocol_Search{Value: *chatrand.Search(r)},
		&chat.CHATProtocol_File{Value: *chatrand.FileDesc(r)},
		&chat.CHATProtocol_Typing{Value: *chatrand.Typing(r)},
		&chat.CHATProtocol_Friend{Value: *chatrand.Friend(r)},
		&chat.CHATProtocol_Presence{Value: *chatrand.Presence(r)},
		&chat.CHATProtocol_History{Value: *chatrand.History(r)},
		&chat.CHATProtocol_Roster{Value: *chatrand.Roster(r)},
		&chat.CHATProtocol_Ack{Value: *chatrand.Ack(r)},
		&chat.CHATProtocol_Io{Value: *chatrand.IO(r)},
		&chat.CHATProtocol_Ok{Value: *chatrand.OK(r)},
		&chat.CHATProtocol_Error{Value: *chatrand.ERROR(r)},
	}
}

// minimalMessage is a Message with every list empty and the DEFAULT status.
func minimalMessage() chat.Message {
	return chat.Message{
		Feed:   &chat.MessageFeed_P2p{Value: chat.P2P{From: []byte("a"), To: []byte("b")}},
		Type:   chat.MessageTypeSys,
		Link:   &chat.MessageLink_Empty{},
		Status: chat.MessageStatusClear,
	}
}

// emptyRoom is a Room with every list empty but mentions.
func emptyRoom(mentions []int64) *chat.Room {
	return &chat.Room{
		Type:     chat.RoomTypeGroup,
		Mentions: mentions,
		Lastmsg:  minimalMessage(),
		Status:   chat.RoomStatusCreate,
	}
}

func intRange(from, to int64) []int64 {
	var v []int64
	for i := from; i < to; i++ {
		v = append(v, i)
	}
	return v
}

func repeatInt(x int64, n int) []int64 {
	v := make([]int64, n)
	for i := range v {
		v[i] = x
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

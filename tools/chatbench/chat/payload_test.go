package chat

import (
	"errors"
	"testing"

	wire "github.com/chatim/chat/generated/chat"
)

func TestTextRoundTrip(t *testing.T) {
	for _, size := range []int{minSize, 100, 127, 128, 255, 256, 4000, MaxSize} {
		h := header{sender: 7, seq: 1<<32 - 1, sent: 1<<63 - 1}
		text := appendText(nil, h, size)
		if len(text) != size {
			t.Fatalf("size %d: text of %d bytes", size, len(text))
		}
		m := &wire.Message{Files: []wire.FileDesc{textFile(text)}}
		got, err := parseMessage(m)
		if err != nil || got != h {
			t.Fatalf("size %d: %+v, %v", size, got, err)
		}
		// The payload is the DER UTF8String CHAT clients send.
		if p := m.Files[0].Payload; p[0] != 0x0c || len(p) < size+2 {
			t.Fatalf("size %d: payload % x...", size, p[:4])
		}
	}
}

func TestParseMessageRefuses(t *testing.T) {
	good := textFile(appendText(nil, header{sender: 1, seq: 2, sent: 3}, 40))
	for name, m := range map[string]*wire.Message{
		"no file":    {},
		"two files":  {Files: []wire.FileDesc{good, good}},
		"mime":       {Files: []wire.FileDesc{{Mime: []byte("image/png"), Payload: good.Payload}}},
		"not utf8":   {Files: []wire.FileDesc{{Mime: []byte(textMime), Payload: append([]byte{0x04}, good.Payload[1:]...)}}},
		"truncated":  {Files: []wire.FileDesc{{Mime: []byte(textMime), Payload: good.Payload[:len(good.Payload)-1]}}},
		"long form":  {Files: []wire.FileDesc{{Mime: []byte(textMime), Payload: []byte{0x0c, 0x81, 0x05, 'a', 'b', 'c', 'd', 'e'}}}},
		"short text": {Files: []wire.FileDesc{textFile([]byte("0123"))}},
		"not hex":    {Files: []wire.FileDesc{textFile([]byte("zz000000000000000000000000000000"))}},
		"signed":     {Files: []wire.FileDesc{textFile([]byte("+0000000000000000000000000000000"))}},
	} {
		if _, err := parseMessage(m); !errors.Is(err, errText) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// FuzzParseMessage: any payload parses or is refused with errText,
// never a panic; what parses re-encodes to the same header.
func FuzzParseMessage(f *testing.F) {
	for _, size := range []int{minSize, 200, 300} {
		f.Add(textFile(appendText(nil, header{sender: 3, seq: 9, sent: 12345}, size)).Payload)
	}
	f.Add([]byte{0x0c, 0x82, 0x00, 0x01, 'x'})
	f.Fuzz(func(t *testing.T, p []byte) {
		h, err := parseMessage(&wire.Message{Files: []wire.FileDesc{{Mime: []byte(textMime), Payload: p}}})
		if err != nil {
			if !errors.Is(err, errText) {
				t.Fatalf("error %v does not wrap errText", err)
			}
			return
		}
		again, err := parseText(appendText(nil, h, minSize))
		if err != nil || again != h {
			t.Fatalf("%+v re-parsed as %+v, %v", h, again, err)
		}
	})
}

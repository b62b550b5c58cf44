package chat

import (
	"errors"
	"fmt"
	"strconv"

	wire "github.com/chatim/chat/generated/chat"
)

// A message's text starts with a fixed-width header, lower-case hex:
// the sender (8 digits), its sequence number (8) and the send time in
// nanoseconds since the run started (16); filler follows up to Size.
const minSize = 32

// header is what a message's text carries.
type header struct {
	sender uint32
	seq    uint32
	sent   int64
}

// textMime is the mime type of message texts: the payload is a DER
// UTF8String, as CHAT clients send text.
const textMime = "text/plain"

// appendText appends the text of h, size bytes long, to b.
func appendText(b []byte, h header, size int) []byte {
	b = fmt.Appendf(b, "%08x%08x%016x", h.sender, h.seq, uint64(h.sent))
	for range size - minSize {
		b = append(b, '.')
	}
	return b
}

// textFile wraps a text as a FileDesc: a DER UTF8String of text/plain.
func textFile(text []byte) wire.FileDesc {
	p := make([]byte, 0, len(text)+4)
	p = append(p, 0x0c)
	switch n := len(text); {
	case n < 0x80:
		p = append(p, byte(n))
	case n < 0x100:
		p = append(p, 0x81, byte(n))
	default:
		p = append(p, 0x82, byte(n>>8), byte(n))
	}
	return wire.FileDesc{Mime: []byte(textMime), Payload: append(p, text...)}
}

var errText = errors.New("chat: not a chatbench message")

// parseMessage returns the header of a message made by textFile and
// appendText.
func parseMessage(m *wire.Message) (header, error) {
	if len(m.Files) != 1 || string(m.Files[0].Mime) != textMime {
		return header{}, errText
	}
	text, err := utf8String(m.Files[0].Payload)
	if err != nil {
		return header{}, err
	}
	return parseText(text)
}

// utf8String returns the contents of a DER UTF8String of at most
// MaxSize bytes.
func utf8String(p []byte) ([]byte, error) {
	if len(p) < 2 || p[0] != 0x0c {
		return nil, fmt.Errorf("%w: payload is no UTF8String", errText)
	}
	n, off := int(p[1]), 2
	switch p[1] {
	case 0x81:
		if len(p) < 3 || p[2] < 0x80 {
			return nil, fmt.Errorf("%w: bad length at offset 1", errText)
		}
		n, off = int(p[2]), 3
	case 0x82:
		if len(p) < 4 || p[2] == 0 {
			return nil, fmt.Errorf("%w: bad length at offset 1", errText)
		}
		n, off = int(p[2])<<8|int(p[3]), 4
	default:
		if p[1] >= 0x80 {
			return nil, fmt.Errorf("%w: bad length at offset 1", errText)
		}
	}
	if n > MaxSize || len(p)-off != n {
		return nil, fmt.Errorf("%w: length %d, %d bytes follow", errText, n, len(p)-off)
	}
	return p[off:], nil
}

// parseText parses the header of a text.
func parseText(t []byte) (header, error) {
	if len(t) < minSize {
		return header{}, fmt.Errorf("%w: text of %d bytes", errText, len(t))
	}
	field := func(s []byte, bits int) (uint64, error) {
		v, err := strconv.ParseUint(string(s), 16, bits)
		if err != nil {
			return 0, fmt.Errorf("%w: header %q", errText, s)
		}
		return v, nil
	}
	s, err := field(t[0:8], 32)
	if err != nil {
		return header{}, err
	}
	q, err := field(t[8:16], 32)
	if err != nil {
		return header{}, err
	}
	ns, err := field(t[16:32], 63)
	if err != nil {
		return header{}, err
	}
	return header{sender: uint32(s), seq: uint32(q), sent: int64(ns)}, nil
}

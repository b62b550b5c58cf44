package client

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/chatim/chat/generated/chat"
)

// Format is the wire format of the payloads a client sends.
type Format uint8

// The wire formats. The server answers in the format of the request.
const (
	DER Format = iota // ASN.1 DER, first byte 0x30
	ETF               // Erlang External Term Format, first byte 0x83
)

// String returns "der" or "etf".
func (f Format) String() string {
	if f == ETF {
		return "etf"
	}
	return "der"
}

// ParseFormat parses "der" or "etf".
func ParseFormat(s string) (Format, error) {
	switch s {
	case "der", "DER", "":
		return DER, nil
	case "etf", "ETF":
		return ETF, nil
	}
	return DER, fmt.Errorf("client: unknown wire format %q (want der or etf)", s)
}

// ErrPayload reports a payload that is neither DER nor ETF.
var ErrPayload = errors.New("client: payload is neither DER (0x30) nor ETF (0x83)")

// Encode encodes m in format f.
func Encode(f Format, m *chat.CHATMessage) []byte {
	if f == ETF {
		return m.AppendETF(nil)
	}
	return m.AppendDER(nil)
}

// Decode decodes one CHATMessage in the format its first byte names. The
// message is independent of p.
func Decode(p []byte) (*chat.CHATMessage, error) {
	return DecodeNoCopy(bytes.Clone(p))
}

// DecodeNoCopy is Decode for a payload the message may alias, which must
// stay unchanged while the message is used: one read into a buffer of its
// own, as every PUBLISH paho delivers is.
func DecodeNoCopy(p []byte) (*chat.CHATMessage, error) {
	m := new(chat.CHATMessage)
	var err error
	switch {
	case len(p) > 0 && p[0] == 0x30:
		err = m.UnmarshalDERNoCopy(p)
	case len(p) > 0 && p[0] == 0x83:
		err = m.UnmarshalETFNoCopy(p)
	default:
		return nil, ErrPayload
	}
	if err != nil {
		return nil, fmt.Errorf("client: decode: %w", err)
	}
	return m, nil
}

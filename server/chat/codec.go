package chat

import (
	"errors"
	"fmt"

	wire "github.com/chatim/chat/generated/chat"
)

// Format is the wire format of a payload.
type Format uint8

// The wire formats. A payload's first byte tells which: 0x30 (a DER
// SEQUENCE) or 0x83 (the ETF version byte).
const (
	DER Format = iota
	ETF
)

// First bytes of payloads.
const (
	firstByteDER = 0x30
	firstByteETF = 0x83
)

// String returns "der" or "etf".
func (f Format) String() string {
	if f == ETF {
		return "etf"
	}
	return "der"
}

// FormatOf returns the format a payload claims by its first byte: ETF for
// 0x83, DER for everything else (an undecodable payload is answered in
// DER).
func FormatOf(p []byte) Format {
	if len(p) > 0 && p[0] == firstByteETF {
		return ETF
	}
	return DER
}

// formatName names the format of a payload for metrics: "der", "etf" or
// "unknown" when the first byte is neither.
func formatName(p []byte) string {
	switch {
	case len(p) > 0 && p[0] == firstByteDER:
		return "der"
	case len(p) > 0 && p[0] == firstByteETF:
		return "etf"
	}
	return "unknown"
}

var errUnknownFormat = errors.New("chat: payload is neither DER (0x30) nor ETF (0x83)")

// Decode decodes one CHATMessage in the format its first byte names. The
// message's byte slices alias p, which must stay unchanged while the
// message is used: a request payload, read into a buffer of its own for
// each packet, is decoded without a copy.
func Decode(p []byte) (*wire.CHATMessage, Format, error) {
	m := new(wire.CHATMessage)
	switch {
	case len(p) > 0 && p[0] == firstByteDER:
		if err := m.UnmarshalDERNoCopy(p); err != nil {
			return nil, DER, fmt.Errorf("chat: decode: %w", err)
		}
		return m, DER, nil
	case len(p) > 0 && p[0] == firstByteETF:
		if err := m.UnmarshalETFNoCopy(p); err != nil {
			return nil, ETF, fmt.Errorf("chat: decode: %w", err)
		}
		return m, ETF, nil
	}
	return nil, DER, errUnknownFormat
}

// Encode encodes m in format f into a new slice of the exact size.
func Encode(f Format, m *wire.CHATMessage) []byte {
	if f == ETF {
		return encodeCopy(m.AppendETF)
	}
	return encodeCopy(m.AppendDER)
}

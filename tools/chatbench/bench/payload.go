package bench

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// PayloadHeaderSize is the smallest payload: publisher number (4 bytes),
// sequence number (8) and send time in nanoseconds since the run began
// (8), big-endian; the rest is padding.
const PayloadHeaderSize = 20

// ErrPayload is wrapped by payload decoding errors.
var ErrPayload = errors.New("bench: bad payload")

// header is what a payload carries.
type header struct {
	pub  uint32 // publisher number, 1-based
	seq  uint64 // 0-based, per publisher
	sent int64  // ns since the run's start
}

// appendPayload appends a payload of size bytes carrying h.
func appendPayload(b []byte, h header, size int) []byte {
	b = binary.BigEndian.AppendUint32(b, h.pub)
	b = binary.BigEndian.AppendUint64(b, h.seq)
	b = binary.BigEndian.AppendUint64(b, uint64(h.sent))
	return append(b, make([]byte, size-PayloadHeaderSize)...)
}

// parsePayload reads the header of a payload.
func parsePayload(p []byte) (header, error) {
	if len(p) < PayloadHeaderSize {
		return header{}, fmt.Errorf("%w: %d bytes, want at least %d", ErrPayload, len(p), PayloadHeaderSize)
	}
	h := header{
		pub:  binary.BigEndian.Uint32(p[0:4]),
		seq:  binary.BigEndian.Uint64(p[4:12]),
		sent: int64(binary.BigEndian.Uint64(p[12:20])),
	}
	if h.sent < 0 {
		return header{}, fmt.Errorf("%w: negative send time at offset 12", ErrPayload)
	}
	return h, nil
}

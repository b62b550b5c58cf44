package chat

import "sync"

// maxScratch is the largest encoding buffer kept for reuse; a larger one,
// from a rare large value, is left to the collector.
const maxScratch = 64 << 10

// scratch holds encoding buffers. Encoding into a reused buffer and then
// copying the result costs one allocation of the exact size, where
// appending to nil grows the slice several times per value.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// encodeWith appends an encoding to a scratch buffer, passes the result to
// use, which must not keep it, and recycles the buffer.
func encodeWith(enc func([]byte) []byte, use func([]byte)) {
	bp := scratch.Get().(*[]byte)
	b := enc((*bp)[:0])
	use(b)
	if cap(b) <= maxScratch {
		*bp = b
		scratch.Put(bp)
	}
}

// encodeCopy returns a new slice holding an encoding, allocated once.
func encodeCopy(enc func([]byte) []byte) []byte {
	var out []byte
	encodeWith(enc, func(b []byte) { out = append(make([]byte, 0, len(b)), b...) })
	return out
}

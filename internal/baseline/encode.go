package baseline

// AppendDER appends the DER encoding of m, as 'CHAT':encode('CHATMessage', V)
// produces it, and returns the extended buffer.
func (m *TextMessage) AppendDER(b []byte) []byte {
	b, top := begin(b, 0x30)
	b = appendInt(b, 0x02, m.No)
	b, h := begin(b, 0x30)
	for _, x := range m.Headers {
		b = appendBytes(b, 0x04, x)
	}
	b = end(b, h)
	b, body := begin(b, 0xa4) // CHATProtocol.message [4] IMPLICIT Message
	b = appendBytes(b, 0x04, m.ID)
	b, feed := begin(b, 0xa0) // MessageFeed.p2p [0] IMPLICIT P2P
	b = appendBytes(b, 0x04, m.FeedFrom)
	b = appendBytes(b, 0x04, m.FeedTo)
	b = end(b, feed)
	b = appendBytes(b, 0x04, m.Signature)
	b = appendBytes(b, 0x04, m.From)
	b = appendBytes(b, 0x04, m.To)
	b = appendInt(b, 0x02, m.Created)
	b, files := begin(b, 0x30)
	for i := range m.Files {
		f := &m.Files[i]
		var fd int
		b, fd = begin(b, 0x30)
		b = appendBytes(b, 0x04, f.ID)
		b = appendBytes(b, 0x04, f.Mime)
		b = append(b, f.Payload...)
		b = appendBytes(b, 0x04, f.ParentID)
		b = append(b, 0x30, 0x00)
		b = end(b, fd)
	}
	b = end(b, files)
	b = appendInt(b, 0x0a, m.Type)
	b = append(b, 0x81, 0x00) // link: empty [1] IMPLICIT NULL
	b = appendBytes(b, 0x04, m.Seenby)
	b = appendBytes(b, 0x04, m.Repliedby)
	b, men := begin(b, 0x30)
	for _, x := range m.Mentioned {
		b = appendBytes(b, 0x04, x)
	}
	b = end(b, men)
	if m.Status != statusClear {
		b = appendInt(b, 0x0a, m.Status)
	}
	b = end(b, body)
	return end(b, top)
}

func begin(b []byte, tag byte) ([]byte, int) {
	b = append(b, tag, 0)
	return b, len(b)
}

func end(b []byte, start int) []byte {
	n := len(b) - start
	if n < 0x80 {
		b[start-1] = byte(n)
		return b
	}
	k := 1
	for x := n >> 8; x > 0; x >>= 8 {
		k++
	}
	b = append(b, make([]byte, k)...)
	copy(b[start+k:], b[start:start+n])
	b[start-1] = 0x80 | byte(k)
	for i := k - 1; i >= 0; i-- {
		b[start+i] = byte(n)
		n >>= 8
	}
	return b
}

func appendLen(b []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n < 0x100:
		return append(b, 0x81, byte(n))
	case n < 0x10000:
		return append(b, 0x82, byte(n>>8), byte(n))
	default:
		return append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
}

func appendBytes(b []byte, tag byte, v []byte) []byte {
	b = append(b, tag)
	b = appendLen(b, len(v))
	return append(b, v...)
}

func appendInt(b []byte, tag byte, v int64) []byte {
	n := 1
	for x := v; x > 127 || x < -128; x >>= 8 {
		n++
	}
	b = append(b, tag, byte(n))
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*uint(i))))
	}
	return b
}

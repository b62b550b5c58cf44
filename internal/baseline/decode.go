package baseline

import "errors"

// ErrShape reports input that is not a well-formed TextMessage.
var ErrShape = errors.New("baseline: not a text CHATMessage")

// cursor reads DER elements from a byte slice; methods advance only on
// success.
type cursor []byte

func (c *cursor) element(tag byte) (cursor, bool) {
	s := *c
	if len(s) < 2 || s[0] != tag {
		return nil, false
	}
	n, hdr := int(s[1]), 2
	if n >= 0x80 {
		k := n & 0x7f
		if k == 0 || k > 3 || len(s) < 2+k || s[2] == 0 {
			return nil, false
		}
		n = 0
		for _, x := range s[2 : 2+k] {
			n = n<<8 | int(x)
		}
		if n < 0x80 || (k > 1 && n < 1<<(8*(k-1))) {
			return nil, false
		}
		hdr += k
	}
	if n > len(s)-hdr {
		return nil, false
	}
	*c = s[hdr+n:]
	return s[hdr : hdr+n], true
}

func (c *cursor) raw() ([]byte, bool) {
	s := *c
	if _, ok := c.element(s0(s)); !ok {
		return nil, false
	}
	return s[:len(s)-len(*c)], true
}

func s0(s []byte) byte {
	if len(s) == 0 {
		return 0
	}
	return s[0]
}

func (c *cursor) bytes(tag byte) ([]byte, bool) {
	v, ok := c.element(tag)
	return v, ok
}

func (c *cursor) int(tag byte) (int64, bool) {
	v, ok := c.element(tag)
	if !ok || len(v) == 0 || len(v) > 8 {
		return 0, false
	}
	if len(v) > 1 && (v[0] == 0 && v[1]&0x80 == 0 || v[0] == 0xff && v[1]&0x80 != 0) {
		return 0, false
	}
	x := int64(int8(v[0]))
	for _, b := range v[1:] {
		x = x<<8 | int64(b)
	}
	return x, true
}

// UnmarshalDER decodes data, which must hold exactly one TextMessage. The
// byte fields alias one copy of data.
func (m *TextMessage) UnmarshalDER(data []byte) error {
	in := cursor(append([]byte(nil), data...))
	top, ok := in.element(0x30)
	if !ok || len(in) != 0 {
		return ErrShape
	}
	if m.No, ok = top.int(0x02); !ok {
		return ErrShape
	}
	hs, ok := top.element(0x30)
	if !ok {
		return ErrShape
	}
	m.Headers = m.Headers[:0]
	for len(hs) > 0 {
		h, ok := hs.bytes(0x04)
		if !ok {
			return ErrShape
		}
		m.Headers = append(m.Headers, h)
	}
	body, ok := top.element(0xa4)
	if !ok || len(top) != 0 {
		return ErrShape
	}
	if m.ID, ok = body.bytes(0x04); !ok {
		return ErrShape
	}
	feed, ok := body.element(0xa0)
	if !ok {
		return ErrShape
	}
	if m.FeedFrom, ok = feed.bytes(0x04); !ok {
		return ErrShape
	}
	if m.FeedTo, ok = feed.bytes(0x04); !ok || len(feed) != 0 {
		return ErrShape
	}
	for _, p := range []*[]byte{&m.Signature, &m.From, &m.To} {
		if *p, ok = body.bytes(0x04); !ok {
			return ErrShape
		}
	}
	if m.Created, ok = body.int(0x02); !ok {
		return ErrShape
	}
	fs, ok := body.element(0x30)
	if !ok {
		return ErrShape
	}
	m.Files = m.Files[:0]
	for len(fs) > 0 {
		fd, ok := fs.element(0x30)
		if !ok {
			return ErrShape
		}
		var f File
		if f.ID, ok = fd.bytes(0x04); !ok {
			return ErrShape
		}
		if f.Mime, ok = fd.bytes(0x04); !ok {
			return ErrShape
		}
		if f.Payload, ok = fd.raw(); !ok {
			return ErrShape
		}
		if f.ParentID, ok = fd.bytes(0x04); !ok {
			return ErrShape
		}
		if d, ok := fd.element(0x30); !ok || len(d) != 0 || len(fd) != 0 {
			return ErrShape
		}
		m.Files = append(m.Files, f)
	}
	if m.Type, ok = body.int(0x0a); !ok {
		return ErrShape
	}
	if l, ok := body.element(0x81); !ok || len(l) != 0 {
		return ErrShape
	}
	if m.Seenby, ok = body.bytes(0x04); !ok {
		return ErrShape
	}
	if m.Repliedby, ok = body.bytes(0x04); !ok {
		return ErrShape
	}
	ms, ok := body.element(0x30)
	if !ok {
		return ErrShape
	}
	m.Mentioned = m.Mentioned[:0]
	for len(ms) > 0 {
		x, ok := ms.bytes(0x04)
		if !ok {
			return ErrShape
		}
		m.Mentioned = append(m.Mentioned, x)
	}
	m.Status = statusClear
	if len(body) > 0 {
		if m.Status, ok = body.int(0x0a); !ok || m.Status == statusClear || len(body) != 0 {
			return ErrShape
		}
	}
	return nil
}

package inspect

import (
	"errors"
	"fmt"
)

// Node is one TLV of a BER/DER tree.
type Node struct {
	Offset      int // offset of the identifier octets
	HeaderLen   int
	Len         int // content length; -1 for the indefinite form
	Class       int // 0 universal, 1 application, 2 context, 3 private
	Tag         uint64
	Constructed bool
	Content     []byte // primitive contents
	Children    []*Node
	Label       string // field name and type, when a type is known
}

// maxDepth bounds recursion on hostile input.
const maxDepth = 256

// ErrMalformed reports input that is not BER.
var ErrMalformed = errors.New("inspect: malformed BER")

// ParseBER parses every TLV in data (several top-level elements are
// allowed), accepting BER's indefinite lengths so that non-DER input can be
// shown too.
func ParseBER(data []byte) ([]*Node, error) {
	var nodes []*Node
	for off := 0; off < len(data); {
		n, next, err := parseNode(data, off, len(data), 0)
		if err != nil {
			return nodes, err
		}
		nodes = append(nodes, n)
		off = next
	}
	return nodes, nil
}

func parseNode(data []byte, off, end, depth int) (*Node, int, error) {
	if depth > maxDepth {
		return nil, off, fmt.Errorf("%w: nesting deeper than %d at offset %d", ErrMalformed, maxDepth, off)
	}
	n := &Node{Offset: off}
	p := off
	if p >= end {
		return nil, off, fmt.Errorf("%w: truncated identifier at offset %d", ErrMalformed, p)
	}
	b := data[p]
	p++
	n.Class = int(b >> 6)
	n.Constructed = b&0x20 != 0
	n.Tag = uint64(b & 0x1f)
	if n.Tag == 0x1f {
		n.Tag = 0
		for {
			if p >= end {
				return nil, off, fmt.Errorf("%w: truncated tag at offset %d", ErrMalformed, p)
			}
			if n.Tag > 1<<56 {
				return nil, off, fmt.Errorf("%w: tag number too large at offset %d", ErrMalformed, p)
			}
			c := data[p]
			p++
			n.Tag = n.Tag<<7 | uint64(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
	}
	if p >= end {
		return nil, off, fmt.Errorf("%w: truncated length at offset %d", ErrMalformed, p)
	}
	l := int(data[p])
	p++
	switch {
	case l == 0x80:
		if !n.Constructed {
			return nil, off, fmt.Errorf("%w: indefinite length on a primitive at offset %d", ErrMalformed, off)
		}
		n.Len = -1
	case l > 0x80:
		k := l & 0x7f
		if k > 8 || p+k > end {
			return nil, off, fmt.Errorf("%w: bad length of %d octets at offset %d", ErrMalformed, k, p-1)
		}
		l = 0
		for _, c := range data[p : p+k] {
			l = l<<8 | int(c)
		}
		p += k
		if l < 0 || l > end-p {
			return nil, off, fmt.Errorf("%w: length %d exceeds the %d bytes left at offset %d", ErrMalformed, l, end-p, off)
		}
		n.Len = l
	default:
		if l > end-p {
			return nil, off, fmt.Errorf("%w: length %d exceeds the %d bytes left at offset %d", ErrMalformed, l, end-p, off)
		}
		n.Len = l
	}
	n.HeaderLen = p - off
	if !n.Constructed {
		n.Content = data[p : p+n.Len]
		return n, p + n.Len, nil
	}
	if n.Len >= 0 {
		stop := p + n.Len
		for p < stop {
			c, next, err := parseNode(data, p, stop, depth+1)
			if err != nil {
				return nil, off, err
			}
			n.Children = append(n.Children, c)
			p = next
		}
		return n, p, nil
	}
	for {
		if p+2 <= end && data[p] == 0 && data[p+1] == 0 {
			return n, p + 2, nil
		}
		c, next, err := parseNode(data, p, end, depth+1)
		if err != nil {
			return nil, off, err
		}
		n.Children = append(n.Children, c)
		p = next
	}
}

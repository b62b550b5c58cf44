package ca

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"unicode"
)

// maxSerialOctets is the largest serial number RFC 5280 §4.1.2.2 allows.
const maxSerialOctets = 20

// serialLimit is 2^128: issued serials are uniformly random in [1, 2^128).
var serialLimit = new(big.Int).Lsh(big.NewInt(1), 128)

// randomSerial returns a random positive serial number below 2^128.
func randomSerial() (*big.Int, error) {
	for {
		n, err := rand.Int(rand.Reader, serialLimit)
		if err != nil {
			return nil, fmt.Errorf("ca: serial: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// FormatSerial writes a serial number as the store keys it: lower-case
// hexadecimal without leading zeros.
func FormatSerial(serial *big.Int) string { return serial.Text(16) }

// ParseSerial parses a serial number written in hexadecimal as
// `openssl x509 -serial` prints it ("serial=0A1B..."), with or without the
// "serial=" and "0x" prefixes, in any case, with or without colons between
// octets. It refuses empty, zero, negative and over-long (more than 20
// octets) serials.
func ParseSerial(s string) (*big.Int, error) {
	orig := s
	s = strings.TrimRightFunc(strings.TrimLeftFunc(s, unicode.IsSpace), unicode.IsSpace)
	base := len(orig) - len(strings.TrimLeftFunc(orig, unicode.IsSpace)) // offset of s[0] in orig
	if len(s) >= 7 && strings.EqualFold(s[:7], "serial=") {
		s, base = s[7:], base+7
	}
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s, base = s[2:], base+2
	}
	if len(s) > 3*maxSerialOctets {
		return nil, fmt.Errorf("%w: %q is longer than %d octets", ErrBadSerial, orig, maxSerialOctets)
	}
	digits := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ':':
			if i == 0 || i == len(s)-1 || s[i-1] == ':' {
				return nil, fmt.Errorf("%w: %q: misplaced ':' at offset %d", ErrBadSerial, orig, base+i)
			}
		case '0' <= ch && ch <= '9', 'a' <= ch && ch <= 'f', 'A' <= ch && ch <= 'F':
			digits = append(digits, ch)
		default:
			return nil, fmt.Errorf("%w: %q: %q at offset %d is not a hexadecimal digit", ErrBadSerial, orig, ch, base+i)
		}
	}
	if len(digits) == 0 {
		return nil, fmt.Errorf("%w: %q has no digits", ErrBadSerial, orig)
	}
	n, ok := new(big.Int).SetString(string(digits), 16)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrBadSerial, orig)
	}
	if n.Sign() == 0 {
		return nil, fmt.Errorf("%w: %q is zero", ErrBadSerial, orig)
	}
	if (n.BitLen()+7)/8 > maxSerialOctets {
		return nil, fmt.Errorf("%w: %q is longer than %d octets", ErrBadSerial, orig, maxSerialOctets)
	}
	return n, nil
}

package ca

import (
	"errors"
	"math/big"
	"strings"
	"testing"
)

func TestParseSerial(t *testing.T) {
	want, _ := new(big.Int).SetString("0a1bff", 16)
	for _, s := range []string{
		"serial=0A1BFF", "SERIAL=0a1bff", "0A1BFF", "0a1bff", "a1bff", "0x0A1BFF", "0XA1BFF",
		"0a:1b:ff", "0A:1B:FF", "serial=0a:1b:ff", " serial=0A1BFF\n", "0x0a:1b:ff",
	} {
		got, err := ParseSerial(s)
		if err != nil || got.Cmp(want) != 0 {
			t.Errorf("ParseSerial(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	max := strings.Repeat("7f", 20)
	if n, err := ParseSerial(max); err != nil || n.BitLen() != 159 {
		t.Errorf("20-octet serial: %v, %v", n, err)
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "no digits"},
		{"serial=", "no digits"},
		{"0x", "no digits"},
		{"00", "zero"},
		{"0g", `'g' at offset 1`},
		{"serial=12 34", `' ' at offset 9`},
		{"-12", `'-' at offset 0`},
		{":12", "misplaced ':' at offset 0"},
		{"12:", "misplaced ':' at offset 2"},
		{"12::34", "misplaced ':' at offset 3"},
		{strings.Repeat("ff", 21), "longer than 20 octets"},
		{strings.Repeat("0", 61), "longer than 20 octets"},
	} {
		n, err := ParseSerial(tc.in)
		if !errors.Is(err, ErrBadSerial) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseSerial(%q) = %v, %v; want ErrBadSerial mentioning %q", tc.in, n, err, tc.msg)
		}
	}
}

func TestFormatSerialRoundTrip(t *testing.T) {
	for range 100 {
		n, err := randomSerial()
		if err != nil {
			t.Fatal(err)
		}
		s := FormatSerial(n)
		if s != strings.ToLower(s) || strings.HasPrefix(s, "0") {
			t.Fatalf("FormatSerial = %q, want lower case without leading zeros", s)
		}
		back, err := ParseSerial(s)
		if err != nil || back.Cmp(n) != 0 {
			t.Fatalf("ParseSerial(FormatSerial(%v)) = %v, %v", n, back, err)
		}
	}
}

func FuzzParseSerial(f *testing.F) {
	for _, s := range []string{"serial=0A1BFF", "0x0a:1b:ff", "1", "00", ":", strings.Repeat("ff", 20), "serial=", "0X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSerial(s)
		if err != nil {
			if !errors.Is(err, ErrBadSerial) {
				t.Fatalf("error %v does not wrap ErrBadSerial", err)
			}
			return
		}
		if n.Sign() <= 0 || n.BitLen() > 8*maxSerialOctets {
			t.Fatalf("ParseSerial(%q) = %v out of range", s, n)
		}
		back, err := ParseSerial(FormatSerial(n))
		if err != nil || back.Cmp(n) != 0 {
			t.Fatalf("round trip of %v: %v, %v", n, back, err)
		}
	})
}

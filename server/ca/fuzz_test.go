package ca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"testing"
)

func FuzzCheckCSR(f *testing.F) {
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	for _, k := range []crypto.Signer{p256, newKey(f), ed} {
		f.Add(makeCSR(f, k, "alice"), "")
		f.Add(makeCSR(f, k, "alice"), "alice")
	}
	f.Add(makeCSR(f, ed, "anon"), "")
	f.Add([]byte{0x30, 0x00}, "")
	f.Fuzz(func(t *testing.T, der []byte, expect string) {
		csr, err := CheckCSR(der, expect)
		if err != nil {
			if !errors.Is(err, ErrBadCSR) && !errors.Is(err, ErrNickname) && !errors.Is(err, ErrCNMismatch) && !errors.Is(err, ErrKeyType) {
				t.Fatalf("error %v wraps no CA sentinel", err)
			}
			return
		}
		if CheckNickname(csr.Subject.CommonName) != nil || checkKey(csr.PublicKey) != nil || csr.CheckSignature() != nil {
			t.Fatalf("accepted request fails a check: %+v", csr.Subject)
		}
		if expect != "" && csr.Subject.CommonName != expect {
			t.Fatalf("accepted CN %q, expected %q", csr.Subject.CommonName, expect)
		}
	})
}

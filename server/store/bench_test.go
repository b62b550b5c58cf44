package store

import (
	"fmt"
	"testing"
)

func BenchmarkSetSync(b *testing.B) {
	s := mustOpen(b, b.TempDir(), nil)
	val := make([]byte, 256)
	b.SetBytes(int64(len(val)))
	i := 0
	for b.Loop() {
		if err := s.Set(fmt.Appendf(nil, "feed/bench/%010d", i), val); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkBatchCommit10(b *testing.B) {
	s := mustOpen(b, b.TempDir(), nil)
	val := make([]byte, 256)
	i := 0
	for b.Loop() {
		bt := s.NewBatch()
		for range 10 {
			if err := bt.Set(fmt.Appendf(nil, "feed/bench/%010d", i), val); err != nil {
				b.Fatal(err)
			}
			i++
		}
		if err := bt.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNextSeq(b *testing.B) {
	s := mustOpen(b, b.TempDir(), nil)
	for b.Loop() {
		if _, err := s.NextSeq([]byte("bench")); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScan1000(b *testing.B) {
	s := mustOpen(b, b.TempDir(), nil)
	bt := s.NewBatch()
	val := make([]byte, 256)
	for i := range 1000 {
		_ = bt.Set(fmt.Appendf(nil, "feed/scan/%06d", i), val)
	}
	_ = bt.Set([]byte("feed/scao"), val) // just past the prefix
	if err := bt.Commit(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		if err := s.Scan([]byte("feed/scan/"), func(k, v []byte) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != 1000 {
			b.Fatalf("scanned %d keys", n)
		}
	}
}

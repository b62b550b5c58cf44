package der

import (
	"errors"
	"runtime"
	"testing"
)

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestLength2GiBAllocatesNothing(t *testing.T) {
	in := unhex("04 84 80 00 00 00 00 01 02 03 04 05 06 07 08 09")
	read := func() {
		d := NewDecoder(in, Limits{})
		if _, err := d.OctetString(TagOctetString); !errors.Is(err, ErrTruncated) {
			t.Fatalf("OctetString: %v", err)
		}
		d = NewDecoder(in, Limits{})
		if _, err := d.Any(); !errors.Is(err, ErrTruncated) {
			t.Fatalf("Any: %v", err)
		}
	}
	if n := allocated(read); n >= 1<<20 {
		t.Errorf("allocated %d bytes", n)
	}
	// Only the two error values are allocated.
	if a := testing.AllocsPerRun(100, read); a > 2 {
		t.Errorf("%v allocations per run", a)
	}
}

func TestDeepNestingBounded(t *testing.T) {
	in := nested(10000)
	var walkErr, anyErr error
	n := allocated(func() {
		d := NewDecoder(in, Limits{})
		walkErr = walk(&d)
		d = NewDecoder(in, Limits{})
		_, anyErr = d.Any()
	})
	if !errors.Is(walkErr, ErrDepth) || !errors.Is(anyErr, ErrDepth) {
		t.Fatalf("walk: %v, Any: %v", walkErr, anyErr)
	}
	if n >= 1<<20 {
		t.Errorf("allocated %d bytes", n)
	}
	var de *DecodeError
	if errors.As(walkErr, &de); de.Offset > 4*DefaultMaxDepth {
		t.Errorf("depth error at offset %d, beyond level %d", de.Offset, DefaultMaxDepth)
	}
}

func TestEncodersDoNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 1<<16)
	long := make([]byte, 300)
	a := testing.AllocsPerRun(100, func() {
		b := buf[:0]
		b = AppendTag(b, ClassContext|1000)
		b = AppendLength(b, 1<<20)
		b = AppendInteger(b, TagInteger, -1<<63)
		b = AppendBoolean(b, TagBoolean, true)
		b = AppendNull(b, TagNull)
		b = AppendOctetString(b, TagOctetString, long)
		b = AppendString(b, TagUTF8String, "héllo")
		b = AppendUniversalString(b, TagUniversalString, "héllo\U0001F600")
		b = AppendBitString(b, TagBitString, BitString{Bytes: []byte{0xff}, Length: 5})
		b = AppendOID(b, TagOID, OID{1, 2, 840, 113549})
		b, s := Begin(b, TagSequence)
		b = append(b, long...)
		b = End(b, s)
		buf = b
	})
	if a != 0 {
		t.Errorf("%v allocations per run", a)
	}
}

func TestDecoderDoesNotAllocate(t *testing.T) {
	b, s := Begin(nil, TagSequence)
	b = AppendInteger(b, TagInteger, 1<<40)
	b = AppendBoolean(b, TagBoolean, true)
	b = AppendNull(b, TagNull)
	b = AppendOctetString(b, TagOctetString, make([]byte, 300))
	b = AppendBitString(b, TagBitString, BitString{Bytes: []byte{0x80}, Length: 1})
	b = AppendString(b, ClassContext|1, "opaque")
	b = End(b, s)
	a := testing.AllocsPerRun(100, func() {
		d := NewDecoder(b, Limits{})
		in, err := d.Enter(TagSequence)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := in.Integer(TagInteger); err != nil {
			t.Fatal(err)
		}
		if _, err := in.Boolean(TagBoolean); err != nil {
			t.Fatal(err)
		}
		if err := in.Null(TagNull); err != nil {
			t.Fatal(err)
		}
		if _, err := in.OctetString(TagOctetString); err != nil {
			t.Fatal(err)
		}
		if _, err := in.BitString(TagBitString); err != nil {
			t.Fatal(err)
		}
		if _, err := in.Any(); err != nil {
			t.Fatal(err)
		}
		if err := in.Finish(); err != nil {
			t.Fatal(err)
		}
		if err := d.Finish(); err != nil {
			t.Fatal(err)
		}
	})
	if a != 0 {
		t.Errorf("%v allocations per run", a)
	}
}

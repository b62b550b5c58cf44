package etf

import (
	"errors"
	"runtime"
	"testing"
)

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHugeCountsAllocateNothing(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		read readFunc
	}{
		{"list header 2^32 with no data", "83 6c ff ff ff ff", readList},
		{"list of 2^32 as string", "83 6c ff ff ff ff 61 01", readChars},
		{"list of 2^32 as universal string", "83 6c ff ff ff ff 61 01", readUni},
		{"tuple 2^32", "83 69 ff ff ff ff 61 01", readOID},
		{"binary 2 GiB", "83 6d 80 00 00 00 01 02 03 04 05 06 07 08 09 0a", readBinary},
		{"compressed 2 GiB", "83 50 80 00 00 00 78 9c 03 00 00 00 00 01", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := unhex(c.in)
			var err error
			n := allocated(func() {
				d, e := NewDecoder(in, Limits{MaxSize: 1 << 40})
				if err = e; err == nil && c.read != nil {
					err = c.read(&d)
				}
			})
			if err == nil {
				t.Fatal("accepted")
			}
			if n >= 1<<20 {
				t.Errorf("allocated %d bytes (%v)", n, err)
			}
		})
	}
}

func TestDeepNestingBounded(t *testing.T) {
	for _, in := range [][]byte{nestedLists(10000), nestedTuples(10000)} {
		var err error
		n := allocated(func() {
			d, _ := NewDecoder(in, Limits{})
			_, _, err = canonical(&d, in)
		})
		if !errors.Is(err, ErrDepth) {
			t.Fatalf("err = %v", err)
		}
		if n >= 1<<20 {
			t.Errorf("allocated %d bytes", n)
		}
	}
}

func TestEncodersDoNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 1<<16)
	long := make([]byte, 300)
	a := testing.AllocsPerRun(100, func() {
		b := AppendVersion(buf[:0])
		b = AppendTupleHeader(b, 300)
		b = AppendAtom(b, "Contact")
		b = AppendBool(b, true)
		b = AppendNull(b)
		b = AppendInteger(b, -1<<63)
		b = AppendInteger(b, 70000)
		b = AppendBinary(b, long)
		b = AppendCharList(b, "abc")
		b = AppendUniversalString(b, "a€")
		b = AppendIntList(b, []int64{1, 300})
		b = AppendListHeader(b, 1)
		b = AppendNil(AppendNil(b))
		buf = b
	})
	if a != 0 {
		t.Errorf("%v allocations per run", a)
	}
}

func TestDecoderDoesNotAllocate(t *testing.T) {
	b := AppendVersion(nil)
	b = AppendTupleHeader(b, 6)
	b = AppendAtom(b, "Contact")
	b = AppendInteger(b, 1<<40)
	b = AppendBinary(b, make([]byte, 100))
	b = AppendBool(b, true)
	b = AppendIntList(b, []int64{1, 2, 3})
	b = AppendListHeader(b, 1)
	b = AppendNil(AppendAtom(b, "x"))
	a := testing.AllocsPerRun(100, func() {
		d, err := NewDecoder(b, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Record("Contact", 5); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Integer(); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Binary(); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Bool(); err != nil {
			t.Fatal(err)
		}
		n, _ := d.ListStart()
		for range n {
			if _, err := d.Integer(); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.ListEnd(); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ListStart(); err != nil {
			t.Fatal(err)
		}
		if !d.IsAtom("x") {
			t.Fatal("IsAtom")
		}
		if err := d.ListEnd(); err != nil {
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

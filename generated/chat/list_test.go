package chat_test

import (
	"bytes"
	"reflect"
	"runtime"
	"testing"

	"github.com/chatim/chat/generated/chat"
)

// listFile is a FileDesc whose data list holds n features.
func listFile(n int) *chat.FileDesc {
	f := &chat.FileDesc{Id: []byte("f"), Mime: []byte("text/plain"), Payload: []byte{0x04, 0x00}, Parentid: []byte{}}
	for i := 0; i < n; i++ {
		f.Data = append(f.Data, chat.Feature{Id: []byte{'a' + byte(i)}, Key: []byte("k"), Value: []byte("v"), Group: []byte("g")})
	}
	return f
}

// TestListErrorOrder checks which error a SEQUENCE OF reports when one
// element does not decode and a later element's header is malformed: the
// header, as a pass counting the elements before decoding them finds it.
func TestListErrorOrder(t *testing.T) {
	d := listFile(3).AppendDER(nil)
	feat := []byte{0x30, 0x0c, 0x04, 0x01}
	first := bytes.Index(d, feat)
	last := bytes.LastIndex(d, feat)
	if first < 0 || last <= first {
		t.Fatalf("no features in % x", d)
	}
	badKey := bytes.Clone(d)
	badKey[first+5] = 0x05 // features[0].key: NULL where OCTET STRING is expected
	badBoth := bytes.Clone(badKey)
	badBoth[last] = 0x3f // features[2]: high-tag-number form for tag 12
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"element", badKey, "der: FileDesc.data[0].key at offset 28: unexpected tag: want UNIVERSAL 4, got UNIVERSAL 5"},
		{"element and later header", badBoth, "der: FileDesc.data[2] at offset 51: non-minimal high tag: tag 12 in long form"},
	} {
		for _, into := range []*chat.FileDesc{{}, listFile(1), listFile(5)} {
			if err := into.UnmarshalDER(c.in); err == nil || err.Error() != c.want {
				t.Errorf("%s, into %d features: %v, want %s", c.name, len(into.Data), err, c.want)
			}
		}
	}
}

// TestListCapacity checks that a SEQUENCE OF decodes into the capacity
// the value has, and otherwise allocates one array of exactly the right
// length.
func TestListCapacity(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7} {
		want := listFile(n)
		d := want.AppendDER(nil)
		for _, had := range []int{0, 1, 2, 7, 9} {
			into := listFile(had)
			room := cap(into.Data)
			allocs := mallocs(func() {
				if err := into.UnmarshalDER(d); err != nil {
					t.Fatal(err)
				}
			})
			if n == 0 {
				want.Data = nil
			}
			if !reflect.DeepEqual(into, want) {
				t.Fatalf("%d into %d: got %#v", n, had, into)
			}
			wantAllocs, wantCap := uint64(1), room
			if n > room {
				wantAllocs, wantCap = 2, n
			}
			if n > 0 && cap(into.Data) != wantCap || allocs != wantAllocs {
				t.Errorf("%d into %d (capacity %d): capacity %d, %v allocations; want %d, %v", n, had, room, cap(into.Data), allocs, wantCap, wantAllocs)
			}
		}
	}
}

// mallocs returns the number of heap allocations f makes, run once.
func mallocs(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs
}

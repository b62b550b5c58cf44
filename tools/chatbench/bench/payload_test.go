package bench

import (
	"errors"
	"testing"
	"time"
)

func TestPayloadRoundTrip(t *testing.T) {
	h := header{pub: 7, seq: 1<<40 + 3, sent: int64(3 * time.Second)}
	p := appendPayload(nil, h, 256)
	if len(p) != 256 {
		t.Fatalf("payload is %d bytes, want 256", len(p))
	}
	got, err := parsePayload(p)
	if err != nil || got != h {
		t.Fatalf("parsePayload = %+v, %v; want %+v", got, err, h)
	}
	for _, bad := range [][]byte{nil, p[:PayloadHeaderSize-1], append(p[:12:12], 0xff, 0, 0, 0, 0, 0, 0, 0)} {
		if _, err := parsePayload(bad); !errors.Is(err, ErrPayload) {
			t.Errorf("parsePayload(% x): %v, want ErrPayload", bad, err)
		}
	}
}

func FuzzParsePayload(f *testing.F) {
	f.Add(appendPayload(nil, header{pub: 1, seq: 0, sent: 1}, PayloadHeaderSize))
	f.Add(appendPayload(nil, header{pub: 1 << 31, seq: 1 << 63, sent: 1 << 62}, 64))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, p []byte) {
		h, err := parsePayload(p)
		if err != nil {
			return
		}
		again, err := parsePayload(appendPayload(nil, h, len(p)))
		if err != nil || again != h {
			t.Fatalf("re-encoded %+v parsed as %+v, %v", h, again, err)
		}
	})
}

func TestSubscriberCounts(t *testing.T) {
	s := newSubscriber(2, 3)
	msg := func(pub uint32, seq uint64) []byte {
		return appendPayload(nil, header{pub: pub, seq: seq, sent: 10}, 32)
	}
	for _, tc := range []struct {
		p   []byte
		new bool
	}{
		{msg(2, 0), true}, {msg(2, 0), false}, {msg(2, 2), true}, {msg(2, 3), false},
		{msg(1, 1), false}, {[]byte("short"), false}, {msg(2, 1), true},
	} {
		if got := s.receive(tc.p, 25); got != tc.new {
			t.Errorf("receive(% x) = %v, want %v", tc.p[:min(len(tc.p), 12)], got, tc.new)
		}
	}
	if s.unique != 3 || s.dups != 1 || s.stray != 3 || len(s.lat) != 3 || s.lat[0] != 15 {
		t.Errorf("unique %d dups %d stray %d latencies %v", s.unique, s.dups, s.stray, s.lat)
	}
}

func TestShare(t *testing.T) {
	total := 0
	for i := range 7 {
		total += share(100, 7, i)
	}
	if total != 100 || share(100, 7, 0) != 15 || share(100, 7, 6) != 14 {
		t.Errorf("shares of 100 over 7 add to %d", total)
	}
}

func TestSummarise(t *testing.T) {
	ns := make([]int64, 1000)
	for i := range ns {
		ns[i] = int64(1000-i) * 1000 // 1..1000 µs, reversed
	}
	l := summarise(ns)
	if l.P50 != 500 || l.P99 != 990 || l.P999 != 999 || l.Max != 1000 {
		t.Errorf("summarise = %+v", l)
	}
	if (summarise(nil) != Latency{}) {
		t.Error("summarise(nil) not zero")
	}
}

func TestParseProcStat(t *testing.T) {
	stat := []byte("4242 (my (odd) broker) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 9 0 100 0 0\n")
	d, err := parseProcStat(stat)
	if err != nil || d != 3*time.Second {
		t.Fatalf("parseProcStat = %v, %v; want 3s", d, err)
	}
	for _, bad := range []string{"", "1 (x) S 1 2", "1 (x) S 1 2 3 4 5 6 7 8 9 10 -5 6 7", "1 (x) S 1 2 3 4 5 6 7 8 9 10 x 6 7"} {
		if _, err := parseProcStat([]byte(bad)); err == nil {
			t.Errorf("parseProcStat(%q) succeeded", bad)
		}
	}
	if serverCPU(0) != -1 || serverCPU(1<<30) != -1 {
		t.Error("serverCPU of no process is not -1")
	}
}

func FuzzParseProcStat(f *testing.F) {
	f.Add([]byte("4242 (mosquitto) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 9 0 100 0 0\n"))
	f.Add([]byte("1 ()) R"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := parseProcStat(b); err == nil && d < 0 {
			t.Fatalf("negative CPU time %v", d)
		}
	})
}

func FuzzCheckLoopback(f *testing.F) {
	for _, s := range []string{"tcp://127.0.0.1:1883", "quic://[::1]:1", "ws://localhost/mqtt", "tcp://10.0.0.1:1883", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = CheckLoopback(s) // must not panic
	})
}

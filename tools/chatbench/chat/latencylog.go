package chat

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
)

// writeLatencyLog writes Config.LatencyLog: one line per live receipt,
// the send time in Unix nanoseconds and the latency in nanoseconds, in
// order of sending.
func (r *run) writeLatencyLog(name string) error {
	var rows [][2]int64
	for _, u := range r.users {
		u.mu.Lock()
		for i, sent := range u.sends {
			rows = append(rows, [2]int64{sent, u.lat[i]})
		}
		u.mu.Unlock()
	}
	slices.SortFunc(rows, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("chat: latency log: %w", err)
	}
	w := bufio.NewWriter(f)
	start := r.start.UnixNano()
	var line []byte
	for _, row := range rows {
		line = strconv.AppendInt(line[:0], start+row[0], 10)
		line = append(line, ' ')
		line = strconv.AppendInt(line, row[1], 10)
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			break
		}
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("chat: latency log: %w", err)
	}
	return nil
}

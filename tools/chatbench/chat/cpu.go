package chat

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// CPU is processor time used by this process.
type CPU struct {
	UserSeconds   float64 `json:"user_s"`
	SystemSeconds float64 `json:"sys_s"`
}

func (c CPU) sub(d CPU) CPU {
	return CPU{UserSeconds: c.UserSeconds - d.UserSeconds, SystemSeconds: c.SystemSeconds - d.SystemSeconds}
}

func processCPU() CPU {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return CPU{}
	}
	sec := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return CPU{UserSeconds: sec(ru.Utime), SystemSeconds: sec(ru.Stime)}
}

// serverCPU returns the user+system time of process pid from
// /proc/PID/stat, or -1 if pid is zero or unreadable.
func serverCPU(pid int) time.Duration {
	if pid <= 0 {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 13 { // f[11], f[12]: utime and stime (fields 14 and 15)
		return -1
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil || n < 0 || n > 1<<40 {
			return -1
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ
}

package bench

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

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on Linux.
const clockTicks = 100

// serverCPU returns the user+system time of process pid, or -1 if pid is
// zero or its /proc entry cannot be read.
func serverCPU(pid int) time.Duration {
	if pid <= 0 {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	d, err := parseProcStat(b)
	if err != nil {
		return -1
	}
	return d
}

// parseProcStat returns utime+stime from the contents of /proc/PID/stat.
// The command name, in parentheses, may itself contain spaces and ')'.
func parseProcStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("bench: /proc stat: no command name")
	}
	f := bytes.Fields(b[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("bench: /proc stat: %d fields after the name", len(f))
	}
	var total int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil || n < 0 || n > 1<<40 {
			return 0, fmt.Errorf("bench: /proc stat: bad time %q", s)
		}
		total += n
	}
	return time.Duration(total) * time.Second / clockTicks, nil
}

package main

import (
	"fmt"
	"io"
	"strings"
)

// progress draws a one-line progress bar, redrawn in place with '\r'.
type progress struct {
	w     io.Writer
	name  string
	total int64
	on    bool
	last  int // last percentage drawn
}

func newProgress(w io.Writer, name string, total int64, on bool) *progress {
	p := &progress{w: w, name: name, total: total, on: on, last: -1}
	p.set(0)
	return p
}

const barWidth = 30

func (p *progress) set(n int64) {
	if !p.on || p.total <= 0 {
		return
	}
	pct := int(n * 100 / p.total)
	if pct == p.last {
		return
	}
	p.last = pct
	fill := pct * barWidth / 100
	fmt.Fprintf(p.w, "\r%s [%s%s] %3d%% %s/%s", p.name, strings.Repeat("=", fill), strings.Repeat(" ", barWidth-fill),
		pct, humanBytes(n), humanBytes(p.total))
}

func (p *progress) done() {
	if p.on {
		p.set(p.total)
		fmt.Fprintln(p.w)
	}
}

func (p *progress) fail() {
	if p.on {
		fmt.Fprintln(p.w, " failed")
	}
}

// humanBytes renders a size as 512 B, 1.5 KiB, 3.2 MiB.
func humanBytes(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

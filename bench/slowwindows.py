#!/usr/bin/env python3
"""slowwindows.py LATENCY_LOG [SERVER_LOG] [--over MS] [--window MS]

When were a paced run's slow messages sent, and what was the store doing?
LATENCY_LOG is chatbench --mode chat --latency-log output (send time in
Unix ns, latency in ns, one line per live receipt). SERVER_LOG is the
stderr of `benchd --debug` during the run (slog text lines): its Pebble
flushes and compactions within the run are listed on the same clock.

Prints the run's p99, the messages slower than --over (default 20 ms),
grouped into windows of --window (default 250 ms) by send time, and the
store's flushes and compactions where they began, all as seconds from
the first send."""
import re
import sys
from datetime import datetime


def args(argv):
    opts = {"over": 20.0, "window": 250.0}
    files = []
    it = iter(argv)
    for a in it:
        if a in ("--over", "--window"):
            opts[a[2:]] = float(next(it))
        else:
            files.append(a)
    if not 1 <= len(files) <= 2:
        sys.exit(__doc__)
    return files, opts


def events(path, t0, t1):
    """Pebble's flushes and compactions that began in [t0, t1] (ns), from a
    slog text log."""
    pat = re.compile(r'^time=(\S+) level=\S+ msg="((?:[^"\\]|\\.)*)".*component=pebble')
    keep = re.compile(r"\] (flushed|compacted)\(?")
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            m = pat.match(line)
            if not m or not keep.search(m.group(2)):
                continue
            t = int(datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp() * 1e9)
            # Pebble logs a job when it ends, with its duration: place it
            # where it began.
            d = re.search(r", in ([0-9.]+)s \(", m.group(2))
            if d:
                t -= int(float(d.group(1)) * 1e9)
            if t0 <= t <= t1:
                out.append((t, m.group(2)))
    return out


def main():
    files, opts = args(sys.argv[1:])
    rows = []
    with open(files[0]) as f:
        for line in f:
            sent, lat = line.split()
            rows.append((int(sent), int(lat)))
    if not rows:
        sys.exit("no receipts in " + files[0])
    t0, t1 = rows[0][0], max(s + l for s, l in rows)
    lats = sorted(l for _, l in rows)
    p99 = lats[max(0, -(-99 * len(lats) // 100) - 1)]
    over, win = opts["over"] * 1e6, opts["window"] * 1e6
    slow = [(s, l) for s, l in rows if l > over]
    print(f"{len(rows)} receipts, p99 {p99 / 1e6:.1f} ms, {len(slow)} over {opts['over']:g} ms")
    windows = {}
    for s, l in slow:
        windows.setdefault(int((s - t0) // win), []).append(l)
    lines = [((k * win) / 1e9, f"{len(v):6d} slow, max {max(v) / 1e6:5.0f} ms") for k, v in windows.items()]
    if len(files) == 2:
        lines += [((t - t0) / 1e9, "store: " + e) for t, e in events(files[1], t0, t1)]
    for t, text in sorted(lines):
        print(f"{t:7.2f} s  {text}")


if __name__ == "__main__":
    main()

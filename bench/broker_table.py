#!/usr/bin/env python3
"""broker_table.py DIR — the tables of bench/broker.sh from DIR/load.jsonl
and DIR/idle.jsonl: medians over repeats, chatd/mosquitto ratios per
transport, and the targets of BENCHMARKS.md marked met or not."""
import json
import os
import statistics
import sys


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=0):
    return "–" if x is None else f"{x:,.{nd}f}"


def ratio(a, b):
    return None if a is None or not b else a / b


def main(d):
    load = [r for r in lines(os.path.join(d, "load.jsonl")) if "error" not in r]
    errs = [r for r in lines(os.path.join(d, "load.jsonl")) if "error" in r]
    idle = lines(os.path.join(d, "idle.jsonl"))
    out = []
    if load:
        groups = {}
        for r in load:
            groups.setdefault((r["pattern"], r["mode"], r["transport"], r["broker"]), []).append(r)
        m = {k: {f: med([r[f] for r in v]) for f in ("msgs_per_s", "p50_us", "p99_us", "cpu_us_per_msg", "load")}
             | {"n": len(v), "lost": sum(r["lost"] for r in v), "dup": sum(r["duplicated"] for r in v)}
             for k, v in groups.items()}
        out.append("| pattern | mode | transport | broker | msgs/s | p50 µs | p99 µs | CPU µs/msg | lost | dup | runs | load (median) |")
        out.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for k in sorted(m):
            v = m[k]
            out.append(f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | {fmt(v['msgs_per_s'])} | {fmt(v['p50_us'])} | {fmt(v['p99_us'])} | "
                       f"{fmt(v['cpu_us_per_msg'], 1)} | {v['lost']} | {v['dup']} | {v['n']} | {fmt(v['load'], 2)} |")
        out.append("")
        out.append("Ratios chatd / mosquitto (medians, same run); targets: peak throughput ≥ 1.0, "
                   "CPU/msg at 2,000/s ≤ 1.3, p99 at 2,000/s ≤ 1.5.")
        out.append("")
        out.append("| pattern | transport | peak msgs/s | CPU/msg paced | p99 paced | CPU/msg peak |")
        out.append("|---|---|---:|---:|---:|---:|")
        for pattern in ("one-to-one", "fan-out"):
            for tr in ("tcp", "tls"):
                def g(mode, f, b):
                    return m.get((pattern, mode, tr, b), {}).get(f)
                rp = ratio(g("peak", "msgs_per_s", "chatd"), g("peak", "msgs_per_s", "mosquitto"))
                rc = ratio(g("paced", "cpu_us_per_msg", "chatd"), g("paced", "cpu_us_per_msg", "mosquitto"))
                rl = ratio(g("paced", "p99_us", "chatd"), g("paced", "p99_us", "mosquitto"))
                rk = ratio(g("peak", "cpu_us_per_msg", "chatd"), g("peak", "cpu_us_per_msg", "mosquitto"))
                mark = lambda x, ok: "–" if x is None else f"{x:.2f} {'✓' if ok(x) else '✗'}"
                out.append(f"| {pattern} | {tr} | {mark(rp, lambda x: x >= 1.0)} | {mark(rc, lambda x: x <= 1.3)} | "
                           f"{mark(rl, lambda x: x <= 1.5)} | {fmt(rk, 2)} |")
        out.append("")
        for pattern in ("one-to-one", "fan-out"):
            q = m.get((pattern, "peak", "quic", "chatd"), {}).get("msgs_per_s")
            t = m.get((pattern, "peak", "tls", "chatd"), {}).get("msgs_per_s")
            r = ratio(q, t)
            out.append(f"QUIC / TLS peak, chatd, {pattern}: {fmt(r, 2)} (target ≥ 0.8{', met' if r and r >= 0.8 else ', not met' if r else ''})")
        lost = sum(r["lost"] for r in load)
        dup = sum(r["duplicated"] for r in load)
        out.append(f"Lost {lost}, duplicated {dup} over {len(load)} runs; {len(errs)} runs failed to set up.")
        loads = [r["load"] for r in load]
        out.append(f"1-minute load average at run start: min {min(loads):.2f}, median {statistics.median(loads):.2f}, max {max(loads):.2f}.")
        out.append("")
    if idle:
        groups = {}
        for r in idle:
            groups.setdefault((r["transport"], r["broker"]), []).append(r)
        out.append("| transport | broker | connections | KiB per idle connection (median) | runs | RSS before → after KiB (median run) |")
        out.append("|---|---|---:|---:|---:|---|")
        for k in sorted(groups):
            v = sorted(groups[k], key=lambda r: r["kib_per_conn"])
            mid = v[len(v) // 2]
            out.append(f"| {k[0]} | {k[1]} | {mid['n']} | {fmt(med([r['kib_per_conn'] for r in v]), 1)} | {len(v)} | "
                       f"{mid['rss_before_kib']:,} → {mid['rss_after_kib']:,} |")
        t = med([r["kib_per_conn"] for r in groups.get(("tls", "chatd"), [])])
        if t is not None:
            out.append("")
            out.append(f"chatd TLS: {t:.1f} KiB per idle connection (target ≤ 25 KiB: {'met' if t <= 25 else 'not met'}).")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])

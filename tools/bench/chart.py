#!/usr/bin/env python3
"""Draws the three engines side by side as one SVG, from a make-bench run and (optionally) a make-bench-scale run.

Usage: chart.py BENCH.jsonl [SCALE.jsonl or ""] OUT.svg

Panels: rate (round trips/s) per scenario; server CPU per round trip (us, log scale) per scenario; and, with a
scale run, RSS per idle connection (KiB) and OS threads with 10 000 idle connections. Every bar is the median
over the bench's rounds (a run with failures counts as rate 0, as summarize.py does). No packages beyond
Python's own; the SVG says which files it was drawn from.
"""
import json
import math
import os
import statistics
import sys
from xml.sax.saxutils import escape

ORDER = ("loop", "threads", "virtual", "netty", "cref")
COLOURS = {"loop": "#1b9e77", "threads": "#d95f02", "virtual": "#7570b3", "netty": "#a6a6a6", "cref": "#595959"}
SCENARIOS = ("S1", "S2", "S3", "S4", "S5", "S6", "S4L", "S5L", "S6L")
WIDTH, PANEL_H, TOP, LEFT = 980, 230, 70, 70


def rows_of(path):
    if not path:
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def medians(rows):
    out = {}
    for r in rows:
        out.setdefault((r["scenario"], r["server"]), []).append(r)
    med = {}
    for key, rs in out.items():
        rates = [r["rt_per_s"] if r["failures"] == 0 else 0.0 for r in rs]
        cpus = [r["server_cpu_us_per_rt"] for r in rs if r.get("server_cpu_us_per_rt")]
        med[key] = (statistics.median(rates), statistics.median(cpus) if cpus else None)
    return med


def text(x, y, s, size=12, anchor="start", weight="normal", fill="#222"):
    return '<text x="%.1f" y="%.1f" font-size="%d" text-anchor="%s" font-weight="%s" fill="%s">%s</text>' % (
        x, y, size, anchor, weight, fill, escape(s))


def bars(top, title, groups, servers, value, fmt, log=False):
    """One panel: for each group (label, {server: number}), a bar per server."""
    parts = [text(LEFT, top - 8, title, 13, weight="bold")]
    values = [v for _, vs in groups for v in vs.values() if v]
    if not values:
        return parts + [text(LEFT, top + 20, "(no data)")]
    hi = max(values)
    lo = min(values)
    if log:
        lo_e, hi_e = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
        hi_e = max(hi_e, lo_e + 1)
        scale = lambda v: (math.log10(v) - lo_e) / (hi_e - lo_e) if v else 0
        ticks = [10 ** e for e in range(lo_e, hi_e + 1)]
    else:
        step = 10 ** math.floor(math.log10(hi))
        top_v = math.ceil(hi / step) * step
        scale = lambda v: v / top_v if v else 0
        ticks = [top_v * i / 4 for i in range(5)]
    plot_w, plot_h = WIDTH - LEFT - 20, PANEL_H - 50
    base = top + plot_h
    for t in ticks:
        y = base - scale(t) * plot_h
        parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e3e3e3"/>' % (LEFT, LEFT + plot_w, y, y))
        parts.append(text(LEFT - 6, y + 4, fmt(t), 10, "end", fill="#666"))
    gw = plot_w / len(groups)
    bw = min(22, (gw - 10) / max(1, len(servers)))
    for gi, (label, vs) in enumerate(groups):
        x0 = LEFT + gi * gw + (gw - bw * len(servers)) / 2
        for si, srv in enumerate(servers):
            v = vs.get(srv)
            if v is None:
                continue
            h = max(0.0, scale(v)) * plot_h
            parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>'
                         % (x0 + si * bw, base - h, bw - 2, h, COLOURS[srv], label, srv, fmt(v)))
        parts.append(text(LEFT + gi * gw + gw / 2, base + 16, label, 11, "middle"))
    parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#444"/>' % (LEFT, LEFT + plot_w, base, base))
    return parts


def number(v):
    if v >= 1000:
        return "{:,.0f}k".format(v / 1000) if v >= 10000 else "{:,.1f}k".format(v / 1000)
    return "{:g}".format(round(v, 1))


def main(bench_path, scale_path, out):
    med = medians(rows_of(bench_path))
    servers = [s for s in ORDER if any(k[1] == s for k in med)]
    scens = [s for s in SCENARIOS if any(k[0] == s for k in med)]
    rate_groups = [(s, {v: med[s, v][0] for v in servers if (s, v) in med}) for s in scens]
    cpu_groups = [(s, {v: med[s, v][1] for v in servers if (s, v) in med}) for s in scens]
    scale = rows_of(scale_path)
    panels = 3 if scale else 2
    height = TOP + panels * (PANEL_H + 30) + 30
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
             'font-family="DejaVu Sans, Arial, sans-serif">' % (WIDTH, height, WIDTH, height),
             '<rect width="100%" height="100%" fill="white"/>',
             text(LEFT, 24, "trustctl echo-server: three engines side by side (loop, threads, virtual; Netty and C for scale)", 15, weight="bold"),
             text(LEFT, 42, "drawn by tools/bench/chart.py from %s%s" % (
                 os.path.basename(bench_path), " and " + os.path.basename(scale_path) if scale else ""), 11, fill="#666")]
    x = LEFT
    for srv in servers:
        parts.append('<rect x="%d" y="50" width="12" height="12" fill="%s"/>' % (x, COLOURS[srv]))
        parts.append(text(x + 16, 60, srv, 12))
        x += 90
    top = TOP + 20
    parts += bars(top, "Rate, round trips/s (median of rounds; higher is better)", rate_groups, servers, None, number)
    top += PANEL_H + 30
    parts += bars(top, "Server CPU per round trip, us (log scale; lower is better)", cpu_groups, servers, None,
                  number, log=True)
    if scale:
        top += PANEL_H + 30
        by = {r["server"]: r for r in scale}
        ss = [s for s in ORDER if s in by]
        kib = {s: max(filter(None, [by[s].get("cold", {}).get("kib_per_idle_conn"),
                                    by[s].get("warm", {}).get("kib_per_idle_conn")]), default=None) for s in ss}
        threads = {s: by[s].get("warm", {}).get("threads_idle") for s in ss}
        groups = [("KiB RSS per idle connection (worse of cold, warm)", kib),
                  ("OS threads holding 10 000 idle connections", threads)]
        parts += bars(top, "At 10 000 idle connections (make bench-scale; log scale)", groups, ss, None, number,
                      log=True)
    parts.append("</svg>")
    with open(out + ".new", "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")
    os.replace(out + ".new", out)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))

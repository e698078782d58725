#!/usr/bin/env python3
"""The three engines in one table, from the newest results of make bench, bench-scale, bench-startup,
bench-hostile and bench-pinning in bench-results/; written into tools/bench/RESULTS.md between the markers
<!-- three-engines:begin --> and <!-- three-engines:end --> (with --print: to stdout only).

Usage: engines-table.py [--print] [RESULTS_DIR]
"""
import glob
import json
import os
import re
import statistics
import sys

ENGINES = ("loop", "threads", "virtual")
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")
BEGIN, END = "<!-- three-engines:begin -->", "<!-- three-engines:end -->"
LOADS = ("S1", "S2", "S3", "S4", "S5", "S6", "S4L", "S5L", "S6L")


def newest(folder, pattern):
    files = sorted(f for f in glob.glob(os.path.join(folder, pattern)) if os.path.getsize(f) > 0)
    return files[-1] if files else None


def jsonl(path):
    if not path:
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def bench_cells(rows):
    cells = {}
    for scen in LOADS:
        for eng in ENGINES:
            rs = [r for r in rows if r["scenario"] == scen and r["server"] == eng]
            if not rs:
                continue
            rate = statistics.median(r["rt_per_s"] if r["failures"] == 0 else 0.0 for r in rs)
            cpus = [r["server_cpu_us_per_rt"] for r in rs if r.get("server_cpu_us_per_rt") is not None]
            cpu = statistics.median(cpus) if cpus else None
            fails = sum(r["failures"] for r in rs)
            cells[scen, eng] = "{:,.0f} rt/s, {} us/rt{}".format(
                rate, "-" if cpu is None else "{:.1f}".format(cpu), " (%d failed)" % fails if fails else "")
    return cells


def main(args):
    only_print = "--print" in args
    args = [a for a in args if a != "--print"]
    folder = args[0] if args else "bench-results"
    bench, scale = newest(folder, "bench-*.jsonl"), newest(folder, "scale-*.jsonl")
    hostile, startup, pinning = (newest(folder, "hostile-*.jsonl"), newest(folder, "startup-*.md"),
                                 newest(folder, "pinning-*.md"))
    b = bench_cells(jsonl(bench))
    sc = {r["server"]: r for r in jsonl(scale)}
    ho = {r["server"]: r for r in jsonl(hostile)}
    st = {}
    if startup:
        for line in open(startup, encoding="utf-8"):
            m = re.match(r"\| --io (\w+) \| ([0-9.]+) \|", line)
            if m:
                st[m.group(1)] = m.group(2)
    pin = None
    if pinning:
        m = re.search(r"jdk\.VirtualThreadPinned: (\d+)\*\*: (\w+)", open(pinning, encoding="utf-8").read())
        start = re.search(r"jdk\.VirtualThreadStart: (\d+)", open(pinning, encoding="utf-8").read())
        pin = m and "%s pinned events, %s virtual threads seen (%s)" % (m.group(1), start.group(1) if start else "?",
                                                                         m.group(2))
    rows = []
    names = {"S1": "S1: 100 sequential clients x 10", "S2": "S2: 1 client x 20 000 (latency)",
             "S3": "S3: 1 client x 2 000 x 64 KiB", "S4": "S4: 1 000 clients, 100 at once",
             "S5": "S5: 1 000 held at once", "S6": "S6: 10 000 held at once x 3",
             "S4L": "S4L: S4 x 10 messages", "S5L": "S5L: S5 x 20 messages", "S6L": "S6L: 10 000 held x 30"}
    for scen in LOADS:
        if any((scen, e) in b for e in ENGINES):
            rows.append(["rate, server CPU per round trip: " + names[scen]] + [b.get((scen, e), "-") for e in ENGINES])

    def scale_cell(eng, what):
        r = sc.get(eng)
        if not r:
            return "-"
        if what == "kib":
            vals = [v for v in (r.get("cold", {}).get("kib_per_idle_conn"), r.get("warm", {}).get("kib_per_idle_conn"))
                    if v is not None]
            return "{:.1f} (cold {:.1f}, warm {:.1f})".format(max(vals), r["cold"].get("kib_per_idle_conn") or 0,
                                                             r["warm"].get("kib_per_idle_conn") or 0) if vals else "-"
        if what == "threads":
            return str(r.get("warm", {}).get("threads_idle", "-"))
        if what == "s6":
            s6 = r.get("loads", {}).get("S6", {})
            return "{} threads, {:.0f} MiB peak".format(s6.get("peak_threads", "-"), (s6.get("peak_rss_kib") or 0) / 1024)
        return "-"

    if sc:
        rows.append(["RSS per idle connection at 10 000, KiB (worse of cold and warm)"]
                    + [scale_cell(e, "kib") for e in ENGINES])
        rows.append(["OS threads holding 10 000 idle clients"] + [scale_cell(e, "threads") for e in ENGINES])
        rows.append(["during S6 (10 000 held x 3), unpinned"] + [scale_cell(e, "s6") for e in ENGINES])
    if st:
        rows.append(["start-up: launch to first echo, ms (median)"] + [st.get(e, "-") for e in ENGINES])

    def hostile_cell(eng):
        r = ho.get(eng)
        if not r:
            return "-"
        served = "served in %s ms" % r.get("legit_ms") if r.get("legit_ok") else "NOT served (%s)" % r.get("legit_error")
        return "%s; %s of 400 connected, %s turned away, %s threads" % (
            served, r.get("hostile_connected", "-"), r.get("rejected", "-"), r.get("server_threads", "-"))

    if ho:
        rows.append(["400 hostile clients, then a legitimate one (default limit)"] + [hostile_cell(e) for e in ENGINES])
        if "threads-10k" in ho:
            rows.append(["the same, threads with --max-clients 10010", "", hostile_cell("threads-10k"), ""])
    if pin:
        rows.append(["carrier pinning under load (JFR jdk.VirtualThreadPinned)", "n/a", "n/a", pin])
    lines = ["| | loop (event loops) | threads (a platform thread per client) | virtual (a virtual thread per client) |",
             "|---|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    sources = [os.path.basename(p) for p in (bench, scale, startup, hostile, pinning) if p]
    lines += ["", "Drawn by `tools/bench/engines-table.py` from bench-results/: " + ", ".join(sources) + "."]
    text = "\n".join(lines)
    if only_print:
        print(text)
        return 0
    with open(RESULTS, encoding="utf-8") as f:
        doc = f.read()
    if BEGIN not in doc or END not in doc:
        sys.exit("engines-table.py: no %s ... %s markers in %s" % (BEGIN, END, RESULTS))
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(RESULTS + ".new", "w", encoding="utf-8") as f:
        f.write(head + BEGIN + "\n" + text + "\n" + END + tail)
    os.replace(RESULTS + ".new", RESULTS)
    print("engines-table.py: the three-engine table in %s is redrawn from %s" % (RESULTS, ", ".join(sources)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

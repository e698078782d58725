#!/usr/bin/env python3
"""Median tables of a make-bench run, the loop engine's ratios to every other server, and the issue-8 targets.

Usage: summarize.py RESULTS.jsonl

Each input line is one loadgen --json result plus "server", "scenario", "round", "server_cpu_us_per_rt" and
"peak_threads". Every cell is the median over that scenario's rounds on its own. A run with any failure counts
as rate 0 (as ../shared/bench/ab.sh does), so a half-done run never looks fast; "F n" after a rate gives the
failures summed over the rounds. CPU us/rt = the server process's CPU time (utime + stime, all threads) per
round trip; /proc/PID/stat counts in 10 ms ticks, so S1 (1 000 round trips a run) resolves only 10 us/rt.
Prints Markdown.
"""
import json
import os
import statistics
import sys

SCENARIOS = {
    "S1": "100 sequential clients x 10",
    "S2": "1 client x 20 000",
    "S3": "1 client x 2 000 x 64 KiB",
    "S4": "1 000 clients, 100 at once, x 100",
    "S5": "1 000 held at once x 10",
    "S6": "10 000 held at once x 3",
    "S4L": "1 000 clients, 100 at once, x 1 000",
    "S5L": "1 000 held at once x 200",
    "S6L": "10 000 held at once x 30",
}
ORDER = ("loop", "threads", "virtual", "netty", "cref")
BASE = "loop"


def rate(r):
    return r["rt_per_s"] if r["failures"] == 0 else 0.0


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    return "-" if v is None else "{:,.{d}f}".format(v, d=digits)


def ratio(a, b):
    return a / b if a is not None and b else None


def main(path):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.startswith("{")]
    servers = [s for s in ORDER if any(r["server"] == s for r in rows)]
    scens = [s for s in SCENARIOS if any(r["scenario"] == s for r in rows)]
    med = {}
    for scen in scens:
        for srv in servers:
            rs = [r for r in rows if r["scenario"] == scen and r["server"] == srv]
            med[scen, srv] = {
                "rate": median(rate(r) for r in rs),
                "cpu": median(r.get("server_cpu_us_per_rt") for r in rs),
                "p99": median(r["p99_us"] for r in rs),
                "fail": sum(r["failures"] for r in rs),
                "threads": max((r["peak_threads"] for r in rs if r.get("peak_threads") is not None), default=None),
                "runs": len(rs),
            }

    print("### Rate (round trips/s) and server CPU per round trip (us), medians")
    print()
    head = ["scenario"] + ["%s rt/s" % s for s in servers] + ["%s CPU" % s for s in servers] + ["runs"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["--:"] * (len(head) - 1)) + "|")
    for scen in scens:
        cells = ["%s %s" % (scen, SCENARIOS[scen])]
        for srv in servers:
            m = med[scen, srv]
            cells.append(fmt(m["rate"]) + (" F%d" % m["fail"] if m["fail"] else ""))
        cells += [fmt(med[scen, srv]["cpu"], 1) for srv in servers]
        cells.append("/".join(str(med[scen, srv]["runs"]) for srv in servers))
        print("| " + " | ".join(cells) + " |")

    others = [s for s in servers if s != BASE]
    if BASE in servers and others:
        print()
        print("### Ratios of the loop engine (rate: above 1 = loop faster; CPU: below 1 = loop spends less)")
        print()
        head = ["scenario"] + ["rate %s/%s" % (BASE, s) for s in others] + ["CPU %s/%s" % (BASE, s) for s in others]
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join(["---"] + ["--:"] * (len(head) - 1)) + "|")
        for scen in scens:
            b = med[scen, BASE]
            cells = [scen]
            cells += [fmt(ratio(b["rate"], med[scen, s]["rate"]), 2) for s in others]
            cells += [fmt(ratio(b["cpu"], med[scen, s]["cpu"]), 2) for s in others]
            print("| " + " | ".join(cells) + " |")

    print()
    print("### Other columns, medians: p99 latency (us) and peak server threads during the runs")
    print()
    head = ["scenario"] + ["%s p99" % s for s in servers] + ["%s threads" % s for s in servers]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["--:"] * (len(head) - 1)) + "|")
    for scen in scens:
        cells = [scen] + [fmt(med[scen, s]["p99"], 0) for s in servers]
        cells += [fmt(med[scen, s]["threads"]) for s in servers]
        print("| " + " | ".join(cells) + " |")

    if BASE not in servers:
        return 0
    print()
    print("### Issue-8 targets for the loop engine (default settings, default logging)")
    print()
    checks = []

    def check(what, value, limit, better):
        if value is None:
            checks.append((what, "not measured", "-"))
            return
        met = value >= limit if better == "high" else value <= limit
        checks.append((what, "met" if met else "NOT met", "%.3f (limit %s %.2f)" % (
            value, ">=" if better == "high" else "<=", limit)))

    for scen in scens:
        if "netty" in servers:
            check("%s rate >= Netty epoll" % scen, ratio(med[scen, BASE]["rate"], med[scen, "netty"]["rate"]),
                  1.0, "high")
    for scen in ("S2", "S3"):
        if scen in scens and "cref" in servers:
            check("%s rate >= 0.9 x C reference" % scen,
                  ratio(med[scen, BASE]["rate"], med[scen, "cref"]["rate"]), 0.9, "high")
    for scen in ("S4", "S5", "S6", "S4L", "S5L", "S6L"):
        if scen in scens and "netty" in servers:
            check("%s server CPU per round trip <= Netty" % scen,
                  ratio(med[scen, BASE]["cpu"], med[scen, "netty"]["cpu"]), 1.0, "low")
    cores = os.cpu_count()
    peak = max((med[s, BASE]["threads"] for s in scens if med[s, BASE]["threads"] is not None), default=None)
    limit = 2 * cores + 16
    checks.append(("threads <= 2 x cores + 16 = %d under any load (pinned: the JVM sees 1 CPU)" % limit,
                   "-" if peak is None else ("met" if peak <= limit else "NOT met"), "peak %s" % fmt(peak)))
    print("| target | result | measured ratio |")
    print("|---|---|--:|")
    for what, result, value in checks:
        print("| %s | %s | %s |" % (what, result, value))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))

#!/usr/bin/env python3
"""Median table of a make-bench run: one row per scenario, trustctl next to Netty, and their ratio.

Usage: summarize.py RESULTS.jsonl

Each input line is one `echo-load-test --json` result plus "server", "scenario" and "run". Every column is the
median over that scenario's runs on its own; "fail" sums the failures of all runs (a "*" marks a run that
completed fewer round trips than expected); "ratio" is
trustctl's median rt/s over Netty's (above 1.00: trustctl is faster); "CPU us/rt" is the server process's CPU
time per round trip, "CPU ratio" trustctl's over Netty's (below 1.00: trustctl spends less). Prints Markdown.
"""
import json
import statistics
import sys

SCENARIOS = {
    "S1": "100 sequential clients x 10",
    "S2": "1 client x 20000",
    "S3": "1 client x 2000 x 65536 B",
    "S4": "1000 clients, 100 at a time, x 100",
    "S5": "1000 held at once x 10",
}
SERVERS = ("trustctl", "netty")


def cell(rows, key, digits=0):
    if not rows:
        return "-"
    return "{:,.{d}f}".format(statistics.median(r[key] for r in rows), d=digits)


def main(path):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.startswith("{")]
    head = ["scenario"]
    for srv in SERVERS:
        head += [srv + " rt/s", "p50 us", "p99 us", "fail", "CPU us/rt"]
    head += ["ratio rt/s", "CPU ratio", "runs"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["--:"] * (len(head) - 1)) + "|")
    for scen, what in SCENARIOS.items():
        cells, rates, cpus, runs = ["%s %s" % (scen, what)], [], [], []
        for srv in SERVERS:
            rs = [r for r in rows if r["scenario"] == scen and r["server"] == srv]
            failed = sum(r["failed"] for r in rs)
            short = any(r["ok"] < r["expected"] for r in rs)
            cells += [cell(rs, "rt_per_s"), cell(rs, "p50_us", 1), cell(rs, "p99_us", 1),
                      (str(failed) + ("*" if short else "")) if rs else "-"]
            cpu = [r["server_cpu_us_per_rt"] for r in rs if r.get("server_cpu_us_per_rt") is not None]
            cpus.append(statistics.median(cpu) if cpu else None)
            cells.append("-" if cpus[-1] is None else "%.1f" % cpus[-1])
            rates.append(statistics.median(r["rt_per_s"] for r in rs) if rs else None)
            runs.append(str(len(rs)))
        if not any(rates):
            continue
        ratio = rates[0] / rates[1] if rates[0] is not None and rates[1] else None
        cpu_ratio = cpus[0] / cpus[1] if cpus[0] is not None and cpus[1] else None
        cells += ["-" if ratio is None else "%.2f" % ratio, "-" if cpu_ratio is None else "%.2f" % cpu_ratio,
                  "/".join(runs)]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))

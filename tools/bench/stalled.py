#!/usr/bin/env python3
"""Clients stalled inside a large frame (issue 13, fix 6): what each costs the server, and how it stops.

  stalled.py PORT PID N [BYTES [LOG]]

Opens N connections to 127.0.0.1:PORT, each sends the header of a 65 536-byte frame and BYTES (default 5 000)
bytes of its payload, then nothing. Prints the server's RSS growth per client (from /proc/PID/status), checks
three fresh clients are still served (each within 2 s), sends SIGTERM and prints how long the server took to exit.
With LOG (the server's JSON log), also what server_stop counted and how many lines said ENOMEM or memory_limit.
Bounded: N connections, every socket timeout 10 s, the exit awaited at most 30 s.
"""
import json
import os
import resource
import signal
import socket
import struct
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    port, pid, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    stall = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    before = rss_kib(pid)
    partial = struct.pack(">I", 65536) + bytes(stall)
    held = []
    refused = 0
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        held.append(s)
        try:
            s.sendall(partial)
        except OSError:
            refused += 1  # the server closed it: over its bound on what it holds
    time.sleep(2)  # the server reads what they sent; RSS settles
    after = rss_kib(pid)
    served = 0
    slowest = 0.0
    for i in range(3):
        frame = struct.pack(">I", 5) + b"probe"
        started = time.monotonic()
        try:
            probe = socket.create_connection(("127.0.0.1", port), timeout=2)
            probe.sendall(frame)
            got = b""
            while len(got) < len(frame):
                chunk = probe.recv(64)
                if not chunk:
                    break
                got += chunk
            probe.close()
        except OSError:
            got = b""
        took = time.monotonic() - started
        slowest = max(slowest, took)
        if got == frame and took <= 2:
            served += 1
    t0 = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    gone = False
    while time.monotonic() - t0 < 30:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            gone = True
            break
        if open(f"/proc/{pid}/stat").read().split()[2] == "Z":
            gone = True
            break
        time.sleep(0.05)
    print(f"{n} clients stalled {stall} bytes into a 64 KiB frame ({refused} closed while sending): RSS {before} -> {after} KiB, "
          f"{(after - before) / n:.1f} KiB a client; fresh clients served within 2 s: {served} of 3 "
          f"(slowest {slowest:.2f} s); "
          f"SIGTERM -> exit in {time.monotonic() - t0:.1f} s{'' if gone else ' (still running after 30 s)'}")
    for s in held:
        s.close()
    if len(sys.argv) > 5:
        stop, enomem, limited = None, 0, 0
        with open(sys.argv[5]) as f:
            for line in f:
                e = json.loads(line)
                enomem += e.get("errno") == "ENOMEM"
                limited += e.get("reason") == "memory_limit"
                if e.get("event") == "server_stop":
                    stop = e
        print(f"log: {enomem} lines with errno ENOMEM, {limited} conn_rejected for memory_limit; server_stop: "
              + (", ".join(f"{k} {stop[k]}" for k in ("connections", "rejected", "errors", "closed_idle", "closed_forced"))
                 if stop else "none"))


if __name__ == "__main__":
    main()

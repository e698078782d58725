#!/usr/bin/env python3
"""Clients stalled inside a large frame (issue 13, fix 6): what each costs the server, and how it stops.

  stalled.py PORT PID N [BYTES]

Opens N connections to 127.0.0.1:PORT, each sends the header of a 65 536-byte frame and BYTES (default 5 000)
bytes of its payload, then nothing. Prints the server's RSS growth per client (from /proc/PID/status), checks a
fresh client is still served, sends SIGTERM and prints how long the server took to exit. Bounded: N connections,
every socket timeout 10 s, the exit awaited at most 30 s.
"""
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
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(partial)
        held.append(s)
    time.sleep(2)  # the server reads what they sent; RSS settles
    after = rss_kib(pid)
    probe = socket.create_connection(("127.0.0.1", port), timeout=10)
    frame = struct.pack(">I", 5) + b"probe"
    probe.sendall(frame)
    got = b""
    while len(got) < len(frame):
        chunk = probe.recv(64)
        if not chunk:
            break
        got += chunk
    probe.close()
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
    print(f"{n} clients stalled {stall} bytes into a 64 KiB frame: RSS {before} -> {after} KiB, "
          f"{(after - before) / n:.1f} KiB a client; a fresh client {'served' if got == frame else 'NOT served'}; "
          f"SIGTERM -> exit in {time.monotonic() - t0:.1f} s{'' if gone else ' (still running after 30 s)'}")
    for s in held:
        s.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fairness inside one event loop (issue 13, fix 3): the round-trip latency of a client sending 32-byte frames,
alone and beside a flooder that writes 1 MiB chunks of empty frames (and reads their echoes) on the same loop.

  fairness.py measure PORT [N]    N round trips (default 2000); prints one JSON line: p50_ms, p99_ms, max_ms
  fairness.py flood PORT SECONDS  floods for at most SECONDS (a writer and a reader thread), then exits

Every run is bounded in count and in time; every socket is on 127.0.0.1.
"""
import json
import socket
import struct
import sys
import threading
import time


def measure(port, n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    frame = struct.pack(">I", 32) + bytes(range(32))
    lat = []
    for _ in range(n):
        t0 = time.perf_counter()
        s.sendall(frame)
        got = b""
        while len(got) < len(frame):
            chunk = s.recv(len(frame) - len(got))
            if not chunk:
                raise SystemExit("fairness.py: the server closed the measuring connection")
            got += chunk
        lat.append(time.perf_counter() - t0)
        if got != frame:
            raise SystemExit("fairness.py: echo mismatch")
    s.close()
    lat.sort()
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    print(json.dumps({"round_trips": n, "p50_ms": round(pick(0.50), 3), "p99_ms": round(pick(0.99), 3),
                      "max_ms": round(lat[-1] * 1000, 3)}))


def flood(port, seconds):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    chunk = bytes(1 << 20)  # 262 144 empty frames
    end = time.monotonic() + seconds
    sent = [0]

    def reader():
        got = 0
        try:
            while time.monotonic() < end + 5:
                b = s.recv(1 << 20)
                if not b:
                    return
                got += len(b)
        except OSError:
            return

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        while time.monotonic() < end:
            s.sendall(chunk)
            sent[0] += len(chunk)
    except OSError:
        pass
    s.shutdown(socket.SHUT_WR)
    t.join(10)
    s.close()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "measure":
        measure(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 2000)
    elif len(sys.argv) == 4 and sys.argv[1] == "flood":
        flood(int(sys.argv[2]), float(sys.argv[3]))
    else:
        sys.exit(__doc__)

#!/usr/bin/env python3
"""400 hostile connections against an echo server, then one legitimate client (for tools/bench/hostile).

Usage: hostile.py PORT SERVER_PID HOSTILE DEADLINE_SECONDS

A third of the hostile connections keep themselves alive with an empty frame a second, a third trickle a raw
byte a second, a third send a 64 KiB frame and never read (receive buffer 1 KiB), as ManyClientsProcessTest
does. Once all are connected (refused ones count as refused), a legitimate client sends 10 frames of 0..900
bytes and checks each echo. Prints one JSON line: legit_ok, legit_ms (its whole session), legit_error,
hostile_connected, server_threads (OS threads, /proc) while they are all there. Bounded by DEADLINE_SECONDS.
"""
import json
import socket
import struct
import sys
import time


def threads(pid):
    with open("/proc/%s/status" % pid, encoding="ascii") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return None


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


def read_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def main(port, pid, count, deadline):
    end = time.monotonic() + deadline
    hostile = []
    for i in range(count):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            s.close()
            continue
        s.setblocking(False)
        try:
            if i % 3 == 0:
                s.send(frame(b""))
            elif i % 3 == 1:
                s.send(b"x")
            else:
                s.send(frame(bytes(65536)))
        except OSError:
            pass
        hostile.append((i % 3, s))
    time.sleep(1)
    for kind, s in hostile:  # the keep-alives and the trickle go on
        try:
            s.send(frame(b"") if kind == 0 else b"y" if kind == 1 else b"")
        except OSError:
            pass
    result = {"hostile_connected": len(hostile), "server_threads": threads(pid)}
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=max(1, end - time.monotonic())) as legit:
            for i in range(10):
                payload = bytes([i]) * (100 * i)
                legit.sendall(frame(payload))
                if read_exactly(legit, 4 + len(payload)) != frame(payload):
                    raise ValueError("echo %d differs" % i)
        result.update(legit_ok=True, legit_ms=round((time.monotonic() - started) * 1000, 1), legit_error=None)
    except (OSError, ValueError) as e:
        result.update(legit_ok=False, legit_ms=round((time.monotonic() - started) * 1000, 1), legit_error=str(e))
    for _, s in hostile:
        s.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))

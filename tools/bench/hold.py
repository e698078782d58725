#!/usr/bin/env python3
"""Holds N idle connections to an echo server on 127.0.0.1 and measures what they cost it (for tools/bench/scale).

Usage: hold.py PORT SERVER_PID N DEADLINE_SECONDS

Reads the server's RSS, opens N connections, waits until the server holds them all (its open fds grew by N),
lets it settle 2 s, reads RSS and threads; then every connection echoes one 32-byte frame and goes idle again,
and RSS is read once more. Prints one JSON line. Every step is bounded by DEADLINE_SECONDS in all; the
connections are closed at the end whatever happened.
"""
import json
import os
import socket
import struct
import sys
import time


def status(pid, key):
    with open("/proc/%s/status" % pid, encoding="ascii") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def fds(pid):
    return len(os.listdir("/proc/%s/fd" % pid))


def settle(pid, seconds):
    time.sleep(seconds)
    return status(pid, "VmRSS"), status(pid, "Threads")


def main(port, pid, n, deadline_s):
    deadline = time.monotonic() + deadline_s

    def left():
        rest = deadline - time.monotonic()
        if rest <= 0:
            raise TimeoutError("deadline of %d s reached" % deadline_s)
        return rest

    result = {"held": 0}
    rss_before, threads_before = settle(pid, 1)
    fds_before = fds(pid)
    result.update(rss_before_kib=rss_before, threads_before=threads_before)
    conns = []
    try:
        for _ in range(n):
            conns.append(socket.create_connection(("127.0.0.1", port), timeout=min(5, left())))
        while fds(pid) < fds_before + n:
            left()
            time.sleep(0.05)
        result["held"] = n
        rss, threads = settle(pid, 2)
        result.update(rss_idle_kib=rss, threads_idle=threads, kib_per_idle_conn=(rss - rss_before) / n)

        frame = struct.pack(">I", 32) + b"x" * 32
        for c in conns:
            c.sendall(frame)
        for c in conns:
            c.settimeout(min(5, left()))
            got = b""
            while len(got) < len(frame):
                chunk = c.recv(len(frame) - len(got))
                if not chunk:
                    raise ConnectionError("closed before the echo")
                got += chunk
            if got != frame:
                raise ValueError("wrong echo")
        rss, threads = settle(pid, 2)
        result.update(rss_after_echo_kib=rss, threads_after_echo=threads,
                      kib_per_conn_after_echo=(rss - rss_before) / n)
    except (OSError, TimeoutError, ValueError) as e:
        result["error"] = "%s after %d connections" % (e, len(conns))
        print("hold.py: %s" % result["error"], file=sys.stderr)
    finally:
        for c in conns:
            c.close()
    print(json.dumps(result))
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))

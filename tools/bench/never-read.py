#!/usr/bin/env python3
"""What clients that pipeline frames and never read cost an echo server's kernel (issue 16, point 4).

Usage: never-read.py PORT [N]   (N clients, default 100; the server on 127.0.0.1:PORT with a --timeout longer
                                 than the run, say 60, so it holds them rather than closing them)

Each client writes 64 KiB frames (non-blocking) until nothing more goes in: the server's receive buffer, its send
queue (the echoes it cannot deliver) and the client's own send buffer are then full. Then it sums the skmem of
the server's ends of these connections from `ss -tmi` (r = received and unread, w = queued to send, rb/tb = the
limits) and prints one line with /proc/net/sockstat's TCP line (mem in pages: both ends, all of the machine).
Bounded: 20 s of writing at most; every connection is closed at the end.
"""
import re
import socket
import struct
import subprocess
import sys
import time

port = int(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
frame = struct.pack(">I", 65536) + bytes(65536)
socks = []
try:
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setblocking(False)
        socks.append(s)

    def pump():
        total = 0
        for s in socks:
            while True:
                try:
                    total += s.send(frame)
                except BlockingIOError:
                    break
        return total

    sent = 0
    deadline = time.time() + 20
    while time.time() < deadline:
        k = pump()
        sent += k
        if k == 0:
            time.sleep(0.3)  # the server may still be echoing what it read: full only if nothing more goes in
            if pump() == 0:
                break
    time.sleep(1)
    out = subprocess.run(["ss", "-tmniH", "state", "established", "( sport = :%d )" % port],
                         capture_output=True, text=True, check=True).stdout
    r = t = w = rb = tb = cnt = 0
    for m in re.finditer(r"skmem:\(r(\d+),rb(\d+),t(\d+),tb(\d+),f\d+,w(\d+)", out):
        cnt += 1
        r += int(m[1]); rb += int(m[2]); t += int(m[3]); tb += int(m[4]); w += int(m[5])
    with open("/proc/net/sockstat", encoding="ascii") as f:
        tcp = [line.strip() for line in f if line.startswith("TCP:")][0]
    per = max(cnt, 1)
    print(f"clients={n} server_sockets={cnt} client_sent={sent / 1e6:.1f}MB server: received={r / 1e6:.1f}MB"
          f" queued={w / 1e6:.1f}MB held={(r + w) / 1e6:.1f}MB; per socket r={r // per} w={w // per}"
          f" rb={rb // per} tb={tb // per}; sockstat {tcp}")
finally:
    for s in socks:
        s.close()

"""A/B start-up of two trustctl trees: each command launched from each tree in turn, alternating, N times.

Usage: ab-startup.py BEFORE_DIR AFTER_DIR N. Prints each command's median wall time from each tree and the
ratio. echo-client talks to an echo peer in this script (a thread per connection), so no server's start-up is
in its figure. Alternating the trees spreads the machine's noise over both; two warm-up rounds are not counted.
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def echo_peer():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def serve(conn):
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data)

    def accept():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1]


def main():
    before, after, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    port = echo_peer()
    commands = {
        "--version": ["trustctl", "--version"],
        "status": ["trustctl", "status"],
        "echo-client": ["echo-client", "127.0.0.1", str(port), "hi"],
    }
    env = dict(os.environ, TRUST_HOME=tempfile.mkdtemp(prefix="trustctl-ab-startup."))
    for name, (launcher, *args) in commands.items():
        times = {before: [], after: []}
        for i in range(runs + 2):
            for tree in (before, after) if i % 2 else (after, before):
                t0 = time.perf_counter()
                launched = subprocess.Popen([os.path.join(tree, launcher), *args], env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                # A timer bounds the launch: wait(timeout=...) would poll in sleeps of up to 50 ms and
                # blur the very figure measured here.
                guard = threading.Timer(30, launched.kill)
                guard.start()
                launched.wait()
                guard.cancel()
                if i >= 2:
                    times[tree].append((time.perf_counter() - t0) * 1000)
        b, a = statistics.median(times[before]), statistics.median(times[after])
        print(f"{name:12s} before {b:6.1f} ms  after {a:6.1f} ms  after/before {a / b:.3f}  ({runs} pairs)")


if __name__ == "__main__":
    main()

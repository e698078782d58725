#!/usr/bin/env python3
"""The client side of `make soak`: WORKERS threads that, until SECONDS have passed, each pick one kind of session
at random and run it against a framed echo server on 127.0.0.1, checking every echoed byte.

Usage: soak_clients.py --port P [--seconds 60] [--workers 24] [--server-timeout 5] [--seed N]

Kinds of session (weights in KINDS):
  echo      1..20 frames of random size 0..65536 (often small, sometimes the edges 0 and 65536), now and then
            two or three sent back to back before reading; every echo checked byte for byte
  early     0..3 checked frames, then a disconnect mid-header, mid-payload, after a whole frame before its
            echo, or with a reset (SO_LINGER 0) mid-payload
  trickle   one frame sent in pieces of 1..64 bytes with short pauses (well within the server's timeout)
  idle      connects, says nothing for 0.5..3 s (below the server's timeout), then one checked frame
  stale     connects and says nothing past the server's timeout: the server must close it
Prints one JSON object. Exit 0 only when no echo was wrong and nothing unexpected happened.
"""
import argparse
import json
import os
import random
import socket
import struct
import threading
import time

MAX_PAYLOAD = 65536
KINDS = (("echo", 55), ("early", 15), ("trickle", 10), ("idle", 12), ("stale", 8))


class Unexpected(Exception):
    """Something a correct server would not do (wrong bytes are counted apart, as wrong echoes)."""


class WrongEcho(Exception):
    """Echoed bytes that differ from the frame sent: counted as wrong_echoes, the one thing the soak must never see."""


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.errors = []

    def add(self, key, n=1):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n

    def error(self, kind, err):
        self.add("unexpected")
        self.note(kind, err)

    def note(self, kind, err):
        with self.lock:
            if len(self.errors) < 10:
                self.errors.append("%s: %s" % (kind, err))


def payload_size(rng):
    r = rng.random()
    if r < 0.05:
        return rng.choice((0, 1, MAX_PAYLOAD - 1, MAX_PAYLOAD))
    if r < 0.55:
        return rng.randint(0, 256)
    if r < 0.85:
        return rng.randint(257, 8192)
    return rng.randint(8193, MAX_PAYLOAD)


def frame(rng):
    data = os.urandom(payload_size(rng))
    return struct.pack(">I", len(data)) + data


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise Unexpected("server closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return bytes(buf)


def check_echo(sock, sent, stats):
    got = recv_exact(sock, len(sent))
    if got == sent:
        stats.add("round_trips_ok")
        stats.add("bytes_echoed", len(sent))
    else:
        raise WrongEcho("echo differs from the frame sent (%d bytes)" % len(sent))


def connect(port, timeout):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def session_echo(sock, rng, stats, _args):
    for _ in range(rng.randint(1, 20)):
        batch = [frame(rng) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        sock.sendall(b"".join(batch))
        for sent in batch:
            check_echo(sock, sent, stats)


def session_early(sock, rng, stats, _args):
    for _ in range(rng.randint(0, 3)):
        sent = frame(rng)
        sock.sendall(sent)
        check_echo(sock, sent, stats)
    sent = struct.pack(">I", rng.randint(1, MAX_PAYLOAD)) + os.urandom(rng.randint(1, 1024))
    how = rng.choice(("mid_header", "mid_payload", "before_echo", "reset"))
    if how == "mid_header":
        sock.sendall(sent[:rng.randint(1, 3)])
    elif how in ("mid_payload", "reset"):
        sock.sendall(sent)  # the header promises more payload than is sent
        if how == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    else:
        sock.sendall(frame(rng))
    stats.add("early_" + how)


def session_trickle(sock, rng, stats, _args):
    sent = frame_of(rng.randint(1, 2048))
    pos = 0
    while pos < len(sent):
        step = rng.randint(1, 64)
        sock.sendall(sent[pos:pos + step])
        pos += step
        time.sleep(rng.uniform(0.001, 0.02))
    check_echo(sock, sent, stats)


def frame_of(n):
    return struct.pack(">I", n) + os.urandom(n)


def session_idle(sock, rng, stats, args):
    time.sleep(rng.uniform(0.5, min(3.0, args.server_timeout * 0.6)))
    sent = frame(rng)
    sock.sendall(sent)
    check_echo(sock, sent, stats)


def session_stale(sock, _rng, stats, args):
    # Nothing is sent; the server's idle deadline must close the connection within its timeout plus slack.
    sock.settimeout(args.server_timeout + 5)
    started = time.monotonic()
    try:
        data = sock.recv(1)
    except ConnectionResetError:
        data = b""
    except socket.timeout:
        raise Unexpected("server kept an idle connection open for %.1f s" % (time.monotonic() - started))
    if data:
        raise Unexpected("server sent %r to a client that sent nothing" % data)
    stats.add("stale_closed_by_server")


SESSIONS = {"echo": session_echo, "early": session_early, "trickle": session_trickle,
            "idle": session_idle, "stale": session_stale}


def worker(index, args, stats, stop_at):
    rng = random.Random(args.seed * 1000 + index)
    names = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    while time.monotonic() < stop_at:
        kind = rng.choices(names, weights)[0]
        if kind == "stale" and time.monotonic() + args.server_timeout + 1 > stop_at:
            kind = "echo"  # a stale session would outlive the soak
        stats.add("sessions_" + kind)
        try:
            sock = connect(args.port, args.server_timeout + 5)
        except OSError as e:
            stats.error(kind, "connect: %s" % e)
            continue
        try:
            SESSIONS[kind](sock, rng, stats, args)
        except WrongEcho as e:
            stats.add("wrong_echoes")
            stats.note(kind, e)
        except (Unexpected, OSError) as e:
            stats.error(kind, e)
        finally:
            sock.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=24)
    ap.add_argument("--server-timeout", type=float, default=5)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    stats = Stats()
    stop_at = time.monotonic() + args.seconds
    threads = [threading.Thread(target=worker, args=(i, args, stats, stop_at), daemon=True)
               for i in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        # Every session is bounded by socket timeouts, so each worker ends soon after stop_at; join with a bound.
        t.join(timeout=max(0.1, stop_at - time.monotonic()) + 2 * (args.server_timeout + 5))
    stuck = sum(t.is_alive() for t in threads)
    if stuck:
        stats.error("soak", "%d client threads still running after the bound" % stuck)
    result = {"seed": args.seed, "seconds": args.seconds, "workers": args.workers}
    result.update({k: stats.counts.get(k, 0) for k in ("round_trips_ok", "bytes_echoed", "wrong_echoes",
                                                        "unexpected", "stale_closed_by_server")})
    result.update(sorted((k, v) for k, v in stats.counts.items() if k.startswith(("sessions_", "early_"))))
    result["errors"] = stats.errors
    print(json.dumps(result))
    return 0 if result["wrong_echoes"] == 0 and result["unexpected"] == 0 else 1


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        raise SystemExit(130)  # interrupted: tools/soak stops too

/* Copied unchanged (below this comment) from the networking course's shared bench, ../shared/bench/loadgen.c
 * (2026-11-28), so that make bench needs nothing outside the repo. tools/bench/lib.sh compiles it with
 * gcc -O2 into build/bench/. Keep it in step with the shared copy rather than editing it here. */
/*
 * loadgen.c - bounded load client for a length-prefixed TCP echo server.
 *
 * Frame: 4-byte unsigned big-endian length N + N payload bytes; the server
 * must echo every frame back unchanged. Every echoed byte is verified.
 *
 * Usage:
 *   ./loadgen --port P [--clients C] [--messages M] [--concurrency K]
 *             [--payload-size S] [--deadline SEC] [--hold] [--json]
 *
 *   C clients in total, at most K connected at a time. Each client connects
 *   to 127.0.0.1:P, sends M frames one at a time (waiting for each echo and
 *   verifying it), then closes. K=1 means strictly sequential clients.
 *
 *   --hold   open all C connections first (all in flight at once), wait
 *            until every connect has finished, then let every connection
 *            send its M frames at the same time (K is ignored).
 *   --deadline SEC  hard wall-clock bound for the whole run (default 60);
 *            sessions still open then are aborted and counted as failures.
 *   --json   print one JSON line instead of the human-readable report.
 *
 * Single-threaded, non-blocking sockets driven by epoll (level-triggered),
 * so the client itself stays at most one core busy on a small machine.
 *
 * Exit status: 0 if every session completed and verified, 1 otherwise,
 * 2 on bad usage.
 *
 * Build: gcc -O2 -o loadgen loadgen.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAYLOAD 65536u
#define MAX_EVENTS 256

enum state {
    ST_FREE = 0,   /* slot unused */
    ST_CONNECTING, /* non-blocking connect in progress */
    ST_READY,      /* connected, waiting for the go signal (--hold) */
    ST_ACTIVE,     /* a frame is in flight */
};

struct conn {
    int fd;
    enum state st;
    uint32_t events;   /* epoll mask currently registered, 0 = not added */
    long client;       /* client index, 0..C-1 */
    long msg;          /* index of the frame in flight */
    size_t tx_off;     /* bytes of the current frame sent */
    size_t rx_off;     /* bytes of the current echo received and verified */
    uint64_t t_send;   /* when the current frame's first byte was sent */
    uint64_t t_conn;   /* when connect() was called */
    unsigned char *tx; /* header + payload of the current frame */
};

/* configuration */
static int opt_port = -1;
static long opt_clients = 1;
static long opt_messages = 1;
static long opt_conc = 1;
static long opt_payload = 32;
static double opt_deadline = 60.0;
static int opt_hold = 0;
static int opt_json = 0;

/* run state */
static int ep = -1;
static struct conn *slots;
static long nslots;
static size_t frame_len;
static unsigned char *scratch;
static struct sockaddr_in srv;

static long next_client = 0;   /* next client index to start */
static long done_clients = 0;  /* finished, ok or failed */
static long ok_clients = 0;
static long connected = 0;     /* connects that succeeded */
static long err_connect = 0, err_io = 0, err_mismatch = 0, err_deadline = 0;
static long ready_count = 0;   /* --hold: connections waiting for go */
static int go = 0;             /* --hold: message phase started */

static uint64_t *lat;          /* round-trip latencies, ns */
static long nlat = 0;
static uint64_t *clat;         /* connect latencies, ns */
static long nclat = 0;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s --port P [--clients C] [--messages M] [--concurrency K]\n"
            "          [--payload-size S] [--deadline SEC] [--hold] [--json]\n",
            prog);
    exit(2);
}

static long parse_long(const char *s, const char *what, long lo, long hi)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !end || *end || v < lo || v > hi) {
        fprintf(stderr, "bad %s: %s (allowed %ld..%ld)\n", what, s, lo, hi);
        exit(2);
    }
    return v;
}

/* ---- frame contents ---------------------------------------------------- */

static uint32_t xorshift32(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* Fill the payload with pseudo-random bytes seeded by the client index;
 * the header never changes. */
static void frame_init(struct conn *c)
{
    uint32_t n = (uint32_t)opt_payload;
    c->tx[0] = (unsigned char)(n >> 24);
    c->tx[1] = (unsigned char)(n >> 16);
    c->tx[2] = (unsigned char)(n >> 8);
    c->tx[3] = (unsigned char)n;
    uint32_t seed = 0x9e3779b9u ^ (uint32_t)(c->client * 2654435761u);
    if (!seed)
        seed = 1;
    for (size_t i = 4; i < frame_len; i++)
        c->tx[i] = (unsigned char)xorshift32(&seed);
}

/* Stamp the message index (and client index) into the first payload bytes
 * so every echo is distinct and ordering errors are caught. */
static void frame_stamp(struct conn *c)
{
    unsigned char stamp[8];
    uint32_t m = (uint32_t)c->msg, k = (uint32_t)c->client;
    for (int i = 0; i < 4; i++) {
        stamp[i] = (unsigned char)(m >> (24 - 8 * i));
        stamp[4 + i] = (unsigned char)(k >> (24 - 8 * i));
    }
    size_t n = (size_t)opt_payload < 8 ? (size_t)opt_payload : 8;
    memcpy(c->tx + 4, stamp, n);
}

/* ---- epoll helpers ---------------------------------------------------- */

static void want(struct conn *c, uint32_t ev)
{
    if (c->events == ev)
        return;
    struct epoll_event e;
    memset(&e, 0, sizeof e);
    e.events = ev;
    e.data.ptr = c;
    int op = c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (epoll_ctl(ep, op, c->fd, &e) < 0) {
        perror("epoll_ctl");
        exit(1);
    }
    c->events = ev;
}

/* ---- session life cycle ----------------------------------------------- */

static void start_next(struct conn *c);

static void finish(struct conn *c, int ok)
{
    if (c->fd >= 0)
        close(c->fd); /* also removes it from the epoll set */
    c->fd = -1;
    c->events = 0;
    c->st = ST_FREE;
    done_clients++;
    if (ok)
        ok_clients++;
    if (!opt_hold)
        start_next(c);
}

static void fail(struct conn *c, long *counter)
{
    (*counter)++;
    if (c->st == ST_READY)
        ready_count--;
    finish(c, 0);
}

static void send_some(struct conn *c);

static void begin_message(struct conn *c)
{
    frame_stamp(c);
    c->tx_off = 0;
    c->rx_off = 0;
    c->st = ST_ACTIVE;
    c->t_send = now_ns();
    send_some(c);
}

static void session_start(struct conn *c)
{
    c->msg = 0;
    if (opt_messages == 0) {
        finish(c, 1);
        return;
    }
    begin_message(c);
}

static void on_connected(struct conn *c)
{
    clat[nclat++] = now_ns() - c->t_conn;
    connected++;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    want(c, EPOLLIN);
    if (opt_hold) {
        c->st = ST_READY;
        ready_count++;
    } else {
        session_start(c);
    }
}

/* Open the next client's connection in this slot, if any are left. */
static void start_next(struct conn *c)
{
    while (next_client < opt_clients) {
        c->client = next_client++;
        c->events = 0;
        frame_init(c);
        c->t_conn = now_ns();
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c->fd < 0) {
            perror("socket");
            err_connect++;
            done_clients++;
            continue;
        }
        if (connect(c->fd, (struct sockaddr *)&srv, sizeof srv) == 0) {
            on_connected(c);
            return;
        }
        if (errno == EINPROGRESS) {
            c->st = ST_CONNECTING;
            want(c, EPOLLOUT);
            return;
        }
        err_connect++;
        close(c->fd);
        c->fd = -1;
        done_clients++;
    }
    c->st = ST_FREE;
}

static void message_done(struct conn *c)
{
    lat[nlat++] = now_ns() - c->t_send;
    c->msg++;
    if (c->msg >= opt_messages) {
        finish(c, 1);
        return;
    }
    begin_message(c);
}

static void send_some(struct conn *c)
{
    while (c->tx_off < frame_len) {
        ssize_t w = send(c->fd, c->tx + c->tx_off, frame_len - c->tx_off,
                         MSG_NOSIGNAL);
        if (w > 0) {
            c->tx_off += (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            want(c, EPOLLIN | EPOLLOUT);
            return;
        } else {
            fail(c, &err_io);
            return;
        }
    }
    want(c, EPOLLIN);
}

/* Returns 0 if the connection is still open afterwards, -1 if it was closed. */
static int recv_some(struct conn *c)
{
    for (;;) {
        size_t want_n = frame_len - c->rx_off;
        ssize_t r = recv(c->fd, scratch, want_n, 0);
        if (r > 0) {
            if (c->rx_off + (size_t)r > c->tx_off ||
                memcmp(scratch, c->tx + c->rx_off, (size_t)r) != 0) {
                fail(c, &err_mismatch);
                return -1;
            }
            c->rx_off += (size_t)r;
            if (c->rx_off == frame_len) {
                int fd = c->fd;
                long client = c->client;
                message_done(c);
                /* the slot may now hold a different (or no) connection */
                if (c->fd != fd || c->client != client || c->st != ST_ACTIVE)
                    return -1;
                return 0; /* next frame was sent; wait for readiness */
            }
            if ((size_t)r < want_n)
                return 0; /* drained for now */
        } else if (r == 0) {
            fail(c, &err_io);
            return -1;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return 0;
        } else {
            fail(c, &err_io);
            return -1;
        }
    }
}

static void on_event(struct conn *c, uint32_t ev)
{
    if (c->st == ST_CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        if (err) {
            fail(c, &err_connect);
            return;
        }
        on_connected(c);
        return;
    }
    if (c->st == ST_READY) {
        /* data or hang-up before we sent anything: the server gave up */
        if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP))
            fail(c, &err_io);
        return;
    }
    if (c->st != ST_ACTIVE)
        return;
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        if (recv_some(c) < 0)
            return;
    }
    if (c->st == ST_ACTIVE && (ev & EPOLLOUT) && c->tx_off < frame_len)
        send_some(c);
}

/* ---- statistics -------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* nearest-rank percentile of a sorted array, in microseconds */
static double pct_us(const uint64_t *v, long n, double p)
{
    if (n <= 0)
        return 0.0;
    long rank = (long)((p / 100.0) * (double)n + 0.999999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return (double)v[rank - 1] / 1000.0;
}

/* ---- main -------------------------------------------------------------- */

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"clients", required_argument, NULL, 'c'},
        {"messages", required_argument, NULL, 'm'},
        {"concurrency", required_argument, NULL, 'k'},
        {"payload-size", required_argument, NULL, 's'},
        {"deadline", required_argument, NULL, 'd'},
        {"hold", no_argument, NULL, 'H'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (o) {
        case 'p': opt_port = (int)parse_long(optarg, "port", 1, 65535); break;
        case 'c': opt_clients = parse_long(optarg, "clients", 1, 1000000); break;
        case 'm': opt_messages = parse_long(optarg, "messages", 0, 100000000); break;
        case 'k': opt_conc = parse_long(optarg, "concurrency", 1, 100000); break;
        case 's': opt_payload = parse_long(optarg, "payload-size", 0, MAX_PAYLOAD); break;
        case 'd': {
            char *end = NULL;
            opt_deadline = strtod(optarg, &end);
            if (!end || *end || !(opt_deadline > 0) || opt_deadline > 3600) {
                fprintf(stderr, "bad deadline: %s (0 < SEC <= 3600)\n", optarg);
                return 2;
            }
            break;
        }
        case 'H': opt_hold = 1; break;
        case 'j': opt_json = 1; break;
        default: usage(argv[0]);
        }
    }
    if (optind != argc || opt_port < 0)
        usage(argv[0]);
    if ((double)opt_clients * (double)opt_messages > 200e6) {
        fprintf(stderr, "clients * messages too large (max 2e8)\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    nslots = opt_hold ? opt_clients : (opt_conc < opt_clients ? opt_conc : opt_clients);
    frame_len = 4 + (size_t)opt_payload;

    memset(&srv, 0, sizeof srv);
    srv.sin_family = AF_INET;
    srv.sin_port = htons((uint16_t)opt_port);
    srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only, always */

    slots = calloc((size_t)nslots, sizeof *slots);
    scratch = malloc(frame_len);
    lat = malloc(sizeof *lat * (size_t)(opt_clients * opt_messages + 1));
    clat = malloc(sizeof *clat * (size_t)(opt_clients + 1));
    if (!slots || !scratch || !lat || !clat) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (long i = 0; i < nslots; i++) {
        slots[i].fd = -1;
        slots[i].tx = malloc(frame_len);
        if (!slots[i].tx) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
    }
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        perror("epoll_create1");
        return 1;
    }

    uint64_t t0 = now_ns();
    uint64_t t_deadline = t0 + (uint64_t)(opt_deadline * 1e9);
    uint64_t t_go = 0;
    int timed_out = 0;

    for (long i = 0; i < nslots; i++)
        start_next(&slots[i]);

    struct epoll_event evs[MAX_EVENTS];
    while (done_clients < opt_clients) {
        if (opt_hold && !go && ready_count + done_clients >= opt_clients) {
            /* every connect has finished: start the message phase */
            go = 1;
            t_go = now_ns();
            for (long i = 0; i < nslots; i++) {
                if (slots[i].st == ST_READY) {
                    ready_count--;
                    session_start(&slots[i]);
                }
            }
            continue;
        }
        uint64_t t = now_ns();
        if (t >= t_deadline) {
            timed_out = 1;
            break;
        }
        uint64_t left_ms = (t_deadline - t) / 1000000ull + 1;
        int timeout = left_ms > 1000 ? 1000 : (int)left_ms;
        int n = epoll_wait(ep, evs, MAX_EVENTS, timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++)
            on_event((struct conn *)evs[i].data.ptr, evs[i].events);
    }
    uint64_t t_end = now_ns();

    if (timed_out) {
        /* abort everything still open; count never-started clients too */
        for (long i = 0; i < nslots; i++) {
            struct conn *c = &slots[i];
            if (c->st != ST_FREE) {
                if (c->fd >= 0)
                    close(c->fd);
                c->fd = -1;
                c->st = ST_FREE;
                err_deadline++;
                done_clients++;
            }
        }
        err_deadline += opt_clients - next_client;
        done_clients += opt_clients - next_client;
        next_client = opt_clients;
    }

    double elapsed = (double)(t_end - t0) / 1e9;
    double connect_phase = opt_hold ? (double)((t_go ? t_go : t_end) - t0) / 1e9 : 0.0;
    double msg_phase = opt_hold ? (t_go ? (double)(t_end - t_go) / 1e9 : 0.0) : elapsed;
    long failures = opt_clients - ok_clients;
    double rt_per_s = elapsed > 0 ? (double)nlat / elapsed : 0.0;
    double conn_per_s;
    if (opt_hold)
        conn_per_s = connect_phase > 0 ? (double)connected / connect_phase : 0.0;
    else
        conn_per_s = elapsed > 0 ? (double)ok_clients / elapsed : 0.0;

    qsort(lat, (size_t)nlat, sizeof *lat, cmp_u64);
    qsort(clat, (size_t)nclat, sizeof *clat, cmp_u64);
    double sum = 0;
    for (long i = 0; i < nlat; i++)
        sum += (double)lat[i];
    double mean_us = nlat ? sum / (double)nlat / 1000.0 : 0.0;
    double p50 = pct_us(lat, nlat, 50), p90 = pct_us(lat, nlat, 90);
    double p99 = pct_us(lat, nlat, 99), pmax = nlat ? (double)lat[nlat - 1] / 1000.0 : 0.0;
    double c50 = pct_us(clat, nclat, 50), c99 = pct_us(clat, nclat, 99);

    if (opt_json) {
        printf("{\"port\":%d,\"clients\":%ld,\"messages\":%ld,\"concurrency\":%ld,"
               "\"payload\":%ld,\"hold\":%s,\"round_trips\":%ld,"
               "\"expected_round_trips\":%ld,\"failures\":%ld,"
               "\"connect_errors\":%ld,\"io_errors\":%ld,\"mismatches\":%ld,"
               "\"deadline_aborts\":%ld,\"timed_out\":%s,\"elapsed_s\":%.6f,"
               "\"rt_per_s\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,"
               "\"max_us\":%.1f,\"mean_us\":%.1f,\"conn_per_s\":%.1f,"
               "\"connect_p50_us\":%.1f,\"connect_p99_us\":%.1f,"
               "\"connect_phase_s\":%.6f,\"message_phase_s\":%.6f}\n",
               opt_port, opt_clients, opt_messages, opt_hold ? opt_clients : nslots,
               opt_payload, opt_hold ? "true" : "false", nlat,
               opt_clients * opt_messages, failures, err_connect, err_io,
               err_mismatch, err_deadline, timed_out ? "true" : "false", elapsed,
               rt_per_s, p50, p90, p99, pmax, mean_us, conn_per_s, c50, c99,
               connect_phase, msg_phase);
    } else {
        printf("target          127.0.0.1:%d\n", opt_port);
        printf("scenario        clients=%ld messages=%ld concurrency=%ld payload=%ld%s\n",
               opt_clients, opt_messages, opt_hold ? opt_clients : nslots,
               opt_payload, opt_hold ? " (hold: all connections open first)" : "");
        printf("round trips     %ld of %ld\n", nlat, opt_clients * opt_messages);
        printf("failures        %ld (connect %ld, io %ld, mismatch %ld, deadline %ld)%s\n",
               failures, err_connect, err_io, err_mismatch, err_deadline,
               timed_out ? "  DEADLINE REACHED" : "");
        printf("elapsed         %.3f s\n", elapsed);
        if (opt_hold)
            printf("  phases        connect %.3f s, messages %.3f s\n",
                   connect_phase, msg_phase);
        printf("round trips/s   %.1f\n", rt_per_s);
        printf("latency (us)    p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f\n",
               p50, p90, p99, pmax, mean_us);
        printf("connections/s   %.1f  (%s)\n", conn_per_s,
               opt_hold ? "connects / connect phase" : "completed sessions / elapsed");
        printf("connect (us)    p50 %.1f  p99 %.1f\n", c50, c99);
    }
    return (failures == 0 && !timed_out) ? 0 : 1;
}

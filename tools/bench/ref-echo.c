/* Copied unchanged (below this comment) from the networking course's shared bench, ../shared/bench/ref-echo.c
 * (2026-11-28), so that make bench needs nothing outside the repo. tools/bench/lib.sh compiles it with
 * gcc -O2 into build/bench/. Keep it in step with the shared copy rather than editing it here. */
/*
 * ref-echo.c - minimal reference echo server for length-prefixed frames.
 *
 * Frame: 4-byte unsigned big-endian length N (0 <= N <= 65536) + N bytes.
 * Each frame is echoed back unchanged (header + payload). A header with
 * N > 65536 closes the connection.
 *
 * Design: one detached thread per connection, blocking sockets,
 * recv_exact / send_exact loops. Listens on 127.0.0.1 only.
 *
 * Build: gcc -O2 -pthread -o ref-echo ref-echo.c
 * Usage: ./ref-echo PORT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FRAME 65536u

/* Read exactly len bytes. Returns 1 on success, 0 on clean EOF before any
 * byte, -1 on error or EOF in the middle. */
static int recv_exact(int fd, void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t r = recv(fd, p + got, len - got, 0);
        if (r > 0) {
            got += (size_t)r;
        } else if (r == 0) {
            return got == 0 ? 0 : -1;
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return 1;
}

/* Write exactly len bytes. Returns 0 on success, -1 on error. */
static int send_exact(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    size_t sent = 0;
    while (sent < len) {
        ssize_t w = send(fd, p + sent, len - sent, MSG_NOSIGNAL);
        if (w > 0) {
            sent += (size_t)w;
        } else if (w < 0 && errno != EINTR) {
            return -1;
        }
    }
    return 0;
}

static void *serve(void *arg)
{
    int fd = (int)(intptr_t)arg;
    /* header + largest payload in one buffer so each frame is one send */
    unsigned char *buf = malloc(4 + MAX_FRAME);
    if (buf) {
        for (;;) {
            if (recv_exact(fd, buf, 4) != 1)
                break;
            uint32_t n = ((uint32_t)buf[0] << 24) | ((uint32_t)buf[1] << 16) |
                         ((uint32_t)buf[2] << 8) | (uint32_t)buf[3];
            if (n > MAX_FRAME)
                break;
            if (n > 0 && recv_exact(fd, buf + 4, n) != 1)
                break;
            if (send_exact(fd, buf, 4 + (size_t)n) != 0)
                break;
        }
        free(buf);
    }
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    char *end = NULL;
    long port = strtol(argv[1], &end, 10);
    if (!end || *end || port <= 0 || port > 65535) {
        fprintf(stderr, "bad port: %s\n", argv[1]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    if (ls < 0) {
        perror("socket");
        return 1;
    }
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("bind");
        return 1;
    }
    if (listen(ls, 4096) < 0) {
        perror("listen");
        return 1;
    }

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);

    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE) {
                usleep(1000);
                continue;
            }
            perror("accept");
            return 1;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_t t;
        if (pthread_create(&t, &attr, serve, (void *)(intptr_t)fd) != 0)
            close(fd);
    }
}

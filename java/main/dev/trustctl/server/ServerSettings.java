package dev.trustctl.server;

import dev.trustctl.proto.FrameCodec;
import java.time.Duration;

/**
 * How an echo server runs. Defaults: 127.0.0.1 (loopback only: exposing it is a choice), port 9900, timeout
 * 30 s, the event-loop engine with one loop per processor, and the engine's client limit (10 000 for the loop,
 * 128 for threads) lowered to what the open-file limit allows.
 */
public record ServerSettings(String bind, int port, Duration timeout, int maxClients, Io io, int loops) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 9900;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Io DEFAULT_IO = Io.LOOP;
    public static final int MAX_MAX_CLIENTS = 100_000;
    public static final int MAX_LOOPS = 256;
    /** How long frames in flight get to finish after a stop signal. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(2);
    /**
     * At a stop, how long a connection between messages may still start one: a frame already on its way
     * when the signal came is served rather than cut.
     */
    public static final Duration STOP_LINGER = Duration.ofMillis(100);
    /** The accept queue: deep enough for a thousand clients connecting at once. */
    public static final int BACKLOG = 4096;
    /**
     * SO_RCVBUF of every accepted client, as asked for (the kernel doubles it for its bookkeeping: 131 080 bytes
     * accounted). Without it the kernel's autotuning grows a client that pipelines and never reads to megabytes
     * (tcp_rmem and tcp_wmem max) of kernel memory held for the whole write deadline; with it a client costs a
     * bounded, known amount. One largest frame (header included) each way: a 64 KiB echo still goes in one piece.
     * Set on the listening socket before listen(), so accepted sockets inherit it and the window scale in the
     * SYN-ACK fits the buffer.
     */
    public static final int SOCKET_RECEIVE_BUFFER = FrameCodec.MAX_FRAME_WITH_HEADER_BYTES;
    /** SO_SNDBUF of every accepted client (doubled by the kernel, as above): room for one whole echo of 65 540. */
    public static final int SOCKET_SEND_BUFFER = FrameCodec.MAX_FRAME_WITH_HEADER_BYTES;
    /**
     * The most the server holds for all its clients together between reads ({@link HeldBytes}): 256 MiB, 4 096
     * whole 64 KiB frames, a quarter of the launcher's direct-memory cap and half its heap, whatever
     * {@code --max-clients} is.
     */
    public static final long MAX_HELD_BYTES = 256L * 1024 * 1024;

    /**
     * How long a graceful close (after a stop, or a rejected frame) waits for the peer to close too, dropping
     * what it still sends, so the replies in flight reach it before the socket is closed: the timeout, at most
     * the stop's grace.
     */
    public Duration closeDrain() {
        return timeout.compareTo(STOP_GRACE) < 0 ? timeout : STOP_GRACE;
    }

    /** One event loop per processor the JVM may use (under {@code taskset}, the CPUs it is pinned to). */
    public static int defaultLoops() {
        return Math.max(1, Math.min(MAX_LOOPS, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * The engine's default client limit, lowered (as Redis does) so that every client can have a descriptor
     * under the soft open-file limit; {@code fdLimit} 0 means unknown.
     */
    public static int defaultMaxClients(Io io, long fdLimit) {
        int wanted = io.defaultMaxClients();
        return fdLimit > 0 ? (int) Math.max(1, Math.min(wanted, fdLimit - FdLimit.JVM_RESERVE)) : wanted;
    }
}

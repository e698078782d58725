package dev.trustctl.echo;

import java.time.Duration;

/**
 * How an echo server runs. Defaults: 127.0.0.1 (loopback only: exposing it is a choice), port 9900,
 * timeout 30 s, 128 clients at once.
 */
public record ServerSettings(String bind, int port, Duration timeout, int maxClients) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 9900;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CLIENTS = 128;
    public static final int MAX_MAX_CLIENTS = 10_000;
    /** How long frames in flight get to finish after a stop signal. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(2);
    /**
     * At a stop, how long a connection between messages may still start one: a frame already on its way
     * when the signal came is served rather than cut.
     */
    public static final Duration STOP_LINGER = Duration.ofMillis(100);
    /** The accept queue: deep enough for a thousand clients connecting at once. */
    public static final int BACKLOG = 4096;
}

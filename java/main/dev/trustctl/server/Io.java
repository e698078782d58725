package dev.trustctl.server;

import java.util.Locale;

/**
 * The three ways the server can move bytes, chosen with {@code --io}: the same protocol, limits, deadlines and log
 * events either way.
 */
public enum Io {
    /** Week 3: a few event-loop threads, each with a Selector and many non-blocking connections. */
    LOOP("loop", 10_000),
    /** Week 2: one thread per client, blocking recv_exact/send_exact; each client costs a thread and its stack. */
    THREADS("threads", 128),
    /** The week-2 code on virtual threads (Java 21+): blocking calls park a cheap thread, not an OS thread. */
    VIRTUAL("virtual", 10_000);

    private final String label;
    private final int defaultMaxClients;

    Io(String label, int defaultMaxClients) {
        this.label = label;
        this.defaultMaxClients = defaultMaxClients;
    }

    public String label() {
        return label;
    }

    /** Clients served at once when none is asked for, before the open-file limit has its say. */
    public int defaultMaxClients() {
        return defaultMaxClients;
    }

    /** The engine named {@code text} ({@code loop}, {@code threads} or {@code virtual}), or null. */
    public static Io parse(String text) {
        for (Io io : values()) {
            if (io.label.equals(text.toLowerCase(Locale.ROOT))) {
                return io;
            }
        }
        return null;
    }
}

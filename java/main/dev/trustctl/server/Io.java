package dev.trustctl.server;

import java.util.Locale;
import java.util.stream.Stream;

/**
 * The three ways the server can move bytes, chosen with {@code --io} by its name in lower case: the same protocol,
 * limits, deadlines and log events either way.
 */
public enum Io {
    /** Week 3: a few event-loop threads, each with a Selector and many non-blocking connections. */
    LOOP(10_000),
    /** Week 2: one thread per client, blocking recv_exact/send_exact; each client costs a thread and its stack. */
    THREADS(128),
    /** The week-2 code on virtual threads (Java 21+): blocking calls park a cheap thread, not an OS thread. */
    VIRTUAL(10_000);

    private final String label = name().toLowerCase(Locale.ROOT);
    private final int defaultMaxClients;

    Io(int defaultMaxClients) {
        this.defaultMaxClients = defaultMaxClients;
    }

    public String label() {
        return label;
    }

    /** Clients served at once when none is asked for, before the open-file limit has its say. */
    public int defaultMaxClients() {
        return defaultMaxClients;
    }

    /** The engine named {@code text} ({@code loop}, {@code threads} or {@code virtual}, any case), or null. */
    public static Io parse(String text) {
        String label = text.toLowerCase(Locale.ROOT);
        return Stream.of(values()).filter(io -> io.label.equals(label)).findFirst().orElse(null);
    }
}

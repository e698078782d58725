package dev.trustctl.proto;

import java.util.Locale;

/** What a connection is waiting for; each phase has its own deadline of one timeout. */
public enum Phase {
    /** Waiting for the first byte of the next message. */
    IDLE,
    /** A message has started arriving: the rest of it must come within the timeout. */
    FRAME,
    /** Sending: the peer must take the whole message within the timeout. */
    WRITE;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The name used in logs: {@code idle}, {@code frame}, {@code write}. */
    public String label() {
        return label;
    }
}

package dev.trustctl.proto;

/** What a connection is waiting for; each phase has its own deadline of one timeout. */
public enum Phase {
    /** Waiting for the first byte of the next message. */
    IDLE("idle"),
    /** A message has started arriving: the rest of it must come within the timeout. */
    FRAME("frame"),
    /** Sending: the peer must take the whole message within the timeout. */
    WRITE("write");

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    /** The name used in logs. */
    public String label() {
        return label;
    }
}

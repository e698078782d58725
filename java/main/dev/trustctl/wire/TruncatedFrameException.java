package dev.trustctl.wire;

import java.io.EOFException;

/** The peer closed in the middle of a message: {@code got} of {@code expected} bytes had arrived. */
public final class TruncatedFrameException extends EOFException {
    private static final long serialVersionUID = 1L;
    private final int got;
    private final int expected;

    public TruncatedFrameException(int got, int expected) {
        super("connection closed after " + got + " of " + expected + " bytes");
        this.got = got;
        this.expected = expected;
    }

    public int got() {
        return got;
    }

    public int expected() {
        return expected;
    }
}

package dev.trustctl.wire;

import java.io.IOException;

/** A header announced more payload than the limit allows (EMSGSIZE); nothing of the payload was read. */
public final class FrameTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long length;
    private final int max;

    public FrameTooLargeException(long length, int max) {
        super("frame of " + length + " bytes is over the limit of " + max);
        this.length = length;
        this.max = max;
    }

    public long length() {
        return length;
    }

    public int max() {
        return max;
    }
}

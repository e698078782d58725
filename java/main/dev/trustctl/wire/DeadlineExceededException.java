package dev.trustctl.wire;

import java.net.SocketTimeoutException;

/** A phase's deadline passed and the watchdog closed the connection (ETIMEDOUT). */
public final class DeadlineExceededException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;
    private final transient Phase phase;
    private final long timeoutMillis;

    public DeadlineExceededException(Phase phase, long timeoutMillis) {
        super(phase.label() + " timeout after " + timeoutMillis + " ms");
        this.phase = phase;
        this.timeoutMillis = timeoutMillis;
    }

    public Phase phase() {
        return phase;
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }
}

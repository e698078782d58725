package dev.trustctl.proto;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.KnownIOException;
import java.util.List;
import java.util.Map;

/** A phase's deadline passed and the connection was closed (ETIMEDOUT). */
public final class DeadlineExceededException extends KnownIOException {
    private static final long serialVersionUID = 1L;
    private final transient Phase phase;

    public DeadlineExceededException(Phase phase, long timeoutMillis) {
        super(phase.label() + " timeout after " + timeoutMillis + " ms", ErrorMap.TIMED_OUT,
                List.of(Map.entry("phase", phase.label()), Map.entry("timeout_ms", timeoutMillis)),
                "timeout in phase " + phase.label() + " after " + timeoutMillis + " ms");
        this.phase = phase;
    }

    public Phase phase() {
        return phase;
    }
}

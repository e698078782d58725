package dev.trustctl.wire;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.KnownFailure;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;

/** A phase's deadline passed and the watchdog closed the connection (ETIMEDOUT). */
public final class DeadlineExceededException extends SocketTimeoutException implements KnownFailure {
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

    @Override
    public ErrorMap.Row row() {
        return ErrorMap.TIMED_OUT;
    }

    @Override
    public List<Map.Entry<String, Object>> fields() {
        return List.of(Map.entry("phase", phase.label()), Map.entry("timeout_ms", timeoutMillis));
    }

    @Override
    public String inWords() {
        return "timeout in phase " + phase.label() + " after " + timeoutMillis + " ms";
    }
}

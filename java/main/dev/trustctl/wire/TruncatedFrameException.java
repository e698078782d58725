package dev.trustctl.wire;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.KnownFailure;
import java.io.EOFException;
import java.util.List;
import java.util.Map;

/** The peer closed in the middle of a message: {@code got} of {@code expected} bytes had arrived. */
public final class TruncatedFrameException extends EOFException implements KnownFailure {
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

    @Override
    public ErrorMap.Row row() {
        return ErrorMap.TRUNCATED;
    }

    @Override
    public List<Map.Entry<String, Object>> fields() {
        return List.of(Map.entry("got", got), Map.entry("expected", expected));
    }

    @Override
    public String inWords() {
        return "truncated: the peer closed after " + got + " of " + expected + " bytes";
    }
}

package dev.trustctl.proto;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.KnownIOException;
import java.util.List;
import java.util.Map;

/** The peer closed in the middle of a message: {@code got} of {@code expected} bytes had arrived. */
public final class TruncatedFrameException extends KnownIOException {
    private static final long serialVersionUID = 1L;

    public TruncatedFrameException(int got, int expected) {
        super("connection closed after " + got + " of " + expected + " bytes", ErrorMap.TRUNCATED,
                List.of(Map.entry("got", got), Map.entry("expected", expected)),
                "truncated: the peer closed after " + got + " of " + expected + " bytes");
    }
}

package dev.trustctl.server;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.KnownIOException;
import java.util.List;
import java.util.Map;

/** A client needed more buffer than the server may still hold for all its clients ({@link HeldBytes}). */
public final class HeldBytesExceededException extends KnownIOException {
    private static final long serialVersionUID = 1L;

    HeldBytesExceededException(int needed, long held, long limit) {
        super("no room for " + needed + " more bytes: the server holds " + held + " of at most " + limit
                + " for its clients", ErrorMap.MEMORY_LIMIT, List.of(Map.entry("needed_bytes", needed),
                        Map.entry("held_bytes", held), Map.entry("max_held_bytes", limit)),
                "rejected: no room for " + needed + " more bytes (the server holds " + held + " of " + limit + ")");
    }
}

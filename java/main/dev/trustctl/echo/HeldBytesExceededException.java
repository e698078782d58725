package dev.trustctl.echo;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.KnownFailure;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A client needed more buffer than the server may still hold for all its clients ({@link HeldBytes}). */
public final class HeldBytesExceededException extends IOException implements KnownFailure {
    private static final long serialVersionUID = 1L;
    private final int needed;
    private final long held;
    private final long limit;

    HeldBytesExceededException(int needed, long held, long limit) {
        super("no room for " + needed + " more bytes: the server holds " + held + " of at most " + limit
                + " for its clients");
        this.needed = needed;
        this.held = held;
        this.limit = limit;
    }

    @Override
    public ErrorMap.Row row() {
        return ErrorMap.MEMORY_LIMIT;
    }

    @Override
    public List<Map.Entry<String, Object>> fields() {
        return List.of(Map.entry("needed_bytes", needed), Map.entry("held_bytes", held), Map.entry("max_held_bytes", limit));
    }

    @Override
    public String inWords() {
        return "rejected: no room for " + needed + " more bytes (the server holds " + held + " of " + limit + ")";
    }
}

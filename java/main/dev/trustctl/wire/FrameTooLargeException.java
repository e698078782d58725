package dev.trustctl.wire;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.KnownFailure;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A header announced more payload than the limit allows (EMSGSIZE); nothing of the payload was read. */
public final class FrameTooLargeException extends IOException implements KnownFailure {
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

    @Override
    public ErrorMap.Row row() {
        return ErrorMap.TOO_LARGE;
    }

    @Override
    public List<Map.Entry<String, Object>> fields() {
        return List.of(Map.entry("length", length), Map.entry("max", max));
    }

    @Override
    public String inWords() {
        return "rejected: header announces " + length + " bytes, the limit is " + max;
    }
}

package dev.trustctl.proto;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.KnownIOException;
import java.util.List;
import java.util.Map;

/** A header announced more payload than the limit allows (EMSGSIZE); nothing of the payload was read. */
public final class FrameTooLargeException extends KnownIOException {
    private static final long serialVersionUID = 1L;

    public FrameTooLargeException(long length, int max) {
        super("frame of " + length + " bytes is over the limit of " + max, ErrorMap.TOO_LARGE,
                List.of(Map.entry("length", length), Map.entry("max", max)),
                "rejected: header announces " + length + " bytes, the limit is " + max);
    }
}

package dev.trustctl.fuzz;

import dev.trustctl.fuzz.Script.Ending;
import dev.trustctl.fuzz.Script.Reader;
import java.util.Locale;

/**
 * The echo protocol as a fuzz session sees it: from a {@link Script} alone, the bytes a correct server sends
 * back, whether the client then sees it close (a FIN after the last echo), and what its log says:
 * {@code conn_close}'s {@code reason}, the error event before it, and the bytes counted each way.
 */
final class Model {
    /** Unknown: a count the protocol does not pin down (bytes an RST may have discarded, a non-reader's). */
    static final long UNKNOWN = -1;

    /**
     * What a correct server does with a session. {@code echo} is null when the client never reads;
     * {@code errorEvent} is null when the close is not an error.
     */
    record Outcome(byte[] echo, boolean clientSeesEof, String reason, String errorEvent, long bytesIn,
            long bytesOut) {
    }

    private Model() {
    }

    static Outcome predict(Script s) {
        if (s.reader() == Reader.NEVER) {
            return new Outcome(null, false, "timeout", "conn_timeout", UNKNOWN, UNKNOWN);
        }
        byte[] echo = s.messages();
        long sent = echo.length + (long) s.tailBytes().length;
        return switch (s.ending()) {
            case HALF_CLOSE -> new Outcome(echo, true, "peer_closed", null, sent, echo.length);
            case FIN_MID_HEADER, FIN_MID_PAYLOAD ->
                    new Outcome(echo, true, "truncated_frame", "frame_truncated", sent, echo.length);
            // The reset may discard bytes the server had not read yet: what it counted in is not pinned down, nor
            // (raw mode echoes as bytes arrive) how much of a raw tail went back out before the reset.
            case RST_MID_HEADER, RST_MID_PAYLOAD ->
                    new Outcome(echo, false, "reset", "conn_error", UNKNOWN, s.raw() ? UNKNOWN : echo.length);
            case OVERSIZE -> new Outcome(echo, true, "frame_rejected", "frame_rejected", sent, echo.length);
            case IDLE -> new Outcome(echo, true, "timeout", "conn_timeout", sent, echo.length);
        };
    }

    /**
     * The fault a session injects on purpose, named for the summary (a slow or never-reading client, else its
     * ending), or null for a client that reads and half-closes cleanly.
     */
    static String fault(Script s) {
        if (s.reader() == Reader.NEVER || s.reader() == Reader.SLOW) {
            return s.reader().name().toLowerCase(Locale.ROOT) + "_reader";
        }
        return s.ending() == Ending.HALF_CLOSE ? null : s.ending().name().toLowerCase(Locale.ROOT);
    }
}

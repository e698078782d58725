package dev.trustctl.load;

import dev.trustctl.errors.ErrorMap;

/** Why a round trip or a session failed, as the load report counts them. */
public enum Failure {
    CONNECT, RESET, TIMEOUT, CLOSED, MISMATCH, DEADLINE, OTHER;

    /** The report's name for it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Failure of(Throwable e) {
        ErrorMap.Row row = ErrorMap.classify(e);
        if (row == ErrorMap.RESET || row == ErrorMap.BROKEN_PIPE) {
            return RESET;
        }
        if (row == ErrorMap.TIMED_OUT || row == ErrorMap.WOULD_BLOCK) {
            return TIMEOUT;
        }
        if (row == ErrorMap.PEER_CLOSED || row == ErrorMap.TRUNCATED) {
            return CLOSED;
        }
        if (row == ErrorMap.TOO_LARGE) {
            return MISMATCH;
        }
        return OTHER;
    }
}

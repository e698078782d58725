package dev.trustctl.errors;

import java.util.Locale;

/** Why a round trip or a session of the load tester failed, as its report counts them. */
public enum LoadFailure {
    CONNECT, RESET, TIMEOUT, CLOSED, MISMATCH,
    /** The run's --duration ended under it: the load tester's own verdict, no error's. */
    DEADLINE,
    OTHER;

    /** The report's name for it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

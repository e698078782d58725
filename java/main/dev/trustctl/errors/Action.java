package dev.trustctl.errors;

import java.util.Locale;

/** What the server does about an error; logged as its name in lower case ({@code close_connection}). */
public enum Action {
    /** Close this connection; everyone else is served as before. */
    CLOSE_CONNECTION,
    /** Wait (5 ms doubling to 1 s) and try again: the condition is the machine's, not the peer's. */
    BACK_OFF,
    /** The process cannot do its job (e.g. the port is taken): report and exit. */
    EXIT;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}

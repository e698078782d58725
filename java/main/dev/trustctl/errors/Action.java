package dev.trustctl.errors;

/** What the server does about an error. */
public enum Action {
    /** Close this connection; everyone else is served as before. */
    CLOSE_CONNECTION("close_connection"),
    /** Wait (5 ms doubling to 1 s) and try again: the condition is the machine's, not the peer's. */
    BACK_OFF("back_off"),
    /** The process cannot do its job (e.g. the port is taken): report and exit. */
    EXIT("exit");

    private final String label;

    Action(String label) {
        this.label = label;
    }

    /** The name used in logs. */
    public String label() {
        return label;
    }
}

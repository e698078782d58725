package dev.trustctl.errors;

/** Every exit status trustctl and its launchers return; the exit-code table in docs/cli.md lists the same. */
public final class ExitCode {
    /** Done as asked. */
    public static final int OK = 0;
    /** A runtime failure: I/O, TRUST_HOME, a port in use. */
    public static final int FAILURE = 1;
    /** Bad command line: unknown command or option, missing or invalid value. */
    public static final int USAGE = 2;
    /** Could not connect: refused, unknown host, unreachable. */
    public static final int CONNECT_FAILED = 3;
    /** The server closed or reset the connection before the echo arrived (e.g. it rejected the frame). */
    public static final int PEER_CLOSED = 4;
    /** No echo within --timeout. */
    public static final int TIMEOUT = 5;
    /** An echo arrived but differs from what was sent. */
    public static final int MISMATCH = 6;

    private ExitCode() {
    }
}

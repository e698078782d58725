package dev.trustctl.errors;

import static dev.trustctl.errors.Action.BACK_OFF;
import static dev.trustctl.errors.Action.CLOSE_CONNECTION;
import static dev.trustctl.errors.Action.EXIT;
import static org.slf4j.event.Level.ERROR;
import static org.slf4j.event.Level.WARN;

import java.io.EOFException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The one table from a failure to everything anyone does about it: the errno it stands for, the server's log
 * event, action, level and close reason, the echo client's exit code and the load tester's failure kind. Callers
 * read their answer from the row; none decides by exception type. trustctl's own failures name their row
 * ({@link KnownIOException}); Java hides errno behind exception types and the kernel's strerror text, so the JDK's
 * are matched on the type first, then on the text. The first matching rule wins; anything unknown is
 * {@code EIO}, closing only its connection, and a bug (a RuntimeException or an Error) is an internal error.
 */
public final class ErrorMap {
    /** One row of the table. {@code level} is the server's for a connection's line; clients log failures as errors. */
    public record Row(String errno, String event, Action action, String reason, Level level, int exitCode,
                      LoadFailure loadFailure) {
    }

    private record Rule(Predicate<Throwable> matches, Row row) {
    }

    private static final String CONNECT_FAILED = "connect_failed";
    private static final String TIMEOUT_EVENT = "conn_timeout";

    //                                                errno            event                  action            reason                   level  client exit               load tester
    public static final Row TIMED_OUT       = new Row("ETIMEDOUT",     TIMEOUT_EVENT,         CLOSE_CONNECTION, "timeout",               WARN,  ExitCode.TIMEOUT,         LoadFailure.TIMEOUT);
    public static final Row WOULD_BLOCK     = new Row("EAGAIN",        TIMEOUT_EVENT,         CLOSE_CONNECTION, "timeout",               WARN,  ExitCode.TIMEOUT,         LoadFailure.TIMEOUT);
    public static final Row TOO_LARGE       = new Row("EMSGSIZE",      "frame_rejected",      CLOSE_CONNECTION, "frame_rejected",        WARN,  ExitCode.MISMATCH,        LoadFailure.MISMATCH);
    public static final Row TRUNCATED       = new Row("EOF",           "frame_truncated",     CLOSE_CONNECTION, "truncated_frame",       WARN,  ExitCode.PEER_CLOSED,     LoadFailure.CLOSED);
    public static final Row PEER_CLOSED     = new Row("EOF",           "peer_closed",         CLOSE_CONNECTION, "peer_closed",           WARN,  ExitCode.PEER_CLOSED,     LoadFailure.CLOSED);
    public static final Row RESET           = new Row("ECONNRESET",    "conn_error",          CLOSE_CONNECTION, "reset",                 WARN,  ExitCode.PEER_CLOSED,     LoadFailure.RESET);
    public static final Row BROKEN_PIPE     = new Row("EPIPE",         "conn_error",          CLOSE_CONNECTION, "broken_pipe",           WARN,  ExitCode.PEER_CLOSED,     LoadFailure.RESET);
    public static final Row CLOSED          = new Row("EBADF",         "conn_closed_locally", CLOSE_CONNECTION, "closed",                WARN,  ExitCode.PEER_CLOSED,     LoadFailure.OTHER);
    public static final Row NO_FDS          = new Row("EMFILE",        "accept_error",        BACK_OFF,         "fd_limit",              WARN,  ExitCode.FAILURE,         LoadFailure.OTHER);
    public static final Row NO_SYSTEM_FDS   = new Row("ENFILE",        "accept_error",        BACK_OFF,         "fd_limit",              WARN,  ExitCode.FAILURE,         LoadFailure.OTHER);
    public static final Row NO_BUFFERS      = new Row("ENOBUFS",       "accept_error",        BACK_OFF,         "no_buffers",            WARN,  ExitCode.FAILURE,         LoadFailure.OTHER);
    /** No thread or buffer for a client: that client is closed (an acceptor that met it backs off, and says so). */
    public static final Row NO_MEMORY       = new Row("ENOMEM",        "conn_error",          CLOSE_CONNECTION, "no_memory",             ERROR, ExitCode.FAILURE,         LoadFailure.OTHER);
    /** The server holds as much for its clients as it may: the client that needs more is closed, the rest served. */
    public static final Row MEMORY_LIMIT    = new Row("ENOBUFS",       "conn_rejected",       CLOSE_CONNECTION, "memory_limit",          WARN,  ExitCode.PEER_CLOSED,     LoadFailure.CLOSED);
    /** A bug (a RuntimeException or an Error): the one connection it happened on is closed. */
    public static final Row INTERNAL        = new Row("EIO",           "conn_error",          CLOSE_CONNECTION, "internal_error",        ERROR, ExitCode.FAILURE,         LoadFailure.OTHER);
    public static final Row ADDRESS_IN_USE  = new Row("EADDRINUSE",    "bind_failed",         EXIT,             "address_in_use",        ERROR, ExitCode.FAILURE,         LoadFailure.OTHER);
    public static final Row ACCESS          = new Row("EACCES",        "bind_failed",         EXIT,             "permission_denied",     ERROR, ExitCode.FAILURE,         LoadFailure.OTHER);
    public static final Row NOT_AVAILABLE   = new Row("EADDRNOTAVAIL", "bind_failed",         EXIT,             "address_not_available", ERROR, ExitCode.FAILURE,         LoadFailure.OTHER);
    public static final Row REFUSED         = new Row("ECONNREFUSED",  CONNECT_FAILED,        EXIT,             "refused",               ERROR, ExitCode.CONNECT_FAILED,  LoadFailure.CONNECT);
    public static final Row UNKNOWN_HOST    = new Row("EAI_NONAME",    CONNECT_FAILED,        EXIT,             "unknown_host",          ERROR, ExitCode.CONNECT_FAILED,  LoadFailure.CONNECT);
    public static final Row UNREACHABLE     = new Row("ENETUNREACH",   CONNECT_FAILED,        EXIT,             "unreachable",           ERROR, ExitCode.CONNECT_FAILED,  LoadFailure.CONNECT);
    public static final Row NO_ROUTE        = new Row("EHOSTUNREACH",  CONNECT_FAILED,        EXIT,             "unreachable",           ERROR, ExitCode.CONNECT_FAILED,  LoadFailure.CONNECT);
    /** No answer to the SYN within the client's timeout (or the kernel's): a connect, so never EAGAIN. */
    public static final Row CONNECT_TIMED_OUT = new Row("ETIMEDOUT",   CONNECT_FAILED,        EXIT,             "timeout",               ERROR, ExitCode.CONNECT_FAILED,  LoadFailure.CONNECT);
    /** A client's check, not a Java exception: the echo came back different from what was sent. */
    public static final Row ECHO_MISMATCH   = new Row("EBADMSG",       "echo_mismatch",       EXIT,             "mismatch",              ERROR, ExitCode.MISMATCH,        LoadFailure.MISMATCH);
    public static final Row OTHER           = new Row("EIO",           "conn_error",          CLOSE_CONNECTION, "error",                 WARN,  ExitCode.PEER_CLOSED,     LoadFailure.OTHER);

    private static final List<Rule> RULES = List.of(
            new Rule(e -> e instanceof OutOfMemoryError, NO_MEMORY),
            new Rule(e -> e instanceof RuntimeException || e instanceof Error, INTERNAL),
            new Rule(e -> e instanceof SocketTimeoutException, WOULD_BLOCK),
            new Rule(e -> e instanceof EOFException, PEER_CLOSED),
            new Rule(e -> e instanceof ClosedChannelException, CLOSED),
            new Rule(e -> e instanceof UnknownHostException, UNKNOWN_HOST),
            new Rule(e -> e instanceof NoRouteToHostException, NO_ROUTE),
            new Rule(says("connection timed out"), TIMED_OUT),
            new Rule(says("connection reset"), RESET),
            new Rule(says("broken pipe"), BROKEN_PIPE),
            new Rule(says("too many open files in system"), NO_SYSTEM_FDS),
            new Rule(says("too many open files"), NO_FDS),
            new Rule(says("no buffer space"), NO_BUFFERS),
            new Rule(says("address already in use"), ADDRESS_IN_USE),
            new Rule(says("permission denied"), ACCESS),
            new Rule(says("cannot assign requested address"), NOT_AVAILABLE),
            new Rule(e -> e instanceof BindException, ADDRESS_IN_USE),
            new Rule(says("connection refused"), REFUSED),
            new Rule(says("no route to host"), NO_ROUTE),
            new Rule(says("unreachable"), UNREACHABLE),
            new Rule(e -> e instanceof ConnectException, REFUSED));

    private ErrorMap() {
    }

    /**
     * The policy for errors the JVM itself raises: a {@link StackOverflowError} (its stack is unwound by the time
     * it is caught) and an {@link OutOfMemoryError} (what the failed request held is garbage now) close the one
     * connection they happened on, like any bug. Any other {@link VirtualMachineError} ({@link InternalError},
     * {@link UnknownError}) says the JVM can no longer be trusted: the server ends, loudly, with a non-zero exit.
     */
    public static boolean endsTheServer(Throwable error) {
        return error instanceof VirtualMachineError && !(error instanceof StackOverflowError)
                && !(error instanceof OutOfMemoryError);
    }

    /** Throws {@code error} on if it {@link #endsTheServer}: for a catch that closes one connection on all else. */
    public static void rethrowIfFatal(Throwable error) {
        if (endsTheServer(error)) {
            throw (VirtualMachineError) error;
        }
    }

    public static Row classify(Throwable error) {
        if (error instanceof KnownIOException known) {
            return known.row();
        }
        for (Rule rule : RULES) { // a plain loop: this runs after an OutOfMemoryError too
            if (rule.matches().test(error)) {
                return rule.row();
            }
        }
        return OTHER;
    }

    /**
     * The row for a failure met while connecting: always {@code connect_failed}, action exit. A connect that timed
     * out is {@code ETIMEDOUT} whichever way Java says it (a {@link SocketTimeoutException} from
     * {@code connect(address, timeout)}, the watchdog's deadline, or the kernel's own ETIMEDOUT).
     */
    public static Row classifyConnect(Throwable error) {
        Row row = classify(error);
        if (row.event().equals(TIMEOUT_EVENT)) {
            return CONNECT_TIMED_OUT;
        }
        return row.event().equals(CONNECT_FAILED) ? row
                : new Row(row.errno(), CONNECT_FAILED, EXIT, row.reason(), ERROR, ExitCode.CONNECT_FAILED,
                        LoadFailure.CONNECT);
    }

    /**
     * The fields that describe {@code error} on its log line: a known failure's own (a phase and its timeout, a
     * length and the limit), else {@code error}: the JDK's words, or a bug's whole {@code toString()}. {@code row}
     * is {@code error}'s, which its caller has classified already.
     */
    public static List<Map.Entry<String, Object>> fields(Row row, Throwable error) {
        if (error instanceof KnownIOException known) {
            return known.fields();
        }
        return List.of(Map.entry("error", row == INTERNAL || row == NO_MEMORY ? error.toString()
                : String.valueOf(error.getMessage())));
    }

    /** {@code line} with the {@link #fields} of {@code error} (whose row is {@code row}) added. */
    public static LoggingEventBuilder withFields(LoggingEventBuilder line, Row row, Throwable error) {
        fields(row, error).forEach(field -> line.addKeyValue(field.getKey(), field.getValue()));
        return line;
    }

    /** The failure in a few words for {@code --trace}: a known failure's own, else its errno and close reason. */
    public static String inWords(Throwable error) {
        if (error instanceof KnownIOException known) {
            return known.inWords();
        }
        Row row = classify(error);
        return "error " + row.errno() + " (" + row.reason() + ")";
    }

    private static Predicate<Throwable> says(String text) {
        return e -> e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains(text);
    }
}

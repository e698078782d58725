package dev.trustctl.errors;

import dev.trustctl.wire.DeadlineExceededException;
import dev.trustctl.wire.FrameTooLargeException;
import dev.trustctl.wire.TruncatedFrameException;
import java.io.EOFException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The one table from what Java raises to the errno it stands for, the log event and the action. Java hides
 * errno behind exception types and the kernel's strerror text, so rows match on the type first, then on the
 * text; the first matching row wins and anything unknown is {@code EIO}, closing only its connection.
 */
public final class ErrorMap {
    /** One row: errno name, log event, action, and the reason a closed connection gives in {@code conn_close}. */
    public record Row(String errno, String event, Action action, String reason) {
    }

    private record Rule(Predicate<Throwable> matches, Row row) {
    }

    public static final Row TIMED_OUT = new Row("ETIMEDOUT", "conn_timeout", Action.CLOSE_CONNECTION, "timeout");
    public static final Row WOULD_BLOCK = new Row("EAGAIN", "conn_timeout", Action.CLOSE_CONNECTION, "timeout");
    public static final Row TOO_LARGE = new Row("EMSGSIZE", "frame_rejected", Action.CLOSE_CONNECTION, "frame_rejected");
    public static final Row TRUNCATED = new Row("EOF", "frame_truncated", Action.CLOSE_CONNECTION, "truncated_frame");
    public static final Row PEER_CLOSED = new Row("EOF", "peer_closed", Action.CLOSE_CONNECTION, "peer_closed");
    public static final Row RESET = new Row("ECONNRESET", "conn_error", Action.CLOSE_CONNECTION, "reset");
    public static final Row BROKEN_PIPE = new Row("EPIPE", "conn_error", Action.CLOSE_CONNECTION, "broken_pipe");
    public static final Row NO_FDS = new Row("EMFILE", "accept_error", Action.BACK_OFF, "fd_limit");
    public static final Row NO_SYSTEM_FDS = new Row("ENFILE", "accept_error", Action.BACK_OFF, "fd_limit");
    public static final Row NO_BUFFERS = new Row("ENOBUFS", "accept_error", Action.BACK_OFF, "no_buffers");
    public static final Row ADDRESS_IN_USE = new Row("EADDRINUSE", "bind_failed", Action.EXIT, "address_in_use");
    public static final Row ACCESS = new Row("EACCES", "bind_failed", Action.EXIT, "permission_denied");
    public static final Row NOT_AVAILABLE = new Row("EADDRNOTAVAIL", "bind_failed", Action.EXIT, "address_not_available");
    public static final Row REFUSED = new Row("ECONNREFUSED", "connect_failed", Action.EXIT, "refused");
    public static final Row UNKNOWN_HOST = new Row("EAI_NONAME", "connect_failed", Action.EXIT, "unknown_host");
    public static final Row UNREACHABLE = new Row("ENETUNREACH", "connect_failed", Action.EXIT, "unreachable");
    public static final Row NO_ROUTE = new Row("EHOSTUNREACH", "connect_failed", Action.EXIT, "unreachable");
    /** No answer to the SYN within the client's timeout (or the kernel's): a connect, so never EAGAIN. */
    public static final Row CONNECT_TIMED_OUT = new Row("ETIMEDOUT", "connect_failed", Action.EXIT, "timeout");
    public static final Row CLOSED = new Row("EBADF", "conn_closed_locally", Action.CLOSE_CONNECTION, "closed");
    public static final Row NO_MEMORY = new Row("ENOMEM", "resource_exhausted", Action.BACK_OFF, "no_memory");
    /** A client's check, not a Java exception: the echo came back different from what was sent. */
    public static final Row ECHO_MISMATCH = new Row("EBADMSG", "echo_mismatch", Action.EXIT, "mismatch");
    public static final Row OTHER = new Row("EIO", "conn_error", Action.CLOSE_CONNECTION, "error");

    private static final List<Rule> RULES = List.of(
            new Rule(e -> e instanceof DeadlineExceededException, TIMED_OUT),
            new Rule(e -> e instanceof OutOfMemoryError, NO_MEMORY),
            new Rule(e -> e instanceof SocketTimeoutException, WOULD_BLOCK),
            new Rule(e -> e instanceof FrameTooLargeException, TOO_LARGE),
            new Rule(e -> e instanceof TruncatedFrameException, TRUNCATED),
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

    public static Row classify(Throwable error) {
        for (Rule rule : RULES) {
            if (rule.matches().test(error)) {
                return rule.row();
            }
        }
        return OTHER;
    }

    /**
     * The row for an error raised while connecting: always {@code connect_failed} with action exit. A connect
     * that timed out is {@code ETIMEDOUT} whichever way Java says it (a {@link SocketTimeoutException} from
     * {@code connect(address, timeout)}, the watchdog's deadline, or the kernel's own ETIMEDOUT).
     */
    public static Row classifyConnect(Throwable error) {
        Row row = classify(error);
        if (error instanceof SocketTimeoutException || row == TIMED_OUT || row == WOULD_BLOCK) {
            return CONNECT_TIMED_OUT;
        }
        return row.event().equals("connect_failed") ? row : new Row(row.errno(), "connect_failed", Action.EXIT, row.reason());
    }

    private static Predicate<Throwable> says(String text) {
        return e -> e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains(text);
    }
}

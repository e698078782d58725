package dev.trustctl.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import dev.trustctl.proto.DeadlineExceededException;
import dev.trustctl.proto.FrameTooLargeException;
import dev.trustctl.proto.Phase;
import dev.trustctl.proto.TruncatedFrameException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.event.Level;

/**
 * Every row of the error table, from the exception Java really raises (its type and the kernel's strerror
 * text) to the errno name, the log event, the action and the close reason.
 */
class ErrorMapTest {
    private static final Action CLOSE = Action.CLOSE_CONNECTION;

    static Stream<Arguments> rows() {
        return Stream.of(
                row(new DeadlineExceededException(Phase.IDLE, 500), "ETIMEDOUT", "conn_timeout", CLOSE, "timeout"),
                row(new DeadlineExceededException(Phase.FRAME, 500), "ETIMEDOUT", "conn_timeout", CLOSE, "timeout"),
                row(new DeadlineExceededException(Phase.WRITE, 500), "ETIMEDOUT", "conn_timeout", CLOSE, "timeout"),
                row(new SocketTimeoutException("Read timed out"), "EAGAIN", "conn_timeout", CLOSE, "timeout"),
                row(new OutOfMemoryError("unable to create native thread"), "ENOMEM", "conn_error",
                        Action.CLOSE_CONNECTION, "no_memory"),
                row(new SocketTimeoutException("Connect timed out"), "EAGAIN", "conn_timeout", CLOSE, "timeout"),
                row(new FrameTooLargeException(65537, 65536), "EMSGSIZE", "frame_rejected", CLOSE, "frame_rejected"),
                row(new TruncatedFrameException(2, 4), "EOF", "frame_truncated", CLOSE, "truncated_frame"),
                row(new EOFException(), "EOF", "peer_closed", CLOSE, "peer_closed"),
                row(new EOFException("closed locally"), "EOF", "peer_closed", CLOSE, "peer_closed"),
                row(new ClosedChannelException(), "EBADF", "conn_closed_locally", CLOSE, "closed"),
                row(new AsynchronousCloseException(), "EBADF", "conn_closed_locally", CLOSE, "closed"),
                row(new UnknownHostException("no-such-host.invalid"), "EAI_NONAME", "connect_failed", Action.EXIT,
                        "unknown_host"),
                row(new SocketException("Connection reset"), "ECONNRESET", "conn_error", CLOSE, "reset"),
                row(new IOException("Connection reset by peer"), "ECONNRESET", "conn_error", CLOSE, "reset"),
                row(new IOException("Broken pipe"), "EPIPE", "conn_error", CLOSE, "broken_pipe"),
                row(new SocketException("Broken pipe (Write failed)"), "EPIPE", "conn_error", CLOSE, "broken_pipe"),
                row(new IOException("Too many open files"), "EMFILE", "accept_error", Action.BACK_OFF, "fd_limit"),
                row(new IOException("Too many open files in system"), "ENFILE", "accept_error", Action.BACK_OFF,
                        "fd_limit"),
                row(new IOException("No buffer space available"), "ENOBUFS", "accept_error", Action.BACK_OFF,
                        "no_buffers"),
                row(new BindException("Address already in use"), "EADDRINUSE", "bind_failed", Action.EXIT,
                        "address_in_use"),
                row(new BindException("Permission denied"), "EACCES", "bind_failed", Action.EXIT, "permission_denied"),
                row(new BindException("Cannot assign requested address"), "EADDRNOTAVAIL", "bind_failed", Action.EXIT,
                        "address_not_available"),
                row(new BindException("Bind failed"), "EADDRINUSE", "bind_failed", Action.EXIT, "address_in_use"),
                row(new ConnectException("Connection refused"), "ECONNREFUSED", "connect_failed", Action.EXIT,
                        "refused"),
                row(new ConnectException(), "ECONNREFUSED", "connect_failed", Action.EXIT, "refused"),
                row(new SocketException("Network is unreachable"), "ENETUNREACH", "connect_failed", Action.EXIT,
                        "unreachable"),
                row(new NoRouteToHostException("No route to host"), "EHOSTUNREACH", "connect_failed",
                        Action.EXIT, "unreachable"),
                // The kernel's ETIMEDOUT (SYNs unanswered past a long --timeout; retransmissions or keepalive
                // giving up on a vanished peer): the JDK raises ConnectException or a plain IOException.
                row(new ConnectException("Connection timed out"), "ETIMEDOUT", "conn_timeout", CLOSE, "timeout"),
                row(new IOException("Connection timed out"), "ETIMEDOUT", "conn_timeout", CLOSE, "timeout"),
                row(new IOException("something nobody planned for"), "EIO", "conn_error", CLOSE, "error"),
                row(new IOException(), "EIO", "conn_error", CLOSE, "error"),
                row(new SocketException("Socket closed"), "EIO", "conn_error", CLOSE, "error"),
                row(new IllegalStateException("not I/O at all"), "EIO", "conn_error", CLOSE, "internal_error"),
                row(new StackOverflowError(), "EIO", "conn_error", CLOSE, "internal_error"));
    }

    private static Arguments row(Throwable error, String errno, String event, Action action, String reason) {
        return Arguments.of(error, List.of(errno, event, action, reason));
    }

    /** What the server logs and does: errno, event, action, close reason. */
    private static List<Object> served(ErrorMap.Row row) {
        return List.of(row.errno(), row.event(), row.action(), row.reason());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rows")
    void eachErrorMapsToItsRow(Throwable error, List<Object> expected) {
        assertThat(served(ErrorMap.classify(error))).isEqualTo(expected);
    }

    @Test
    void aBugIsAnErrorLineAndAPeersFailureAWarning() {
        assertThat(ErrorMap.classify(new IllegalStateException("bug")).level()).isEqualTo(Level.ERROR);
        assertThat(ErrorMap.classify(new OutOfMemoryError()).level()).isEqualTo(Level.ERROR);
        assertThat(ErrorMap.classify(new SocketException("Connection reset")).level()).isEqualTo(Level.WARN);
        assertThat(ErrorMap.classify(new FrameTooLargeException(65537, 65536)).level()).isEqualTo(Level.WARN);
    }

    @Test
    void theClientsExitCodeIsReadFromTheRow() {
        assertThat(ErrorMap.classify(new DeadlineExceededException(Phase.IDLE, 5)).exitCode()).isEqualTo(ExitCode.TIMEOUT);
        assertThat(ErrorMap.classify(new SocketTimeoutException("Read timed out")).exitCode()).isEqualTo(ExitCode.TIMEOUT);
        assertThat(ErrorMap.classify(new FrameTooLargeException(70000, 65536)).exitCode()).isEqualTo(ExitCode.MISMATCH);
        assertThat(ErrorMap.ECHO_MISMATCH.exitCode()).isEqualTo(ExitCode.MISMATCH);
        assertThat(ErrorMap.classify(new EOFException()).exitCode()).isEqualTo(ExitCode.PEER_CLOSED);
        assertThat(ErrorMap.classify(new SocketException("Connection reset")).exitCode()).isEqualTo(ExitCode.PEER_CLOSED);
        assertThat(ErrorMap.classify(new IOException("?")).exitCode()).isEqualTo(ExitCode.PEER_CLOSED);
        assertThat(ErrorMap.classifyConnect(new SocketException("Connection reset")).exitCode())
                .isEqualTo(ExitCode.CONNECT_FAILED);
        assertThat(ErrorMap.classifyConnect(new SocketTimeoutException("Connect timed out")).exitCode())
                .isEqualTo(ExitCode.CONNECT_FAILED);
    }

    @Test
    void theLoadTesterCountsEachFailureByItsRow() {
        assertThat(ErrorMap.classify(new SocketException("Connection reset")).loadFailure()).isEqualTo(LoadFailure.RESET);
        assertThat(ErrorMap.classify(new IOException("Broken pipe")).loadFailure()).isEqualTo(LoadFailure.RESET);
        assertThat(ErrorMap.classify(new DeadlineExceededException(Phase.IDLE, 5)).loadFailure())
                .isEqualTo(LoadFailure.TIMEOUT);
        assertThat(ErrorMap.classify(new TruncatedFrameException(1, 4)).loadFailure()).isEqualTo(LoadFailure.CLOSED);
        assertThat(ErrorMap.classify(new EOFException()).loadFailure()).isEqualTo(LoadFailure.CLOSED);
        assertThat(ErrorMap.classify(new FrameTooLargeException(70000, 65536)).loadFailure())
                .isEqualTo(LoadFailure.MISMATCH);
        assertThat(ErrorMap.classify(new ClosedChannelException()).loadFailure()).isEqualTo(LoadFailure.OTHER);
        assertThat(ErrorMap.classifyConnect(new ConnectException("Connection refused")).loadFailure())
                .isEqualTo(LoadFailure.CONNECT);
        assertThat(LoadFailure.TIMEOUT.label()).isEqualTo("timeout");
    }

    private static List<Map.Entry<String, Object>> fields(Throwable error) {
        return ErrorMap.fields(ErrorMap.classify(error), error);
    }

    @Test
    void aKnownFailureCarriesItsOwnFieldsAndAnyOtherItsWords() {
        assertThat(fields(new DeadlineExceededException(Phase.FRAME, 500)))
                .containsExactly(entry("phase", "frame"), entry("timeout_ms", 500L));
        assertThat(fields(new FrameTooLargeException(70000, 65536)))
                .containsExactly(entry("length", 70000L), entry("max", 65536));
        assertThat(fields(new TruncatedFrameException(2, 4)))
                .containsExactly(entry("got", 2), entry("expected", 4));
        assertThat(fields(new SocketException("Connection reset")))
                .containsExactly(entry("error", "Connection reset"));
        assertThat(fields(new IOException())).containsExactly(entry("error", "null"));
        assertThat(fields(new IllegalStateException("bug")))
                .containsExactly(entry("error", "java.lang.IllegalStateException: bug"));
    }

    @Test
    void aFailureInWordsForTheTrace() {
        assertThat(ErrorMap.inWords(new DeadlineExceededException(Phase.FRAME, 300)))
                .isEqualTo("timeout in phase frame after 300 ms");
        assertThat(ErrorMap.inWords(new FrameTooLargeException(70000, 65536)))
                .isEqualTo("rejected: header announces 70000 bytes, the limit is 65536");
        assertThat(ErrorMap.inWords(new TruncatedFrameException(2, 4)))
                .isEqualTo("truncated: the peer closed after 2 of 4 bytes");
        assertThat(ErrorMap.inWords(new SocketException("Connection reset"))).isEqualTo("error ECONNRESET (reset)");
    }

    @Test
    void aConnectThatTimedOutIsEtimedoutConnectFailedHoweverJavaSaysIt() {
        for (Throwable e : new Throwable[] {new SocketTimeoutException("Connect timed out"),
                new DeadlineExceededException(Phase.WRITE, 300), new ConnectException("Connection timed out")}) {
            assertThat(ErrorMap.classifyConnect(e)).as(e.toString()).isSameAs(ErrorMap.CONNECT_TIMED_OUT);
        }
        assertThat(served(ErrorMap.CONNECT_TIMED_OUT)).containsExactly("ETIMEDOUT", "connect_failed", Action.EXIT, "timeout");
    }

    @Test
    void anyConnectFailureIsConnectFailedWithActionExit() {
        assertThat(ErrorMap.classifyConnect(new ConnectException("Connection refused"))).isSameAs(ErrorMap.REFUSED);
        assertThat(served(ErrorMap.classifyConnect(new SocketException("Connection reset"))))
                .containsExactly("ECONNRESET", "connect_failed", Action.EXIT, "reset");
        // The type alone names EHOSTUNREACH, whatever language the kernel's text is in.
        assertThat(ErrorMap.classifyConnect(new NoRouteToHostException("Keine Route zum Zielrechner")))
                .isSameAs(ErrorMap.NO_ROUTE);
    }

    @Test
    void textIsMatchedWhateverItsCase() {
        assertThat(ErrorMap.classify(new IOException("CONNECTION RESET BY PEER"))).isSameAs(ErrorMap.RESET);
    }

    @Test
    void theActionsHaveTheirLogNames() {
        assertThat(Action.CLOSE_CONNECTION.label()).isEqualTo("close_connection");
        assertThat(Action.BACK_OFF.label()).isEqualTo("back_off");
        assertThat(Action.EXIT.label()).isEqualTo("exit");
    }

    @Test
    void anUnknownErrorClosesOnlyItsConnection() {
        assertThat(ErrorMap.classify(new IOException("?"))).isSameAs(ErrorMap.OTHER);
        assertThat(ErrorMap.OTHER.action()).isEqualTo(Action.CLOSE_CONNECTION);
    }

    // The same rows, reached through what the JDK throws on this machine rather than hand-made exceptions.

    @Test
    void aRealRefusedConnection() throws IOException {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        IOException e = catchThrowableOfType(IOException.class,
                () -> SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).close());
        assertThat(e).isInstanceOf(ConnectException.class);
        assertThat(ErrorMap.classify(e)).isSameAs(ErrorMap.REFUSED);
    }

    @Test
    void aRealPortInUse() throws IOException {
        try (ServerSocketChannel taken = ServerSocketChannel.open()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (ServerSocketChannel second = ServerSocketChannel.open()) {
                IOException e = catchThrowableOfType(IOException.class, () -> second.bind(taken.getLocalAddress()));
                assertThat(e).isInstanceOf(BindException.class);
                assertThat(ErrorMap.classify(e)).isSameAs(ErrorMap.ADDRESS_IN_USE);
            }
        }
    }

    @Test
    void aRealAddressThisMachineDoesNotHave() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            IOException e = catchThrowableOfType(IOException.class,
                    () -> listener.bind(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0)));
            assertThat(e).isInstanceOf(BindException.class);
            assertThat(ErrorMap.classify(e)).isSameAs(ErrorMap.NOT_AVAILABLE);
        }
    }

    @Test
    @Timeout(10)
    void aRealResetSeenByAChannelAndByASocket() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            for (boolean viaSocket : new boolean[] {false, true}) {
                Socket client = new Socket();
                try (SocketChannel accepted = acceptFrom(listener, client)) {
                    client.setSoLinger(true, 0);
                    client.close(); // SO_LINGER 0: the close sends RST, not FIN
                    IOException e = catchThrowableOfType(IOException.class, () -> {
                        if (viaSocket) {
                            InputStream in = accepted.socket().getInputStream();
                            in.read();
                        } else {
                            accepted.read(ByteBuffer.allocate(16));
                        }
                    });
                    assertThat(e).as("read after RST (socket api: %s)", viaSocket).isNotNull();
                    assertThat(ErrorMap.classify(e)).as(e.toString()).isSameAs(ErrorMap.RESET);
                }
            }
        }
    }

    private static SocketChannel acceptFrom(ServerSocketChannel listener, Socket client) throws IOException {
        try {
            client.connect(listener.getLocalAddress());
            return listener.accept();
        } catch (IOException e) {
            client.close();
            throw e;
        }
    }

    @Test
    @Timeout(10)
    void aRealReadTimeout() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
             Socket accepted = listener.accept()) {
            client.setSoTimeout(50);
            IOException e = catchThrowableOfType(IOException.class, () -> client.getInputStream().read());
            assertThat(e).isInstanceOf(SocketTimeoutException.class);
            assertThat(ErrorMap.classify(e)).isSameAs(ErrorMap.WOULD_BLOCK);
            assertThat(accepted.isConnected()).isTrue();
        }
    }

    @Test
    void aRealReadOnAClosedChannel() throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.close();
        IOException e = catchThrowableOfType(IOException.class, () -> channel.read(ByteBuffer.allocate(1)));
        assertThat(e).isInstanceOf(ClosedChannelException.class);
        assertThat(ErrorMap.classify(e)).isSameAs(ErrorMap.CLOSED);
    }
}

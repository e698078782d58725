package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.frame;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static dev.trustctl.server.ServerProcess.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.proto.FrameCodec;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SIGPIPE on a real server process. There is no code of ours to find: HotSpot installs a handler for SIGPIPE
 * at start-up that does nothing (signals_posix.cpp, "Ignore SIGPIPE and SIGXFSZ"), so the signal is caught
 * (SigCgt), not ignored (SigIgn), and a write to a gone peer fails with EPIPE instead of killing the process.
 */
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class SigpipeProcessTest {
    private static final int SIGPIPE = 13;

    /** Attempts at the race below before giving up; each one is a few milliseconds. */
    private static final int ATTEMPTS = 50;

    @Parameter
    Io io;

    @TempDir
    Path home;
    private ServerProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Starts the server; returns once it said it listens and the start-up probe's connection is logged closed. */
    private long start() throws Exception {
        server = ServerProcess.start("exec ./trustctl echo-server --io " + io.label() + " --port PORT --timeout 30",
                home);
        waitUntil("the listening line", ServerProcess.BOUND, () -> output().contains("echo-server listening on"));
        // ServerProcess.start connected at least once to see it listen: that connection is logged too.
        waitUntil("every probe connection closed", ServerProcess.BOUND,
                () -> closes() > 0 && closes() == count(event("conn_open")));
        return closes();
    }

    private String output() {
        try {
            return Files.readString(home.resolve("server.out"));
        } catch (IOException e) {
            return "";
        }
    }

    private long count(Predicate<Map<String, Object>> which) {
        return server.log().stream().filter(which).count();
    }

    private long closes() {
        return count(event("conn_close"));
    }

    private boolean inMask(String field, int signal) throws IOException {
        return Signals.inMask(Path.of("/proc/" + server.process.pid() + "/status"), field, signal);
    }

    @Test
    void sigpipeIsCaughtByTheJvmAndTheSigintNoticeFollowsSigIgn() throws Exception {
        start();
        assertThat(inMask("SigCgt", SIGPIPE)).as("SIGPIPE (bit 13 of SigCgt): HotSpot's handler").isTrue();
        assertThat(inMask("SigIgn", SIGPIPE)).as("SIGPIPE is not SIG_IGN").isFalse();
        // SIGINT is ignored only if this test's own JVM inherited it so (make test run as a background job):
        // either way it is caught or ignored, and the notice says which.
        boolean ignored = inMask("SigIgn", Signals.SIGINT);
        assertThat(inMask("SigCgt", Signals.SIGINT)).isNotEqualTo(ignored);
        assertThat(output().contains("echo-server ignores SIGINT here")).isEqualTo(ignored);
    }

    /**
     * A real EPIPE, not ECONNRESET. The client sends two frames in one write and closes at once, reading
     * nothing: its FIN puts the server's socket in CLOSE_WAIT. The first is the largest frame, one whole read's
     * worth in every engine, so its echo goes out in a write of its own (the server gathers the echoes of frames
     * that arrive together into one write). The server's first echo is accepted by its
     * kernel, and the client's kernel, whose socket is gone, answers it with a RST; a RST in CLOSE_WAIT sets
     * the socket's error to EPIPE (tcp_reset), so the second echo's write fails with EPIPE (and raises the
     * SIGPIPE the JVM shrugs off). Had the first echo arrived before the client's close, that close would
     * have found it unread and sent a RST instead of a FIN: ECONNRESET. That race is why this tries again.
     * A peer that only shuts down its sending side (SHUT_WR) gets every echo and causes no error at all.
     */
    @Test
    void aWriteAfterThePeerClosedAndResetIsEpipeAndTheServerGoesOn() throws Exception {
        long before = start();
        byte[] largest = frame(new byte[FrameCodec.MAX_PAYLOAD_BYTES]);
        byte[] two = ByteBuffer.allocate(largest.length + 8).put(largest)
                .put(frame("C!C!".getBytes(StandardCharsets.US_ASCII))).array();
        int attempts = 0;
        while (attempts < ATTEMPTS && !server.logged(e -> "EPIPE".equals(e.get("errno")))) {
            attempts++;
            try (Socket s = server.connect()) {
                s.getOutputStream().write(two);
            }
            long expected = before + attempts;
            waitUntil("conn_close of attempt " + attempts, ServerProcess.BOUND, () -> closes() == expected);
        }
        List<Map<String, Object>> log = server.log();
        assertThat(log).as("a conn_error with errno EPIPE within %d attempts", ATTEMPTS)
                .anyMatch(e -> "conn_error".equals(e.get("event")) && "EPIPE".equals(e.get("errno"))
                        && "close_connection".equals(e.get("action")));
        assertThat(log).filteredOn(event("conn_error")).extracting(e -> e.get("errno"))
                .allMatch(errno -> "EPIPE".equals(errno) || "ECONNRESET".equals(errno));
        assertThat(log).filteredOn(event("conn_close")).extracting(e -> e.get("reason"))
                .contains("broken_pipe");
        try (Socket s = server.connect()) {
            echo(s, "still serving".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(server.process.isAlive()).isTrue();
    }

    @Test
    void aPeerThatOnlyShutsDownItsSendingSideGetsEveryEchoAndNoError() throws Exception {
        long before = start();
        byte[] frames = ByteBuffer.allocate(16).put(frame("half".getBytes(StandardCharsets.US_ASCII)))
                .put(frame("shut".getBytes(StandardCharsets.US_ASCII))).array();
        try (Socket s = server.connect()) {
            s.getOutputStream().write(frames);
            s.shutdownOutput();
            assertThat(s.getInputStream().readAllBytes()).isEqualTo(frames);
        }
        waitUntil("conn_close", ServerProcess.BOUND, () -> closes() == before + 1);
        assertThat(server.log()).noneMatch(event("conn_error"))
                .filteredOn(event("conn_close")).extracting(e -> e.get("reason")).containsOnly("peer_closed");
    }
}

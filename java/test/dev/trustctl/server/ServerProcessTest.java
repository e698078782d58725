package dev.trustctl.server;

import static dev.trustctl.server.ServerFixture.echo;
import static dev.trustctl.server.ServerFixture.frame;
import static dev.trustctl.server.ServerFixture.payload;
import static dev.trustctl.server.ServerFixture.readExactly;
import static dev.trustctl.server.ServerFixture.waitUntil;
import static dev.trustctl.server.ServerProcess.event;
import static dev.trustctl.server.ServerProcess.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real process, through the launcher: what only a process shows. The accept loop under fd exhaustion
 * (a low {@code ulimit -n}), the graceful stop on SIGTERM with frames in flight (and on SIGHUP), and a second signal during
 * the grace. Needs {@code make} to have built the jar (make test does).
 */
@ParameterizedClass(name = "--io {0}")
@EnumSource(Io.class)
@ExtendWith(EngineAvailable.class)
class ServerProcessTest {
    private static final Duration BOUND = ServerProcess.BOUND;

    @Parameter
    Io io;

    @TempDir
    Path home;
    private ServerProcess server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private int start(String flags) throws Exception {
        server = ServerProcess.start(flags, home);
        return server.port;
    }

    private Socket connect() throws IOException {
        Socket s = server.connect();
        sockets.add(s);
        return s;
    }

    private List<Map<String, Object>> log() {
        return server.log();
    }

    private boolean logged(Predicate<Map<String, Object>> event) {
        return server.logged(event);
    }

    @Test
    void underFdExhaustionTheAcceptLoopBacksOffThenServesAgain() throws Exception {
        int port = start("ulimit -n 64 && exec ./trustctl echo-server --io " + io.label()
                + " --port PORT --max-clients 200 --timeout 30");
        for (int i = 0; i < 100; i++) {
            connect();
        }
        waitUntil("accept_error EMFILE, backing off a second time (10 ms)", BOUND, () -> logged(event("accept_error")
                .and(e -> "EMFILE".equals(e.get("errno")) && "back_off".equals(e.get("action"))
                        && number(e, "backoff_ms") == 10)));
        assertThat(log().stream().filter(event("accept_error")).map(e -> number(e, "backoff_ms")))
                .as("5 ms doubling, at most 1 s").allMatch(ms -> ms >= 5 && ms <= 1000).contains(5L, 10L);
        assertThat(logged(event("fd_limit_low"))).as("the low limit was announced at start").isTrue();
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
        Socket fresh = connect();
        echo(fresh, payload(100, 1));
        assertThat(server.process.isAlive()).isTrue();
    }

    @Test
    void sigtermLetsAFrameInFlightFinishLogsServerStopAndFreesThePort() throws Exception {
        int port = start("exec ./trustctl echo-server --io " + io.label() + " --port PORT --timeout 30");
        Socket idle = connect();
        echo(idle, payload(10, 2));
        Socket busy = connect();
        byte[] frame = frame(payload(5000, 3));
        busy.getOutputStream().write(frame, 0, 1000);
        String peer = "127.0.0.1:" + busy.getLocalPort();
        waitUntil("the server has the busy connection", BOUND, () -> logged(event("conn_open")
                .and(e -> peer.equals(e.get("peer")))));
        server.process.toHandle().destroy(); // SIGTERM
        busy.getOutputStream().write(frame, 1000, frame.length - 1000);
        assertThat(readExactly(busy, frame.length)).as("the frame in flight is echoed whole").isEqualTo(frame);
        assertThat(busy.getInputStream().read()).as("then a clean close").isEqualTo(-1);
        assertThat(idle.getInputStream().read()).as("the idle client is closed").isEqualTo(-1);
        assertThat(server.process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("exits within the bound").isTrue();
        assertThat(server.process.exitValue()).isZero();
        Map<String, Object> stop = log().stream().filter(event("server_stop")).findFirst().orElseThrow();
        // three connections: start()'s readiness probe, the idle client and the busy one
        assertThat(number(stop, "connections")).isEqualTo(3);
        assertThat(number(stop, "frames")).isEqualTo(2);
        assertThat(number(stop, "closed_forced")).isZero();
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    /**
     * A server started with {@code &} gets SIGHUP when its terminal closes: it stops as on SIGTERM, exit 0 with
     * server_stop, not the JVM's default exit 129. Skipped where this JVM inherited SIGHUP ignored (nohup):
     * the child would ignore it too.
     */
    @Test
    void sighupStopsTheServerGracefullyWithAConnectionOpen() throws Exception {
        assumeFalse(sighupIgnored(), "SIGHUP is ignored in this process (nohup?), so in the server too");
        start("exec ./trustctl echo-server --io " + io.label() + " --port PORT --timeout 30");
        Socket open = connect();
        echo(open, payload(10, 4));
        String peer = "127.0.0.1:" + open.getLocalPort();
        waitUntil("the server has the connection", BOUND, () -> logged(event("conn_open")
                .and(e -> peer.equals(e.get("peer")))));
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(server.process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -HUP").isZero();
        assertThat(open.getInputStream().read()).as("the open connection is closed").isEqualTo(-1);
        assertThat(server.process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("exits within the bound").isTrue();
        assertThat(server.process.exitValue()).as("a graceful stop, not 128 + 1").isZero();
        assertThat(logged(event("server_stop"))).as("server_stop logged").isTrue();
        // start()'s readiness probe and the open client: each has its conn_close, the open one closed by the stop
        assertThat(log().stream().filter(event("conn_close")).count()).isEqualTo(2);
        assertThat(logged(event("conn_close").and(e -> peer.equals(e.get("peer"))
                && "server_stop".equals(e.get("reason"))))).isTrue();
    }

    private static boolean sighupIgnored() throws IOException {
        String ignored = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).findFirst().orElse("SigIgn: 0").substring(7).strip();
        return (Long.parseUnsignedLong(ignored, 16) & 1) != 0; // bit 0 is signal 1, SIGHUP
    }

    /**
     * A frame whose first bytes came in the same read as the one before it has begun: it runs on the frame
     * deadline from the moment that read ended, so its timeout is logged as phase frame, not idle. And every
     * byte received is counted, not only those of whole frames: 7 of the first frame plus 2 of the second.
     */
    @Test
    void aFrameBegunInTheSameReadAsTheOneBeforeRunsOnTheFrameDeadlineAndEveryByteIsCounted() throws Exception {
        start("exec ./trustctl echo-server --io " + io.label() + " --port PORT --timeout 0.5");
        Socket s = connect();
        s.getOutputStream().write(new byte[] {0, 0, 0, 3, 'a', 'b', 'c', 0, 0}); // a frame and half a header
        assertThat(readExactly(s, 7)).containsExactly(0, 0, 0, 3, 'a', 'b', 'c');
        assertThat(s.getInputStream().read()).as("closed by the deadline").isEqualTo(-1);
        String peer = "127.0.0.1:" + s.getLocalPort();
        waitUntil("the connection's conn_close", BOUND, () -> logged(event("conn_close")
                .and(e -> peer.equals(e.get("peer")))));
        Map<String, Object> timeout = log().stream().filter(event("conn_timeout")).findFirst().orElseThrow();
        assertThat(timeout.get("phase")).isEqualTo("frame");
        Map<String, Object> close = log().stream().filter(event("conn_close").and(e -> peer.equals(e.get("peer"))))
                .findFirst().orElseThrow();
        assertThat(number(close, "bytes_in")).isEqualTo(9);
        assertThat(number(close, "bytes_out")).isEqualTo(7);
        assertThat(close.get("reason")).isEqualTo("timeout");
    }

    @Test
    void aSecondSignalDuringTheGraceExitsAtOnce() throws Exception {
        int port = start("exec ./trustctl echo-server --io " + io.label() + " --port PORT --timeout 30");
        Socket stuck = connect();
        stuck.getOutputStream().write(new byte[] {0, 0, 1, 0, 42}); // a frame of 256 bytes, 1 sent: in flight
        waitUntil("the connection is open", BOUND, () -> logged(event("conn_open")));
        server.process.toHandle().destroy();
        waitUntil("the stop has begun (listener closed)", BOUND, () -> !server.connects());
        assertThat(server.process.isAlive()).as("still in its grace, waiting for the frame").isTrue();
        server.process.toHandle().destroy();
        assertThat(server.process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(server.process.exitValue()).as("halted by the second SIGTERM: 128 + 15").isEqualTo(143);
    }
}

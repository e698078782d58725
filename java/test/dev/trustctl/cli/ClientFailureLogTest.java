package dev.trustctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.testing.StrictJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients' failures reach the log with errno, peer and action, and a connect that times out is ETIMEDOUT
 * ({@code connect_failed}), never EAGAIN. A usage error's message is on its {@code command_done} line.
 */
class ClientFailureLogTest {
    @TempDir
    Path home;
    private final List<Socket> held = new ArrayList<>();
    private ServerSocket blackHole;


    private CliResult run(String... args) {
        return CliResult.run(home, args);
    }

    private List<Map<String, Object>> log() throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : Files.readAllLines(home.resolve("logs/trustctl.log"))) {
            lines.add(StrictJson.object(line));
        }
        return lines;
    }

    private Map<String, Object> only(String event) throws IOException {
        List<Map<String, Object>> found = log().stream().filter(l -> event.equals(l.get("event"))).toList();
        assertThat(found).as(event).hasSize(1);
        return found.get(0);
    }

    /**
     * A port whose SYNs go unanswered: a listener that never accepts, its accept queue filled. Linux drops a SYN
     * to a full queue, so a connect there waits out its timeout, as it would for a host that vanished.
     */
    private int blackHolePort() throws IOException {
        blackHole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            held.add(s);
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), blackHole.getLocalPort()), 200);
            } catch (SocketTimeoutException full) {
                return blackHole.getLocalPort();
            }
        }
        throw new IllegalStateException("the accept queue never filled");
    }

    @AfterEach
    void closeAll() throws IOException {
        for (Socket s : held) {
            s.close();
        }
        if (blackHole != null) {
            blackHole.close();
        }
    }

    @Test
    @Timeout(20)
    void echoClientConnectTimeoutIsEtimedoutAndLogged() throws IOException {
        int port = blackHolePort();
        CliResult r = run("echo-client", "--timeout", "0.3", "127.0.0.1", String.valueOf(port), "hi");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.CONNECT_FAILED);
        assertThat(r.err()).startsWith("Error: cannot connect to 127.0.0.1:" + port + ": ETIMEDOUT (");
        Map<String, Object> failed = only("connect_failed");
        assertThat(failed).containsEntry("errno", "ETIMEDOUT").containsEntry("peer", "127.0.0.1:" + port)
                .containsEntry("action", "exit").containsEntry("level", "ERROR");
    }

    @Test
    @Timeout(20)
    void loadTestConnectTimeoutIsEtimedoutAndLogged() throws IOException {
        int port = blackHolePort();
        CliResult r = run("echo-load-test", "--port", String.valueOf(port), "--clients", "1", "--messages", "1",
                "--timeout", "0.3");
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.out()).contains("first failure: connect to 127.0.0.1:" + port + ": ETIMEDOUT (");
        assertThat(only("connect_failed")).containsEntry("errno", "ETIMEDOUT")
                .containsEntry("peer", "127.0.0.1:" + port).containsKey("action");
    }

    @Test
    @Timeout(20)
    void echoClientWithNoEchoExitsTimeoutAndLogsTheDeadlinesOwnFields() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = silent.getLocalPort(); // the kernel completes the handshake; nobody ever reads or answers
            CliResult r = run("echo-client", "--timeout", "0.3", "127.0.0.1", String.valueOf(port), "hi");
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.TIMEOUT);
            assertThat(only("conn_timeout")).containsEntry("errno", "ETIMEDOUT").containsEntry("action", "exit")
                    .containsEntry("reason", "timeout").containsEntry("frame", BigDecimal.ONE)
                    .containsEntry("phase", "idle").containsEntry("timeout_ms", BigDecimal.valueOf(300))
                    .doesNotContainKey("error");
        }
    }

    @Test
    void echoClientRefusedIsLoggedWithErrnoPeerAndAction() throws IOException {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        assertThat(run("echo-client", "127.0.0.1", String.valueOf(port), "hi").code())
                .isEqualTo(ExitCode.CONNECT_FAILED);
        assertThat(only("connect_failed")).containsEntry("errno", "ECONNREFUSED")
                .containsEntry("peer", "127.0.0.1:" + port).containsEntry("action", "exit");
        assertThat(only("command_done")).containsEntry("exit_code", BigDecimal.valueOf(3));
    }

    @Test
    void loadTestFailuresAreLoggedButNeverMoreThanTheCap() throws IOException {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        run("echo-load-test", "--port", String.valueOf(port), "--clients", "50", "--messages", "1");
        assertThat(log().stream().filter(l -> "connect_failed".equals(l.get("event")))
                .allMatch(l -> "ECONNREFUSED".equals(l.get("errno")) && ("127.0.0.1:" + port).equals(l.get("peer"))))
                .isTrue();
        assertThat(log().stream().filter(l -> "connect_failed".equals(l.get("event"))).count()).isEqualTo(20);
        assertThat(only("failures_not_logged")).containsEntry("count", BigDecimal.valueOf(30));
    }

    @Test
    void aUsageErrorLogsItsMessage() throws IOException {
        assertThat(run("echo-client", "127.0.0.1").code()).isEqualTo(ExitCode.USAGE);
        assertThat(only("command_done")).containsEntry("exit_code", BigDecimal.valueOf(2))
                .containsEntry("error", "missing argument: PORT");
    }
}

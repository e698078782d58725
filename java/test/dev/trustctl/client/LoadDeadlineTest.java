package dev.trustctl.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.errors.LoadFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load run that its --deadline ends, against a server that accepts and never answers: every round trip is ok,
 * failed or not run, the first failure names the deadline, and a run long enough for progress prints none when
 * stderr is a file.
 */
class LoadDeadlineTest {
    @TempDir
    Path tmp;

    /** Accepts every connection and holds it without a byte back, until closed. */
    private static ServerSocket silentServer(List<Socket> held) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    held.add(listener.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return listener;
    }

    @Test
    void theDeadlineIsNamedAndOkFailedAndNotRunAddUp() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket listener = silentServer(held)) {
            LoadSettings settings = new LoadSettings("127.0.0.1", listener.getLocalPort(), 3, 2, 1, 32, false,
                    Duration.ofMillis(300), Duration.ofSeconds(30));
            LoadReport report = new LoadTest(settings, null, null).run();
            assertThat(report.ok()).isZero();
            assertThat(report.failures()).containsOnlyKeys(LoadFailure.DEADLINE);
            assertThat(report.ok() + report.failed() + report.notRun()).isEqualTo(6);
            assertThat(report.notRun()).isEqualTo(3);
            assertThat(report.firstError()).isEqualTo("round trip: cut off by the --deadline of 0.3 s");
            assertThat(report.text()).contains("first failure: round trip: cut off by the --deadline of 0.3 s");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aLongRunWithStderrInAFilePrintsNoProgress() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket listener = silentServer(held)) {
            Path err = tmp.resolve("err.txt");
            Path out = tmp.resolve("out.txt");
            // 2.8 s: past the 2 s after which a terminal would get its first progress line, and several redraws.
            ProcessBuilder pb = new ProcessBuilder("./echo-load-test", "--port",
                    String.valueOf(listener.getLocalPort()), "--clients", "1", "--messages", "1", "--deadline", "2.8")
                    .redirectError(err.toFile()).redirectOutput(out.toFile());
            pb.environment().put("TRUST_HOME", tmp.resolve("home").toString());
            Process p = pb.start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("load test ended").isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(Files.readString(out)).contains("cut off by the --deadline of 2.8 s");
            assertThat(Files.readString(err)).as("stderr is a file: no progress line").isEmpty();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}

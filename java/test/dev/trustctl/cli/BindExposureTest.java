package dev.trustctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustctl.errors.ExitCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --bind 0} (or 0.0.0.0, ::) listens on every interface: allowed, but said on stderr before the socket
 * listens. The port here is held on 127.0.0.1 by the test, so the server is refused the wildcard bind and never
 * listens beyond this machine: the warning is what is checked, then EADDRINUSE ends the run.
 */
class BindExposureTest {
    @TempDir
    Path home;

    private record Run(int code, String err) {
    }

    private Run serverOn(String bind, int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("./trustctl", "echo-server", "--bind", bind, "--port",
                String.valueOf(port)).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("TRUST_HOME", home.toString());
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(err).isTrue();
        return new Run(p.exitValue(), err);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0 | 0.0.0.0", "0.0.0.0 | 0.0.0.0", ":: | [::]"})
    void aWildcardBindSaysItListensOnEveryInterface(String bind, String shown) throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = busy.getLocalPort();
            Run r = serverOn(bind, port);
            assertThat(r.err()).startsWith("warning: bind " + bind + " listens on every interface (" + shown + ":"
                    + port + "): any host that can reach this machine can connect and be echoed; bind 127.0.0.1"
                    + " (the default) keeps it to this machine\n");
            String typed = bind.contains(":") ? "[" + bind + "]" : bind;
            assertThat(r.err()).contains("Error: cannot listen on " + typed + ":" + port + ": EADDRINUSE");
            assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
        }
        assertThat(Files.readString(home.resolve("logs/trustctl.log"))).contains("\"event\":\"bind_exposed\"")
                .contains("\"scope\":\"all_interfaces\"");
    }

    @Test
    void loopbackSaysNothing() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Run r = serverOn("127.0.0.1", busy.getLocalPort());
            assertThat(r.err()).startsWith("Error: cannot listen on 127.0.0.1:" + busy.getLocalPort() + ": EADDRINUSE")
                    .doesNotContain("warning");
        }
    }
}

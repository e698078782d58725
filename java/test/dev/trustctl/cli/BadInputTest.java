package dev.trustctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.trustctl.errors.ExitCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input on every surface gets one clear line and a documented exit code, never a stack trace: corrupt
 * config files (from fixtures/config), a TRUST_HOME that cannot be written, a client with nobody listening,
 * load-test flags that make no sense.
 */
class BadInputTest {
    @TempDir
    Path home;


    private CliResult run(Path trustHome, String... args) {
        return CliResult.run(trustHome, args);
    }

    private Path withConfig(String fixture) throws IOException {
        Files.copy(Path.of("fixtures/config", fixture), home.resolve("config"));
        return home;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "missing-equals.config | ' line 3: expected KEY=VALUE'",
        "unknown-key.config    | : unknown key 'server.colour'",
        "bad-port.config       | : server.port must be an integer from 1 to 65535, got '99999'"})
    void aCorruptConfigIsAFailureNamingWhatIsWrong(String fixture, String problem) throws IOException {
        Path config = withConfig(fixture).resolve("config");
        run(home, "config", "list").isOneLineError(ExitCode.FAILURE, "config " + config + problem);
        run(home, "echo-server", "--port", "1").isOneLineError(ExitCode.FAILURE, "config " + config + problem);
    }

    /** {@code --port ١٩٦٥٦} listened on 19656 and {@code --timeout ٥} ran 5 s: flags and config alike refuse them. */
    @Test
    void numbersInOtherScriptsAreRefusedInFlagsAndInTheConfig() throws IOException {
        String port = "\u0661\u0669\u0666\u0665\u0666";
        usage(run(home, "echo-server", "--port", port), "echo-server",
                "--port must be written in ASCII digits (0-9), got '" + port + "'");
        usage(run(home, "echo-client", "--timeout", "\u0665", "127.0.0.1", "1", "hi"), "echo-client",
                "--timeout must be written in ASCII digits (0-9), got '\u0665'");
        usage(run(home, "echo-load-test", "--port", "1", "--clients", "\uFF11\uFF10"), "echo-load-test",
                "--clients must be written in ASCII digits (0-9), got '\uFF11\uFF10'");
        Path config = home.resolve("config");
        Files.writeString(config, "server.timeout=\u0665\n");
        run(home, "echo-server", "--port", "1").isOneLineError(ExitCode.FAILURE,
                "config " + config + ": server.timeout must be written in ASCII digits (0-9), got '\u0665'");
        usage(run(home, "config", "set", "server.port", port), "config",
                "server.port must be written in ASCII digits (0-9), got '" + port + "'");
    }

    private static void usage(CliResult r, String command, String message) {
        assertThat(r.err()).isEqualTo("Error: " + message + "\ntry 'trustctl " + command + " --help'\n");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void aConfigThatIsNotTextIsAFailure() throws IOException {
        Files.write(home.resolve("config"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\n'});
        run(home, "config", "get", "server.port")
                .isOneLineError(ExitCode.FAILURE, "config " + home.resolve("config") + " is not valid UTF-8 text");
    }

    @Test
    void aConfigThatIsADeviceOrAFifoIsRefusedBeforeAByteIsRead() throws Exception {
        Path config = home.resolve("config");
        Files.createSymbolicLink(config, Path.of("/dev/zero"));
        String notRegular = "config " + config + " is not a regular file";
        // /dev/zero never ends: before, the whole of it was read into memory until OutOfMemoryError
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run(home, "config", "list"))
                .isOneLineError(ExitCode.FAILURE, notRegular);
        Files.delete(config);
        assertThat(new ProcessBuilder("mkfifo", config.toString()).start().waitFor()).isZero();
        // a FIFO with no writer blocks the reader for ever: before, the server hung before listening
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run(home, "echo-server", "--port", "1"))
                .isOneLineError(ExitCode.FAILURE, notRegular);
    }

    @Test
    void aHugeConfigIsRefusedByItsSize() throws IOException {
        Path config = home.resolve("config");
        Files.writeString(config, "# padding\n".repeat(7000));
        run(home, "config", "list").isOneLineError(ExitCode.FAILURE, "config " + config + " is larger than 65536 bytes");
    }

    @Test
    void aDuplicateKeyInTheConfigNamesBothLines() throws IOException {
        Path config = home.resolve("config");
        Files.writeString(config, "server.port=9901\n# the second one would have won silently\nserver.port=9902\n");
        run(home, "echo-server", "--port", "1").isOneLineError(ExitCode.FAILURE,
                "config " + config + " line 3: duplicate key 'server.port' (first set on line 1)");
    }

    @Test
    void aConfigStartingWithAUtf8ByteOrderMarkIsRead() throws IOException {
        Files.writeString(home.resolve("config"), "\uFEFFserver.port=9901\n");
        CliResult r = run(home, "config", "get", "server.port");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("9901\n");
    }

    @Test
    void aTrustHomeThatCannotBeWrittenIsAFailure() {
        // Root ignores permission bits, so use a directory no one may create files in: sysfs refuses even root.
        Path readOnly = Path.of("/sys/kernel");
        run(readOnly, "init").isOneLineError(ExitCode.FAILURE,
                "cannot write the log in /sys/kernel/logs: Operation not permitted");
    }

    @Test
    void echoClientWithNobodyListeningExits3() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        run(home, "echo-client", "127.0.0.1", String.valueOf(port), "hi").isOneLineError(ExitCode.CONNECT_FAILED,
                "cannot connect to 127.0.0.1:" + port + ": ECONNREFUSED (Connection refused)");
    }

    @Test
    void anIpv6PeerIsNamedInBracketsInTheClientsMessages() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        run(home, "echo-client", "0:0:0:0:0:0:0:1", String.valueOf(port), "hi").isOneLineError(
                ExitCode.CONNECT_FAILED, "cannot connect to [::1]:" + port + ": ECONNREFUSED (Connection refused)");
        CliResult load = run(home, "echo-load-test", "--host", "::1", "--port", String.valueOf(port), "--clients", "1");
        assertThat(load.out()).contains("against [::1]:" + port + "\n").contains("connect to [::1]:" + port + ":");
        assertThat(load.code()).isEqualTo(ExitCode.FAILURE);
    }

    @Test
    void echoClientWithAnUnknownHostExits3() {
        CliResult r = run(home, "echo-client", "no-such-host.invalid", "9900", "hi");
        assertThat(r.code()).isEqualTo(ExitCode.CONNECT_FAILED);
        assertThat(r.err()).startsWith("Error: cannot connect to no-such-host.invalid:9900: EAI_NONAME").endsWith(")\n")
                .hasLineCount(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port 9900 --clients 0          | --clients must be an integer from 1 to 1000000, got '0'",
        "--port 9900 --messages lots      | --messages must be an integer from 1 to 100000000, got 'lots'",
        "--port 9900 --payload-size 65537 | --payload-size must be an integer from 0 to 65536, got '65537'",
        "--port 9900 --deadline never     | --deadline must be a number of seconds from 0.01 to 86400, got 'never'",
        "--port 9900 --concurrency -2     | --concurrency must be an integer from 1 to 10000, got '-2'",
        "--clients 5                      | missing option: --port",
        "--port 9900 extra                | unexpected argument: extra",
        "--port 9900 --fast               | unknown option: --fast",
        "--port 9900 --trace              | --trace needs --clients 1 (got 100): the bytes of many connections would interleave",
        "--port 9900 --trace --clients 2  | --trace needs --clients 1 (got 2): the bytes of many connections would interleave"})
    void loadTestNonsenseFlagsAreUsageErrors(String args, String message) {
        CliResult r = run(home, ("echo-load-test " + args).split(" "));
        assertThat(r.err()).isEqualTo("Error: " + message + "\ntry 'trustctl echo-load-test --help'\n");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void aLoadTestWithNobodyListeningNamesTheFirstFailureAndExits1() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        CliResult r = run(home, "echo-load-test", "--port", String.valueOf(port), "--clients", "2", "--messages", "3");
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.out()).contains("round trips: 0/6 ok, 2 failed (connect 2,")
                .contains("first failure: connect to 127.0.0.1:" + port + ": ECONNREFUSED (Connection refused)");
    }

    @Test
    void aServerThatClosesEveryConnectionAtOnceIsNamedAsFullNotJustAsResets() throws Exception {
        // what echo-server does past its --max-clients: accept, then close before reading a byte
        try (ServerSocket full = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                while (!full.isClosed()) {
                    try {
                        full.accept().close();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "full-server");
            closer.setDaemon(true);
            closer.start();
            CliResult r = run(home, "echo-load-test", "--port", String.valueOf(full.getLocalPort()), "--clients", "3",
                    "--messages", "2");
            assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
            assertThat(r.out()).contains("round trips: 0/6 ok, 3 failed")
                    .contains("server full? 3 connections closed right after accept, before any echo: raise the"
                            + " server's --max-clients or lower --concurrency\n")
                    .doesNotContain("latency");
        }
    }

    @Test
    void loadTestTakesHostAndPortAsWordsLikeEchoClient() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        CliResult r = run(home, "echo-load-test", "127.0.0.1", String.valueOf(port), "--clients", "2", "--messages", "1");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("echo-load-test: 2 clients x 1 message of 32 bytes, concurrency 1, against"
                + " 127.0.0.1:" + port + "\n").contains("(connect 2,");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1                 | missing argument: PORT (echo-load-test HOST PORT, or --port PORT)",
        "127.0.0.1 9900 --port 1   | unexpected argument: 127.0.0.1 (give HOST PORT or --host/--port, not both)",
        "127.0.0.1 9900 extra      | unexpected argument: extra",
        "127.0.0.1 http            | PORT must be an integer from 1 to 65535, got 'http'"})
    void loadTestHostAndPortWordsAreCheckedLikeFlags(String args, String message) {
        CliResult r = run(home, ("echo-load-test " + args).split(" +"));
        assertThat(r.err()).isEqualTo("Error: " + message + "\ntry 'trustctl echo-load-test --help'\n");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void loadTestHelpsUsageLinesListEveryOption() {
        String usage = run(home, "echo-load-test", "--help").out().split("\n\n")[0];
        assertThat(new LoadTestCommand().options().getOptions())
                .allSatisfy(o -> assertThat(usage).contains(o.getOpt() != null ? "-" + o.getOpt()
                        : "--" + o.getLongOpt()));
        assertThat(usage).contains("echo-load-test [HOST PORT]");
    }

    @Test
    void echoClientRefusesAGeneratedPayloadItCouldNotBuild() {
        CliResult r = run(home, "echo-client", "127.0.0.1", "9900", "--payload-size", "20000000");
        assertThat(r.err()).isEqualTo("Error: --payload-size must be an integer from 0 to 16777216, got '20000000'\n"
                + "try 'trustctl echo-client --help'\n");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    }
}

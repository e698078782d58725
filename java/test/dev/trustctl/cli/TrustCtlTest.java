package dev.trustctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.trustctl.server.FdLimit;
import dev.trustctl.server.Io;
import dev.trustctl.server.ServerSettings;
import dev.trustctl.errors.ExitCode;
import dev.trustctl.testing.StrictJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CLI as a user meets it, run in-process with captured stdout/stderr and a fresh TRUST_HOME:
 * exit codes (0 ok, 1 failure, 2 usage) and the one-line messages that go with them.
 */
class TrustCtlTest {
    private static final String HINT = "try 'trustctl --help'";

    @TempDir
    Path tmp;
    private Path home;


    @BeforeEach
    void freshHome() {
        home = tmp.resolve("trust-home");
    }

    private CliResult run(String... args) {
        return runWith(Map.of("TRUST_HOME", home.toString(), "HOME", tmp.resolve("user").toString()), args);
    }

    private static CliResult runWith(Map<String, String> env, String... args) {
        return CliResult.run(env, args);
    }

    private static void assertUsageError(CliResult r, String message, String hint) {
        assertThat(r.err()).isEqualTo("Error: " + message + "\n" + hint + "\n");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void noArgumentsPrintsUsageOnStderrAndExits2() {
        CliResult r = run();
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("usage: trustctl ");
    }

    @Test
    void helpListsEveryCommand() {
        for (String flag : List.of("--help", "-h", "help")) {
            CliResult r = run(flag);
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).startsWith("usage: trustctl ")
                    .contains("  init ", "  status ", "  config ", "  version ", "  echo-server ", "  echo-client ",
                            "  echo-load-test ");
        }
        // The start-up archive's training is build tooling (tools/CdsTraining), not a command, hidden or not.
        assertUsageError(run("cds-training"), "unknown command: cds-training", HINT);
    }

    @Test
    void versionAndDashDashVersionPrintTheVersion() {
        for (String flag : List.of("version", "--version", "-V")) {
            CliResult r = run(flag);
            assertThat(r.code()).isEqualTo(ExitCode.OK);
            assertThat(r.out()).isEqualTo("trustctl 0.1.0\n");
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void versionTakesNoArguments() {
        assertUsageError(run("version", "extra"), "unexpected argument: extra", "try 'trustctl version --help'");
    }

    @Test
    void anUnknownCommandIsNamed() {
        assertUsageError(run("frobnicate"), "unknown command: frobnicate", HINT);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "echo-sever    | echo-server",
        "echo-clinet   | echo-client",
        "load-test     | ''",
        "stauts        | status",
        "confg         | config",
        "int           | init",
        "versoin       | version",
        "cds-trainin   | ''",
        "i             | ''"})
    void aMistypedCommandSuggestsTheNearestVisibleOne(String typed, String meant) {
        assertUsageError(run(typed), "unknown command: " + typed
                + (meant.isEmpty() ? "" : ". Did you mean '" + meant + "'?"), HINT);
    }

    @Test
    void anAbsurdlyLongUnknownCommandIsCutInTheMessageAndTheLog() throws IOException {
        String name = "x".repeat(100_000);
        assertUsageError(run(name), "unknown command: " + "x".repeat(64) + "...(100000 chars)", HINT);
        Map<String, Object> done = StrictJson.object(Files.readAllLines(home.resolve("logs/trustctl.log")).get(0));
        assertThat(done).containsEntry("command", "x".repeat(64) + "...(100000 chars)");
    }

    @Test
    void controlCharactersInArgumentsAreEscapedOnStderr() {
        assertUsageError(run("stat\u001b[2Jus"), "unknown command: stat\\x1b[2Jus", HINT);
        assertUsageError(run("status", "--js\ron\u0007"), "unknown option: --js\\ron\\x07",
                "try 'trustctl status --help'");
        assertUsageError(run("echo-client", "127.0.0.1", "99\n00", "hi"),
                "PORT must be an integer from 1 to 65535, got '99\\n00'", "try 'trustctl echo-client --help'");
        assertUsageError(run("version", "\u009b31m"), "unexpected argument: \\u009b31m", "try 'trustctl version --help'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "echo-server --port 9901 --port 0                   | --port",
        "echo-server --timeout 5 --timeout 0.0001           | --timeout",
        "echo-client --timeout 1 --timeout 2 127.0.0.1 1 hi | --timeout",
        "echo-load-test --port 9900 --port 9901             | --port",
        "echo-load-test --port 9900 --json --json           | --json",
        "status --json --json                               | --json",
        "config -h --help                                   | --help",
        "init --help --help                                 | --help",
        "version --help --help                              | --help"})
    void aFlagGivenTwiceIsAUsageErrorForEveryCommand(String line, String flag) {
        String[] args = line.split(" ");
        assertUsageError(run(args), "option " + flag + " given more than once",
                "try 'trustctl " + args[0] + " --help'");
    }

    @Test
    void anUnknownTopLevelOptionIsNamed() {
        assertUsageError(run("--frobnicate"), "unknown option: --frobnicate", HINT);
    }

    @Test
    void anUnknownCommandOptionIsNamedWithTheCommandsHint() {
        assertUsageError(run("status", "--frobnicate"), "unknown option: --frobnicate", "try 'trustctl status --help'");
        assertUsageError(run("echo-server", "--prot", "9900"), "unknown option: --prot. Did you mean '--port'?",
                "try 'trustctl echo-server --help'");
    }

    @Test
    void verboseAfterTheCommandSaysItGoesBefore() {
        assertUsageError(run("echo-server", "--verbose"), "unknown option: --verbose. Did you mean"
                + " 'trustctl --verbose COMMAND ...'? (--verbose goes before the command)",
                "try 'trustctl echo-server --help'");
    }

    @Test
    void aMistypedConfigKeyGetsTheNearestOne() {
        CliResult r = run("config", "set", "server.prot", "9901");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("Error: unknown config key: server.prot. Did you mean 'server.port'? (known: ");
        assertThat(run("config", "get", "colour").err()).doesNotContain("Did you mean");
    }

    @Test
    void verboseShowsTheCauseOfAFailure() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliResult r = run("--verbose", "echo-server", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
            assertThat(r.err()).startsWith("Error: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": EADDRINUSE").contains("\nCaused by: java.net.BindException: Address already in use");
            assertThat(run("echo-server", "--port", String.valueOf(taken.getLocalPort())).err())
                    .doesNotContain("Caused by");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port|0|--port must be an integer from 1 to 65535, got '0'",
        "--port|70000|--port must be an integer from 1 to 65535, got '70000'",
        "--port|abc|--port must be an integer from 1 to 65535, got 'abc'",
        "--port|-1|--port must be an integer from 1 to 65535, got '-1'",
        "--timeout|-1|--timeout must be a number of seconds from 0.01 to 86400, got '-1'",
        "--timeout|0|--timeout must be a number of seconds from 0.01 to 86400, got '0'",
        "--timeout|0.0001|--timeout must be a number of seconds from 0.01 to 86400, got '0.0001'",
        "--timeout|soon|--timeout must be a number of seconds from 0.01 to 86400, got 'soon'",
        "--max-clients|0|--max-clients must be an integer from 1 to 100000 (or auto), got '0'",
        "--io|fibers|--io must be loop, threads or virtual, got 'fibers'",
        "--loops|0|--loops must be an integer from 1 to 256 (or auto), got '0'",
        "--bind|' '|--bind must be a host name or IP address, got ' '"})
    void echoServerRejectsBadFlagValuesBeforeListening(String flag, String value, String message) {
        assertUsageError(run("echo-server", flag, value), message, "try 'trustctl echo-server --help'");
    }

    @Test
    void aFlagWithoutItsValueIsAUsageError() {
        assertUsageError(run("echo-server", "--timeout"), "option --timeout needs a value",
                "try 'trustctl echo-server --help'");
    }

    @Test
    void echoServerOnAPortInUseFailsNamingEaddrinuse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            CliResult r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> run("echo-server", "--port", String.valueOf(port), "--timeout", "1"));
            assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
            assertThat(r.err()).isEqualTo("Error: cannot listen on 127.0.0.1:" + port
                    + ": EADDRINUSE (Address already in use)\n");
        }
    }

    @Test
    void configSetThenGetRoundTrips() {
        assertThat(run("config", "set", "server.port", "9901")).isEqualTo(new CliResult(0, "", ""));
        assertThat(run("config", "get", "server.port")).isEqualTo(new CliResult(0, "9901\n", ""));
        assertThat(run("config", "set", "server.timeout", "0.5").code()).isZero();
        assertThat(run("config", "get", "server.timeout").out()).isEqualTo("0.5\n");
        assertThat(run("config", "set", "server.port", "9902").code()).isZero();
        assertThat(run("config", "get", "server.port").out()).isEqualTo("9902\n");
    }

    @Test
    void configGetGivesTheDefaultForAnUnsetKey() {
        assertThat(run("config", "get", "server.port")).isEqualTo(new CliResult(0, "9900\n", ""));
        assertThat(run("config", "get", "server.bind").out()).isEqualTo("127.0.0.1\n");
        assertThat(run("config", "get", "server.timeout").out()).isEqualTo("30\n");
        assertThat(run("config", "get", "server.max_clients").out()).isEqualTo("auto\n");
        assertThat(run("config", "get", "server.io").out()).isEqualTo("loop\n");
        assertThat(run("config", "get", "server.loops").out()).isEqualTo("auto\n");
    }

    @Test
    void configListShowsEveryKeyAndMarksDefaults() {
        run("config", "set", "server.max_clients", "4");
        CliResult r = run("config", "list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("server.port=9900  # default\nserver.bind=127.0.0.1  # default\n"
                + "server.timeout=30  # default\nserver.max_clients=4\nserver.io=loop  # default\n"
                + "server.loops=auto  # default\n");
    }

    @Test
    void anUnknownConfigKeyFailsCleanlyAndWritesNothing() {
        String known = "(known: server.port, server.bind, server.timeout, server.max_clients, server.io,"
                + " server.loops)";
        assertUsageError(run("config", "get", "server.nope"), "unknown config key: server.nope " + known,
                "try 'trustctl config --help'");
        assertUsageError(run("config", "set", "server.nope", "1"), "unknown config key: server.nope " + known,
                "try 'trustctl config --help'");
        assertThat(home.resolve("config")).doesNotExist();
    }

    @Test
    void aBadConfigValueIsRefusedAndTheOldValueKept() {
        run("config", "set", "server.port", "9901");
        assertUsageError(run("config", "set", "server.port", "abc"),
                "server.port must be an integer from 1 to 65535, got 'abc'", "try 'trustctl config --help'");
        assertThat(run("config", "get", "server.port").out()).isEqualTo("9901\n");
    }

    @Test
    void configWithoutOrWithAWrongActionIsAUsageError() {
        assertUsageError(run("config"), "config needs an action: get, set or list", "try 'trustctl config --help'");
        assertUsageError(run("config", "delete"), "unknown config action: delete (get, set or list)",
                "try 'trustctl config --help'");
        assertUsageError(run("config", "get"), "missing argument: KEY", "try 'trustctl config --help'");
        assertUsageError(run("config", "set", "server.port"), "missing argument: VALUE",
                "try 'trustctl config --help'");
    }

    @Test
    void aMalformedConfigFileIsAFailureNamingTheLine() throws IOException {
        Files.createDirectories(home);
        Files.writeString(home.resolve("config"), "server.port=9900\ngarbage\n");
        CliResult r = run("config", "get", "server.port");
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).isEqualTo("Error: config " + home.resolve("config") + " line 2: expected KEY=VALUE\n");
    }

    @Test
    void echoServerRefusesABadStoredValueBeforeListening() throws IOException {
        Files.createDirectories(home);
        Files.writeString(home.resolve("config"), "server.port=abc\n");
        CliResult r = run("echo-server");
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).isEqualTo("Error: config " + home.resolve("config")
                + ": server.port must be an integer from 1 to 65535, got 'abc'\n");
    }

    @Test
    void echoServerFlagsOverrideTheConfigWhichOverridesTheDefaults() throws Exception {
        run("config", "set", "server.port", "9901");
        run("config", "set", "server.timeout", "2.5");
        Config config = Config.load(dev.trustctl.home.TrustHome.fromEnv(Map.of("TRUST_HOME", home.toString())));
        var settings = EchoServerCommand.settings(
                Command.parse(new EchoServerCommand(null).options(), List.of("--port", "9999")), config);
        assertThat(settings.port()).isEqualTo(9999);
        assertThat(settings.timeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(settings.bind()).isEqualTo("127.0.0.1");
        assertThat(settings.io()).isEqualTo(Io.LOOP);
        assertThat(settings.maxClients()).isEqualTo(ServerSettings.defaultMaxClients(Io.LOOP, FdLimit.soft()));
    }

    @Test
    void eachEngineHasItsOwnDefaultClientLimitLoweredToTheOpenFileLimit() throws Exception {
        Config config = Config.load(dev.trustctl.home.TrustHome.fromEnv(Map.of("TRUST_HOME", home.toString())));
        var threads = EchoServerCommand.settings(
                Command.parse(new EchoServerCommand(null).options(), List.of("--io", "threads")), config);
        assertThat(threads.io()).isEqualTo(Io.THREADS);
        assertThat(threads.maxClients()).isEqualTo(ServerSettings.defaultMaxClients(Io.THREADS, FdLimit.soft()));
        assertThat(ServerSettings.defaultMaxClients(Io.LOOP, 0)).isEqualTo(10_000);
        assertThat(ServerSettings.defaultMaxClients(Io.LOOP, 1024)).isEqualTo(1024 - FdLimit.JVM_RESERVE);
        assertThat(ServerSettings.defaultMaxClients(Io.THREADS, 1024)).isEqualTo(128);
        run("config", "set", "server.io", "threads");
        run("config", "set", "server.loops", "3");
        Config stored = Config.load(dev.trustctl.home.TrustHome.fromEnv(Map.of("TRUST_HOME", home.toString())));
        var fromConfig = EchoServerCommand.settings(Command.parse(new EchoServerCommand(null).options(), List.of()), stored);
        assertThat(fromConfig.io()).isEqualTo(Io.THREADS);
        assertThat(fromConfig.loops()).isEqualTo(3);
    }

    /** Virtual threads came with Java 21: before that, asking for them is a usage error naming both versions. */
    @Test
    void ioVirtualNeedsJava21AndThenDefaultsToTheLoopsClientLimit() throws Exception {
        run("config", "set", "server.io", "virtual"); // a valid setting, whichever JVM writes it
        Config stored = Config.load(dev.trustctl.home.TrustHome.fromEnv(Map.of("TRUST_HOME", home.toString())));
        CommandLine none = Command.parse(new EchoServerCommand(null).options(), List.of());
        if (Runtime.version().feature() >= 21) {
            var settings = EchoServerCommand.settings(none, stored);
            assertThat(settings.io()).isEqualTo(Io.VIRTUAL);
            assertThat(settings.maxClients()).isEqualTo(ServerSettings.defaultMaxClients(Io.LOOP, FdLimit.soft()));
        } else {
            String message = "--io virtual needs Java 21 or newer (virtual threads), this is Java "
                    + System.getProperty("java.version") + " (" + System.getProperty("java.home")
                    + "): choose another with JAVA_HOME=/path/to/jdk ./trustctl ...";
            assertThatThrownBy(() -> EchoServerCommand.settings(none, stored)).isInstanceOf(UsageException.class)
                    .hasMessage(message);
            assertUsageError(run("echo-server", "--io", "virtual", "--port", "1"), message,
                    "try 'trustctl echo-server --help'");
        }
        assertThat(ServerSettings.defaultMaxClients(Io.VIRTUAL, 1024)).isEqualTo(1024 - FdLimit.JVM_RESERVE);
    }

    @Test
    void statusJsonIsOneObjectWithThePaths() {
        CliResult before = run("status", "--json");
        assertThat(before.code()).isZero();
        assertThat(before.out()).endsWith("}\n");
        assertThat(before.out().indexOf('\n')).isEqualTo(before.out().length() - 1);
        Map<String, Object> status = StrictJson.object(before.out());
        assertThat(status).containsOnlyKeys("trust_home", "initialised", "config_file", "log_file", "version")
                .containsEntry("trust_home", home.toString())
                .containsEntry("initialised", false)
                .containsEntry("config_file", home.resolve("config").toString())
                .containsEntry("log_file", home.resolve("logs/trustctl.log").toString())
                .containsEntry("version", "0.1.0");

        assertThat(run("init").code()).isZero();
        assertThat(StrictJson.object(run("status", "--json").out())).containsEntry("initialised", true);
    }

    @Test
    void statusJsonEscapesAnAwkwardPath() {
        home = tmp.resolve("dir with \"quotes\" and \\ back");
        Map<String, Object> status = StrictJson.object(run("status", "--json").out());
        assertThat(status).containsEntry("trust_home", home.toString());
    }

    @Test
    void statusTextHasOneLinePerField() {
        CliResult r = run("status");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().toList()).hasSize(5)
                .anyMatch(l -> l.startsWith("trust_home:") && l.endsWith(home.toString()))
                .anyMatch(l -> l.startsWith("version:") && l.endsWith("0.1.0"));
    }

    @Test
    void initCreatesTheLayoutAndIsIdempotent() throws IOException {
        CliResult first = run("init");
        assertThat(first).isEqualTo(new CliResult(0, "initialised " + home + "\n", ""));
        assertThat(home.resolve("config")).isRegularFile();
        assertThat(home.resolve("logs")).isDirectory();
        run("config", "set", "server.port", "9901");
        CliResult second = run("init");
        assertThat(second).isEqualTo(new CliResult(0, "already initialised " + home + " (config kept)\n", ""));
        assertThat(run("config", "get", "server.port").out()).isEqualTo("9901\n");
    }

    @Test
    void aTrustHomeThatIsAFileFailsInOneLineWithoutAStackTrace() throws IOException {
        Files.writeString(home, "not a directory");
        CliResult r = run("status");
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).isEqualTo("Error: TRUST_HOME is not a directory: " + home + "\n");
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(home)).isEqualTo("not a directory");
    }

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        Files.writeString(home, "not a directory");
        CliResult r = run("--verbose", "status");
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).startsWith("Error: TRUST_HOME is not a directory: " + home + "\n").contains("\tat ");
    }

    @Test
    void versionWorksEvenWithABadTrustHome() throws IOException {
        Files.writeString(home, "not a directory");
        assertThat(run("version")).isEqualTo(new CliResult(0, "trustctl 0.1.0\n", ""));
    }

    @Test
    void anUnsetTrustHomeMeansDotTrustctlInHome() {
        Path user = tmp.resolve("user");
        CliResult r = runWith(Map.of("HOME", user.toString()), "status", "--json");
        assertThat(r.code()).isZero();
        assertThat(StrictJson.object(r.out())).containsEntry("trust_home", user.resolve(".trustctl").toString());
    }

    @Test
    void everyInvocationLogsCommandDoneWithItsExitCode() throws IOException {
        run("version");
        run("frobnicate");
        List<String> lines = Files.readAllLines(home.resolve("logs/trustctl.log"));
        assertThat(lines).hasSize(2);
        Map<String, Object> ok = StrictJson.object(lines.get(0));
        Map<String, Object> usage = StrictJson.object(lines.get(1));
        assertThat(ok).containsEntry("event", "command_done").containsEntry("command", "version")
                .containsKeys("ts", "level", "request_id", "duration_ms");
        assertThat(ok.get("exit_code")).hasToString("0");
        assertThat(usage).containsEntry("command", "frobnicate");
        assertThat(usage.get("exit_code")).hasToString("2");
    }
}

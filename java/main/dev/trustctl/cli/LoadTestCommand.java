package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import dev.trustctl.load.LoadReport;
import dev.trustctl.load.LoadSettings;
import dev.trustctl.load.LoadTest;
import dev.trustctl.load.Progress;
import dev.trustctl.wire.FrameCodec;
import dev.trustctl.wire.WireTrace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code echo-load-test --host H --port P --clients C --messages M} (or {@code echo-load-test H P ...}, like
 * echo-client): the load tester. Exit 0 only when every round trip came back byte for byte; 1 when any failed;
 * 2 for a bad command line.
 */
final class LoadTestCommand implements Command {
    private static final String USAGE = "echo-load-test [--host HOST] --port PORT [--clients C] [--messages M]"
            + " [--concurrency K]\n                      [--payload-size S] [--hold] [--deadline SECONDS] [--timeout SECONDS]"
            + " [--json] [--trace] [--help]\n       echo-load-test HOST PORT [the same options]";

    /** Where Linux says what this process's stderr is. */
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    @Override
    public boolean logsEvents() {
        return true;
    }

    @Override
    public String name() {
        return "echo-load-test";
    }

    @Override
    public String summary() {
        return "measure an echo server: round trips, failures, latency (also ./echo-load-test)";
    }

    @Override
    public boolean needsHome() {
        return false;
    }

    static Options options() {
        return ParsedLine.optionsWithHelp()
                .addOption(flag("host", "HOST", "server host. Default: 127.0.0.1"))
                .addOption(flag("port", "PORT", "server port (required)"))
                .addOption(flag("clients", "C", "sessions in all. Default: " + LoadSettings.DEFAULT_CLIENTS))
                .addOption(flag("messages", "M", "frames per session. Default: " + LoadSettings.DEFAULT_MESSAGES))
                .addOption(flag("concurrency", "K", "sessions at once; 1 = one after another. Default: 1"))
                .addOption(flag("payload-size", "S", "bytes per frame, 0.." + FrameCodec.MAX_PAYLOAD_BYTES
                        + ". Default: " + LoadSettings.DEFAULT_PAYLOAD))
                .addOption(Option.builder().longOpt("hold").desc("open all C connections first, then send").get())
                .addOption(flag("deadline", "SECONDS", "hard bound on the whole run. Default: "
                        + LoadSettings.DEFAULT_DEADLINE.toSeconds()))
                .addOption(flag("timeout", "SECONDS", "bound on each connect, send and echo. Default: "
                        + LoadSettings.DEFAULT_TIMEOUT.toSeconds()))
                .addOption(Option.builder().longOpt("json").desc("print the summary as one JSON line").get())
                .addOption(Option.builder().longOpt("trace").desc("show the bytes on the wire on stderr, as"
                        + " echo-client --trace does; with --clients 1 only. Default: off").get());
    }

    private static Option flag(String name, String arg, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).get();
    }

    @Override
    public int run(List<String> args, TrustHome home, Terminal term) throws UsageException {
        Options options = options();
        ParsedLine line = ParsedLine.parse(options, args);
        if (line.has("help")) {
            ParsedLine.printHelp(term.out(), USAGE, "Runs C sessions of M framed round trips against an echo server and checks every echoed byte."
                    + " Exit codes: 0 all ok, 1 any failure, 2 usage.", options);
            return ExitCode.OK;
        }
        Target target = target(line);
        LoadSettings settings = new LoadSettings(
                Values.host(target.hostName(), target.host()),
                Values.port(target.portName(), target.port()),
                count(line, "clients", LoadSettings.DEFAULT_CLIENTS, 1, 1_000_000),
                count(line, "messages", LoadSettings.DEFAULT_MESSAGES, 1, 100_000_000),
                count(line, "concurrency", 1, 1, 10_000),
                count(line, "payload-size", LoadSettings.DEFAULT_PAYLOAD, 0, FrameCodec.MAX_PAYLOAD_BYTES),
                line.has("hold"),
                seconds(line, "deadline", LoadSettings.DEFAULT_DEADLINE),
                seconds(line, "timeout", LoadSettings.DEFAULT_TIMEOUT));
        if (line.has("trace") && settings.clients() != 1) {
            throw new UsageException("--trace needs --clients 1 (got " + settings.clients()
                    + "): the bytes of many connections would interleave");
        }
        // Drawn only on a terminal (never into captured output), and not over a trace's own lines.
        Progress progress = line.has("trace") ? null : Progress.onTerminal(term.err(), STDERR);
        WireTrace trace = line.has("trace") ? new WireTrace(term.err()) : null;
        LoadReport report;
        try {
            report = new LoadTest(settings, progress, trace).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            term.err().println("Error: interrupted");
            return ExitCode.FAILURE;
        }
        term.out().print(line.has("json") ? report.json() + System.lineSeparator() : report.text());
        return report.passed() ? ExitCode.OK : ExitCode.FAILURE;
    }

    /** Where to connect, with the names errors call the two values by: the flags' or the words'. */
    private record Target(String hostName, String host, String portName, String port) {
    }

    /** From {@code --host/--port} or from {@code HOST PORT}, not both. */
    private static Target target(ParsedLine line) throws UsageException {
        List<String> words = line.positional();
        if (words.isEmpty()) {
            if (!line.has("port")) {
                throw new UsageException("missing option: --port");
            }
            return new Target("--host", line.has("host") ? line.value("host") : "127.0.0.1", "--port",
                    line.value("port"));
        }
        if (line.has("host") || line.has("port")) {
            if (words.size() != 2) {
                Arguments.none(line);
            }
            throw new UsageException("unexpected argument: " + Shown.of(words.get(0))
                    + " (give HOST PORT or --host/--port, not both)");
        }
        if (words.size() == 1) {
            throw new UsageException("missing argument: PORT (echo-load-test HOST PORT, or --port PORT)");
        }
        Arguments.exactly(line, 2, "HOST PORT");
        return new Target("HOST", words.get(0), "PORT", words.get(1));
    }

    private static int count(ParsedLine line, String name, int fallback, int min, int max) throws UsageException {
        return line.has(name) ? Values.intInRange("--" + name, line.value(name), min, max) : fallback;
    }

    private static Duration seconds(ParsedLine line, String name, Duration fallback) throws UsageException {
        return line.has(name) ? Values.seconds("--" + name, line.value(name)) : fallback;
    }
}

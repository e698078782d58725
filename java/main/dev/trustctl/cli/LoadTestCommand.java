package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import dev.trustctl.client.LoadReport;
import dev.trustctl.client.LoadSettings;
import dev.trustctl.client.LoadTest;
import dev.trustctl.client.Progress;
import dev.trustctl.proto.FrameCodec;
import dev.trustctl.display.WireTrace;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code echo-load-test --host H --port P --clients C --messages M} (or {@code echo-load-test H P ...}, like
 * echo-client): the load tester. Exit 0 only when every round trip came back byte for byte; 1 when any failed;
 * 2 for a bad command line.
 */
final class LoadTestCommand extends Command {
    /** Where Linux says what this process's stderr is. */
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    LoadTestCommand() {
        super("echo-load-test", Setup.CLIENT, "measure an echo server: round trips, failures, latency (also"
                + " ./echo-load-test)", "echo-load-test [HOST PORT]", "Runs C sessions of M framed round trips"
                + " against an echo server (HOST PORT, or --host and --port) and checks every echoed byte. Exit codes:"
                + " 0 all ok, 1 any failure, 2 usage.");
    }

    @Override
    Options options() {
        return super.options()
                .addOption(flag("host", "HOST", "server host. Default: 127.0.0.1"))
                .addOption(flag("port", "PORT", "server port (required)"))
                .addOption(flag("clients", "C", "sessions in all. Default: " + LoadSettings.DEFAULT_CLIENTS))
                .addOption(flag("messages", "M", "frames per session. Default: " + LoadSettings.DEFAULT_MESSAGES))
                .addOption(flag("concurrency", "K", "sessions at once; 1 = one after another. Default: 1"))
                .addOption(flag("payload-size", "S", "bytes per frame, 0.." + FrameCodec.MAX_PAYLOAD_BYTES
                        + ". Default: " + LoadSettings.DEFAULT_PAYLOAD))
                .addOption(flag("hold", null, "open all C connections first, then send"))
                .addOption(flag("deadline", "SECONDS", "hard bound on the whole run. Default: "
                        + LoadSettings.DEFAULT_DEADLINE.toSeconds()))
                .addOption(flag("timeout", "SECONDS", "bound on each connect, send and echo. Default: "
                        + LoadSettings.DEFAULT_TIMEOUT.toSeconds()))
                .addOption(flag("json", null, "print the summary as one JSON line"))
                .addOption(flag("trace", null, "show the bytes on the wire on stderr, as echo-client --trace does;"
                        + " with --clients 1 only. Default: off"));
    }

    @Override
    int run(CommandLine line, TrustHome home, Terminal term) throws UsageException {
        InetSocketAddress target = target(line);
        LoadSettings settings = new LoadSettings(target.getHostString(), target.getPort(),
                count(line, "clients", LoadSettings.DEFAULT_CLIENTS, 1, 1_000_000),
                count(line, "messages", LoadSettings.DEFAULT_MESSAGES, 1, 100_000_000),
                count(line, "concurrency", 1, 1, 10_000),
                count(line, "payload-size", LoadSettings.DEFAULT_PAYLOAD, 0, FrameCodec.MAX_PAYLOAD_BYTES),
                line.hasOption("hold"),
                seconds(line, "deadline", LoadSettings.DEFAULT_DEADLINE),
                seconds(line, "timeout", LoadSettings.DEFAULT_TIMEOUT));
        boolean traced = line.hasOption("trace");
        if (traced && settings.clients() != 1) {
            throw new UsageException("--trace needs --clients 1 (got " + settings.clients()
                    + "): the bytes of many connections would interleave");
        }
        LoadReport report;
        try {
            // Progress is drawn only on a terminal (never into captured output), and not over a trace's own lines.
            report = new LoadTest(settings, traced ? null : Progress.onTerminal(term.err(), STDERR),
                    traced ? new WireTrace(term.err()) : null).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            term.err().println("Error: interrupted");
            return ExitCode.FAILURE;
        }
        term.out().print(line.hasOption("json") ? report.json() + System.lineSeparator() : report.text());
        return report.passed() ? ExitCode.OK : ExitCode.FAILURE;
    }

    /** Where to connect, checked: from {@code --host/--port} or from {@code HOST PORT}, not both. */
    private static InetSocketAddress target(CommandLine line) throws UsageException {
        List<String> words = line.getArgList();
        if (words.isEmpty()) {
            if (!line.hasOption("port")) {
                throw new UsageException("missing option: --port");
            }
            return InetSocketAddress.createUnresolved(Values.host("--host", line.getOptionValue("host", "127.0.0.1")),
                    Values.port("--port", line.getOptionValue("port")));
        }
        if (line.hasOption("host") || line.hasOption("port")) {
            throw new UsageException("unexpected argument: " + Values.shown(words.get(0))
                    + (words.size() == 2 ? " (give HOST PORT or --host/--port, not both)" : ""));
        }
        if (words.size() == 1) {
            throw new UsageException("missing argument: PORT (echo-load-test HOST PORT, or --port PORT)");
        }
        words(line, "HOST", "PORT");
        return InetSocketAddress.createUnresolved(Values.host("HOST", words.get(0)), Values.port("PORT", words.get(1)));
    }
}

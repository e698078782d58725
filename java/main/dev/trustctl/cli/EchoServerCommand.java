package dev.trustctl.cli;

import dev.trustctl.echo.EchoServer;
import dev.trustctl.echo.ServerSettings;
import dev.trustctl.echo.Signals;
import dev.trustctl.errors.ErrorMap;
import dev.trustctl.home.TrustHome;
import java.io.IOException;
import java.util.List;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.slf4j.LoggerFactory;

/**
 * {@code trustctl echo-server}: runs the framed echo server in the foreground until SIGTERM or SIGINT, then
 * says so in one line on stderr. Flags left out come from the config file, then from the defaults in
 * {@link ServerSettings}.
 */
final class EchoServerCommand implements Command {
    @Override
    public String name() {
        return "echo-server";
    }

    @Override
    public String summary() {
        return "run the framed TCP echo server (127.0.0.1:9900 by default)";
    }

    @Override
    public boolean longRunning() {
        return true;
    }

    static Options options() {
        return CommandLine.optionsWithHelp()
                .addOption(Option.builder().longOpt("port").hasArg().argName("PORT")
                        .desc("TCP port, 1..65535. Default: server.port, else " + ServerSettings.DEFAULT_PORT).get())
                .addOption(Option.builder().longOpt("bind").hasArg().argName("ADDR")
                        .desc("address to listen on. Default: " + ServerSettings.DEFAULT_BIND + " (loopback only)").get())
                .addOption(Option.builder().longOpt("timeout").hasArg().argName("SECONDS")
                        .desc("idle, per-frame and per-write deadline, decimals allowed. Default: "
                                + ServerSettings.DEFAULT_TIMEOUT.toSeconds()).get())
                .addOption(Option.builder().longOpt("max-clients").hasArg().argName("N")
                        .desc("clients served at once; more are closed at once. Default: "
                                + ServerSettings.DEFAULT_MAX_CLIENTS).get());
    }

    /** The settings the command line asks for, with config and defaults filling the gaps. */
    static ServerSettings settings(CommandLine line, Config config) throws UsageException {
        Arguments.none(line);
        return new ServerSettings(
                Values.host("--bind", valueOr(line, "bind", config, ConfigKey.SERVER_BIND)),
                Values.port("--port", valueOr(line, "port", config, ConfigKey.SERVER_PORT)),
                Values.seconds("--timeout", valueOr(line, "timeout", config, ConfigKey.SERVER_TIMEOUT)),
                Values.intInRange("--max-clients", valueOr(line, "max-clients", config, ConfigKey.SERVER_MAX_CLIENTS),
                        1, ServerSettings.MAX_MAX_CLIENTS));
    }

    private static String valueOr(CommandLine line, String flag, Config config, ConfigKey key) {
        return line.has(flag) ? line.value(flag) : config.get(key);
    }

    @Override
    public int run(List<String> args, TrustHome home, Terminal term) throws UsageException, IOException {
        Options options = options();
        CommandLine line = CommandLine.parse(options, args);
        if (line.has("help")) {
            CommandLine.printHelp(term.out(), "trustctl echo-server [--port PORT] [--bind ADDR] [--timeout SECONDS]"
                    + " [--max-clients N]", "Echoes every length-prefixed frame (4-byte big-endian length, at most"
                    + " 65536 bytes) back to its sender. Stops on SIGTERM or SIGINT.", options);
            return ExitCode.OK;
        }
        ServerSettings settings = settings(line, Config.load(home));
        EchoServer server;
        try {
            server = EchoServer.bind(settings);
        } catch (IOException e) {
            ErrorMap.Row row = ErrorMap.classify(e);
            // The logger is looked up here, not in a static field: trustctl builds every command at start-up,
            // and a short CLI call must not set up logback.
            LoggerFactory.getLogger("echo").atError().setMessage("bind_failed").addKeyValue("errno", row.errno()).addKeyValue("port", settings.port())
                    .addKeyValue("bind", settings.bind()).addKeyValue("action", "exit").log();
            throw new IOException("cannot listen on " + settings.bind() + ":" + settings.port() + ": "
                    + row.errno() + " (" + e.getMessage() + ")");
        }
        Signals.onStop(server::stop);
        term.err().printf("echo-server listening on %s:%d (timeout %s s, max %d clients); log: %s%n",
                settings.bind(), server.port(), Values.secondsText(settings.timeout()), settings.maxClients(),
                home.logFile());
        long started = System.nanoTime();
        server.serve();
        // One line to end on after Ctrl-C; the counters themselves are the server_stop event's.
        term.err().println("echo-server stopped after " + (System.nanoTime() - started) / 1_000_000_000
                + " s; counters: the server_stop line of " + home.logFile());
        return ExitCode.OK;
    }
}

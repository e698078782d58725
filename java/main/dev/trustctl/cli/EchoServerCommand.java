package dev.trustctl.cli;

import dev.trustctl.server.Server;
import dev.trustctl.server.FdLimit;
import dev.trustctl.server.Io;
import dev.trustctl.server.ServerSettings;
import dev.trustctl.display.ServerTrace;
import dev.trustctl.server.Signals;
import dev.trustctl.threads.VirtualThreads;
import dev.trustctl.errors.Action;
import dev.trustctl.errors.ErrorMap;
import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import dev.trustctl.log.Log;
import dev.trustctl.proto.EchoHandler;
import dev.trustctl.proto.Protocol;
import dev.trustctl.display.HostPort;
import java.io.IOException;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.slf4j.LoggerFactory;

/**
 * {@code trustctl echo-server}: runs the framed echo server in the foreground until SIGTERM, SIGINT or SIGHUP,
 * then says so in one line on stderr. Flags left out come from the config file, then from the defaults in
 * {@link ServerSettings}.
 */
final class EchoServerCommand extends Command {
    private final Protocol.Factory protocols; // null: the echo

    EchoServerCommand(Protocol.Factory protocols) {
        super("echo-server", Setup.SERVER, "run the framed TCP echo server (127.0.0.1:9900 by default)",
                "trustctl echo-server", "Echoes every length-prefixed frame (4-byte big-endian length, at most 65536"
                + " bytes) back to its sender. Stops on SIGTERM, SIGINT or SIGHUP.");
        this.protocols = protocols;
    }

    @Override
    Options options() {
        Options options = super.options();
        for (Config.Key k : Config.Key.values()) {
            options.addOption(flag(k.flag, k.arg, k.help + ". Default: " + k.key + ", else " + k.defaultValue));
        }
        return options.addOption(flag("trace", null, "show every read and write of each connection (its id, the bytes"
                + " moved, where the frame stands: header 2/4, payload 1000/65536) and each open, timeout, rejection"
                + " and close on stderr; never payload bytes. Bounded like the log. Default: off"));
    }

    /** The settings the command line asks for, with config and defaults filling the gaps. */
    static ServerSettings settings(CommandLine line, Config config) throws UsageException {
        words(line);
        Io io = Values.io("--io", config.get(line, Config.Key.IO));
        if (io == Io.VIRTUAL && !VirtualThreads.available()) {
            throw new UsageException("--io virtual needs Java " + VirtualThreads.NEEDED_RELEASE
                    + " or newer (virtual threads), this is Java " + VirtualThreads.runningVersion()
                    + ": choose another with JAVA_HOME=/path/to/jdk ./trustctl ...");
        }
        int maxClients = Values.countOrAuto("--max-clients", config.get(line, Config.Key.MAX_CLIENTS),
                ServerSettings.MAX_MAX_CLIENTS, ServerSettings.defaultMaxClients(io, FdLimit.soft()));
        return new ServerSettings(Values.host("--bind", config.get(line, Config.Key.BIND)),
                Values.port("--port", config.get(line, Config.Key.PORT)),
                Values.seconds("--timeout", config.get(line, Config.Key.TIMEOUT)), maxClients, io,
                Values.countOrAuto("--loops", config.get(line, Config.Key.LOOPS), ServerSettings.MAX_LOOPS,
                        ServerSettings.defaultLoops()));
    }

    @Override
    int run(CommandLine line, TrustHome home, Terminal term) throws UsageException, IOException {
        ServerSettings settings = settings(line, Config.load(home));
        Server server;
        try {
            server = Server.bind(settings, protocols != null ? protocols : EchoHandler.protocol(),
                    line.hasOption("trace") ? new ServerTrace(term.err()) : null, Log.floodVerdict());
        } catch (IOException e) {
            ErrorMap.Row row = ErrorMap.classify(e);
            // The logger is looked up here, not in a static field: trustctl builds every command at start-up,
            // and a short CLI call must not set up logback.
            LoggerFactory.getLogger("echo").atError().setMessage("bind_failed").addKeyValue("errno", row.errno())
                    .addKeyValue("port", settings.port()).addKeyValue("bind", settings.bind())
                    .addKeyValue("action", Action.EXIT.label()).log();
            throw new IOException("cannot listen on " + HostPort.of(settings.bind(), settings.port()) + ": "
                    + row.errno() + " (" + e.getMessage() + ")", e);
        }
        Signals.onStop(server::stop);
        if (Signals.ignored(Signals.SIGINT)) {
            // bash starts a background job with SIGINT ignored and the JVM keeps it so: said, or kill -INT (and
            // Ctrl-C after fg) seems to do nothing. Before the listening line: whoever waits for that has this.
            term.err().printf("echo-server ignores SIGINT here (this shell started it with SIGINT ignored, as bash"
                    + " does for a background job): stop it with kill %d (SIGTERM)%n", ProcessHandle.current().pid());
        }
        term.err().printf("echo-server listening on %s (io %s, timeout %s s, max %d clients); log: %s%n",
                HostPort.of(settings.bind(), server.port()), settings.io() == Io.LOOP ? "loop x" + settings.loops()
                : settings.io().label(), Values.secondsText(settings.timeout()), settings.maxClients(), home.logFile());
        long started = System.nanoTime();
        server.serve();
        // One line to end on after Ctrl-C; every counter is in the server_stop event.
        term.err().println("echo-server stopped after " + String.format(Locale.ROOT, "%.1f",
                (System.nanoTime() - started) / 1e9) + " s: " + server.summary() + "; log: " + home.logFile());
        return ExitCode.OK;
    }
}

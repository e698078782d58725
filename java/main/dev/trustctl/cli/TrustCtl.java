package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.HomeException;
import dev.trustctl.home.TrustHome;
import dev.trustctl.log.DirectLog;
import dev.trustctl.log.Log;
import dev.trustctl.proto.Protocol;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * {@code trustctl [--help] [--version] [--verbose] COMMAND [ARGS]}: finds the command, sets up the JSON log,
 * runs it and turns every failure into one line on stderr and an {@link ExitCode}. Each invocation ends with a
 * {@code command_done} event carrying the command, its exit code and how long it took. Only a long-running
 * command sets up logback; a short one writes its line through {@link DirectLog}, which starts far faster.
 */
public final class TrustCtl {
    private static final long FLUSH_MILLIS = 2000;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Terminal term;
    private DirectLog directLog; // the log a short command writes its line to; null for logback, or none
    private boolean logbackStarted;

    public TrustCtl(Terminal term) {
        this(term, null);
    }

    /**
     * trustctl whose echo-server speaks what {@code serverProtocols} makes: the seam a later week plugs into. Null:
     * the echo, made only when a server starts (a short CLI call spins up no lambda).
     */
    public TrustCtl(Terminal term, Protocol.Factory serverProtocols) {
        this.term = term;
        for (Command c : List.of(new InitCommand(), new StatusCommand(), new ConfigCommand(), new VersionCommand(),
                new EchoServerCommand(serverProtocols), new EchoClientCommand(), new LoadTestCommand())) {
            commands.put(c.name, c);
        }
    }

    public int run(String... argv) {
        long started = System.nanoTime();
        int at = 0;
        while (at < argv.length && argv[at].equals("--verbose")) {
            at++;
        }
        boolean verbose = at > 0;
        String name = at < argv.length ? argv[at] : "";
        Command command = commands.get(name);
        int code;
        String error = null; // what stderr said, so the log alone explains the exit code
        try {
            TrustHome home = TrustHome.fromEnv(term.env());
            startLog(home, command == null ? Command.Setup.ANYWHERE : command.setup);
            code = switch (name) {
                case "" -> usage(term.err(), ExitCode.USAGE);
                case "-h", "--help", "help" -> usage(term.out(), ExitCode.OK);
                case "-V", "--version" -> commands.get("version").run(List.of(), home, term);
                default -> {
                    if (command == null) {
                        throw new UsageException(name.startsWith("-") ? "unknown option: " + Values.shown(name)
                                : "unknown command: " + Values.shown(name)
                                + Command.didYouMean("", name, commands.keySet()));
                    }
                    yield command.run(Arrays.asList(argv).subList(at + 1, argv.length), home, term);
                }
            };
        } catch (UsageException e) {
            error = Values.escape(e.getMessage());
            term.err().println("Error: " + error + "\ntry 'trustctl " + (command == null ? "" : name + " ")
                    + "--help'");
            code = ExitCode.USAGE;
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
            boolean bug = !(e instanceof IOException);
            error = bug ? "internal error: " + Values.escape(e.toString()) : Values.escape(e.getMessage());
            term.err().println("Error: " + error + (bug && !verbose ? " (--verbose shows where)" : ""));
            if (verbose) {
                e.printStackTrace(term.err());
            }
            code = ExitCode.FAILURE;
        }
        Object[] done = {"command", name.isEmpty() ? "(none)" : Values.cut(name), "exit_code", code, "duration_ms",
            (System.nanoTime() - started) / 1_000_000, "error", error};
        logDone(error == null ? Arrays.copyOf(done, 6) : done);
        return code;
    }

    /** Commands that need TRUST_HOME fail on a bad one; the rest log where they can and run regardless. */
    private void startLog(TrustHome home, Command.Setup setup) throws HomeException {
        directLog = null;
        logbackStarted = false;
        try {
            if (setup == Command.Setup.INIT) {
                home.tightenModes();
            }
            home.ensureUsable();
            if (setup == Command.Setup.CLIENT || setup == Command.Setup.SERVER) { // they log events of their own
                Log.start(home.logDir(), setup == Command.Setup.SERVER); // queued
                logbackStarted = true;
            } else {
                directLog = DirectLog.open(home.logDir());
            }
        } catch (IOException e) {
            if (setup != Command.Setup.ANYWHERE && setup != Command.Setup.CLIENT) { // the others need it
                throw e instanceof HomeException known ? known
                        : new HomeException("cannot write the log in " + home.logDir() + ": " + HomeException.reason(e),
                                e);
            }
        }
    }

    /** The command_done line, in whichever log the command set up: {@code fields} alternate a name and its value. */
    private void logDone(Object... fields) {
        if (directLog != null) {
            directLog.event("INFO", "command_done", fields);
        } else if (logbackStarted) {
            LoggingEventBuilder done = LoggerFactory.getLogger("trustctl").atInfo().setMessage("command_done");
            for (int i = 0; i < fields.length; i += 2) {
                done.addKeyValue((String) fields[i], fields[i + 1]);
            }
            done.log();
            Log.flush(FLUSH_MILLIS); // a server's queued lines are on disk when run() returns, not some time later
        }
    }

    private int usage(PrintStream out, int code) {
        out.println("usage: trustctl [--help] [--version] [--verbose] COMMAND [ARGS]\n\ncommands:");
        for (Command c : commands.values()) {
            out.printf("  %-15s %s%n", c.name, c.summary);
        }
        out.println("\nTRUST_HOME (default ~/.trustctl) holds config and logs/trustctl.log.\n'trustctl COMMAND --help'"
                + " describes a command. Exit codes: 0 ok, 1 failure, 2 usage (echo-client adds 3 to 6).");
        return code;
    }
}

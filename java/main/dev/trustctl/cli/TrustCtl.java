package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.HomeException;
import dev.trustctl.home.TrustHome;
import dev.trustctl.log.DirectLog;
import dev.trustctl.log.Log;
import dev.trustctl.proto.Protocol;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
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
    private static final String HINT = "try 'trustctl --help'";
    private static final long FLUSH_MILLIS = 2000;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Terminal term;
    private DirectLog directLog;
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
                new EchoServerCommand(serverProtocols), new EchoClientCommand(), new LoadTestCommand(), new CdsTraining())) {
            commands.put(c.name(), c);
        }
    }

    public int run(String... argv) {
        long started = System.nanoTime();
        List<String> args = Arrays.asList(argv);
        boolean verbose = false;
        while (!args.isEmpty() && args.get(0).equals("--verbose")) {
            verbose = true;
            args = args.subList(1, args.size());
        }
        String name = args.isEmpty() ? "" : args.get(0);
        Command command = commands.get(name);
        TrustHome home = TrustHome.fromEnv(term.env());
        int code;
        String error = null; // what stderr said, so the log alone explains the exit code
        try {
            code = dispatch(name, command, args.isEmpty() ? args : args.subList(1, args.size()), home);
        } catch (UsageException e) {
            error = Shown.escape(e.getMessage());
            term.err().println("Error: " + error);
            term.err().println(hintFor(command));
            code = ExitCode.USAGE;
        } catch (IOException e) {
            error = Shown.escape(e.getMessage());
            term.err().println("Error: " + error);
            printTrace(verbose, e);
            code = ExitCode.FAILURE;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            error = "internal error: " + Shown.escape(e.toString());
            term.err().println("Error: " + error + (verbose ? "" : " (--verbose shows where)"));
            printTrace(verbose, e);
            code = ExitCode.FAILURE;
        }
        logDone(name.isEmpty() ? "(none)" : Shown.cut(name), code, (System.nanoTime() - started) / 1_000_000, error);
        return code;
    }

    private void logDone(String name, int code, long millis, String error) {
        if (directLog != null) {
            if (error == null) {
                directLog.event("INFO", "command_done", "command", name, "exit_code", code, "duration_ms", millis);
            } else {
                directLog.event("INFO", "command_done", "command", name, "exit_code", code, "duration_ms", millis,
                        "error", error);
            }
        } else if (logbackStarted) {
            LoggingEventBuilder done = LoggerFactory.getLogger("trustctl").atInfo().setMessage("command_done")
                    .addKeyValue("command", name).addKeyValue("exit_code", code).addKeyValue("duration_ms", millis);
            if (error != null) {
                done.addKeyValue("error", error);
            }
            done.log();
            Log.flush(FLUSH_MILLIS); // a server's queued lines are on disk when run() returns, not some time later
        }
    }

    private int dispatch(String name, Command command, List<String> rest, TrustHome home)
            throws UsageException, IOException {
        startLog(home, command);
        if (name.isEmpty()) {
            printUsage(term.err());
            return ExitCode.USAGE;
        }
        switch (name) {
            case "-h", "--help", "help" -> {
                printUsage(term.out());
                return ExitCode.OK;
            }
            case "-V", "--version" -> {
                return commands.get("version").run(List.of(), home, term);
            }
            default -> {
                if (command == null) {
                    List<String> visible = new ArrayList<>();
                    for (Command c : commands.values()) {
                        if (!c.hidden()) {
                            visible.add(c.name());
                        }
                    }
                    throw new UsageException(name.startsWith("-") ? "unknown option: " + Shown.of(name)
                            : "unknown command: " + Shown.of(name) + DidYouMean.hint("", name, visible));
                }
                return command.run(rest, home, term);
            }
        }
    }

    /** Commands that need TRUST_HOME fail on a bad one; the rest log where they can and run regardless. */
    private void startLog(TrustHome home, Command command) throws HomeException {
        boolean needsHome = command != null && command.needsHome();
        directLog = null;
        logbackStarted = false;
        try {
            if (command != null && command.tightensHome()) {
                home.tightenModes();
            }
            home.ensureUsable();
            if (command != null && command.logsEvents()) {
                Log.start(home.logDir(), command.longRunning());
                logbackStarted = true;
            } else {
                directLog = DirectLog.open(home.logDir());
            }
        } catch (HomeException e) {
            if (needsHome) {
                throw e;
            }
        } catch (IOException e) {
            if (needsHome) {
                throw new HomeException("cannot write the log in " + home.logDir() + ": " + HomeException.reason(e), e);
            }
        }
    }

    private String hintFor(Command command) {
        return command == null ? HINT : "try 'trustctl " + command.name() + " --help'";
    }

    private void printTrace(boolean verbose, Throwable e) {
        if (verbose) {
            e.printStackTrace(term.err());
        }
    }

    private void printUsage(PrintStream out) {
        out.println("usage: trustctl [--help] [--version] [--verbose] COMMAND [ARGS]");
        out.println();
        out.println("commands:");
        commands.values().stream().filter(c -> !c.hidden()).forEach(c -> out.printf("  %-15s %s%n", c.name(), c.summary()));
        out.println();
        out.println("TRUST_HOME (default ~/.trustctl) holds config and logs/trustctl.log.");
        out.println("'trustctl COMMAND --help' describes a command. Exit codes: 0 ok, 1 failure, 2 usage"
                + " (echo-client adds 3 to 6).");
    }
}

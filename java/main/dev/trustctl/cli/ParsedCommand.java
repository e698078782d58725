package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/**
 * A command whose line commons-cli parses. Every one takes {@code -h/--help}, which prints its help in the same
 * shape for all; commons-cli's errors become one-line usage errors, and an option given twice is one too.
 */
abstract class ParsedCommand implements Command {
    /**
     * What a command says of itself: its name, what it needs set up, its line in {@code trustctl --help}, and its
     * own help above the options (the usage line or lines, a blank line, what it does). Made on each call, so keep
     * it to constants.
     */
    record About(String name, Setup setup, String summary, String help) {
    }

    abstract About about();

    @Override
    public String name() {
        return about().name();
    }

    @Override
    public String summary() {
        return about().summary();
    }

    @Override
    public Setup setup() {
        return about().setup();
    }

    String help() {
        return about().help();
    }

    /** The command's options, {@code -h/--help} first: an override adds its own to {@code super.options()}. */
    Options options() {
        return new Options().addOption(Option.builder("h").longOpt("help").desc("show this help and exit").get());
    }

    /** Runs the command on its parsed line (never one that asked for help). */
    abstract int run(CommandLine line, TrustHome home, Terminal term) throws UsageException, IOException;

    @Override
    public int run(List<String> args, TrustHome home, Terminal term) throws UsageException, IOException {
        Options options = options();
        CommandLine line = parse(options, args);
        if (!line.hasOption("help")) {
            return run(line, home, term);
        }
        term.out().println("usage: " + help() + "\n\noptions:");
        for (Option o : options.getOptions()) {
            String flag = (o.getOpt() == null ? "    " : "-" + o.getOpt() + ", ") + "--" + o.getLongOpt()
                    + (o.hasArg() ? " " + o.getArgName() : "");
            term.out().printf("  %-26s %s%n", flag, o.getDescription());
        }
        return ExitCode.OK;
    }

    static CommandLine parse(Options options, List<String> args) throws UsageException {
        CommandLine line;
        try {
            line = DefaultParser.builder().get().parse(options, args.toArray(new String[0]));
        } catch (UnrecognizedOptionException e) {
            throw new UsageException("unknown option: " + Shown.of(e.getOption()) + hint(options, e.getOption()));
        } catch (MissingArgumentException e) {
            throw new UsageException("option --" + e.getOption().getLongOpt() + " needs a value");
        } catch (ParseException e) {
            throw new UsageException(Shown.escape(e.getMessage()));
        }
        // --port 1 --port 0: which one was meant is a guess, and the second escaped every check
        Set<String> seen = new HashSet<>();
        for (Option o : line.getOptions()) {
            if (!seen.add(o.getLongOpt())) {
                throw new UsageException("option --" + o.getLongOpt() + " given more than once");
            }
        }
        return line;
    }

    /** What a mistyped option most likely meant: {@code --verbose} goes before the command; else a near option. */
    private static String hint(Options options, String typed) {
        if (typed.equals("--verbose")) {
            return ". Did you mean 'trustctl --verbose COMMAND ...'? (--verbose goes before the command)";
        }
        List<String> names = new ArrayList<>();
        for (Option o : options.getOptions()) {
            names.add(o.getLongOpt());
        }
        return typed.startsWith("--") ? DidYouMean.hint("--", typed, names) : "";
    }

    /** An option {@code --name}, taking a value called {@code arg} (none when null). */
    static Option flag(String name, String arg, String description) {
        return Option.builder().longOpt(name).hasArg(arg != null).argName(arg).desc(description).get();
    }

    /** The words after the options: exactly one per name, else a usage error naming the first missing or extra. */
    static List<String> words(CommandLine line, String... names) throws UsageException {
        List<String> words = line.getArgList();
        if (words.size() > names.length) {
            throw new UsageException("unexpected argument: " + Shown.of(words.get(names.length)));
        }
        if (words.size() < names.length) {
            throw new UsageException("missing argument: " + names[words.size()]);
        }
        return words;
    }

    static int count(CommandLine line, String name, int fallback, int min, int max) throws UsageException {
        return line.hasOption(name) ? Values.intInRange("--" + name, line.getOptionValue(name), min, max) : fallback;
    }

    static Duration seconds(CommandLine line, String name, Duration fallback) throws UsageException {
        return line.hasOption(name) ? Values.seconds("--" + name, line.getOptionValue(name)) : fallback;
    }
}

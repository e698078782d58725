package dev.trustctl.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.cli.AlreadySelectedException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.MissingOptionException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/**
 * A subcommand's parsed line: commons-cli parses (this wraps its {@link CommandLine}), this class turns its
 * exceptions into one-line usage errors, refuses an option given twice, and prints help in the same shape for
 * every command.
 */
public final class ParsedLine {
    /** trustctl's own option, read before the command name. */
    static final String VERBOSE = "--verbose";
    private final CommandLine parsed;

    private ParsedLine(CommandLine parsed) {
        this.parsed = parsed;
    }

    /** Every command takes {@code -h/--help}; callers add their own options to the returned set. */
    public static Options optionsWithHelp() {
        return new Options().addOption(Option.builder("h").longOpt("help").desc("show this help and exit").get());
    }

    public static ParsedLine parse(Options options, List<String> args) throws UsageException {
        CommandLine parsed;
        try {
            parsed = DefaultParser.builder().get().parse(options, args.toArray(String[]::new));
        } catch (UnrecognizedOptionException e) {
            throw new UsageException("unknown option: " + Shown.of(e.getOption()) + hint(options, e.getOption()));
        } catch (MissingArgumentException e) {
            throw new UsageException("option --" + e.getOption().getLongOpt() + " needs a value");
        } catch (MissingOptionException e) {
            throw new UsageException("missing option: --" + e.getMissingOptions().get(0));
        } catch (AlreadySelectedException e) {
            throw new UsageException(e.getMessage());
        } catch (ParseException e) {
            throw new UsageException(Shown.escape(e.getMessage()));
        }
        refuseRepeats(parsed);
        return new ParsedLine(parsed);
    }

    /** What a mistyped option most likely meant: {@code --verbose} goes before the command; else a near option. */
    static String hint(Options options, String typed) {
        if (typed.equals(VERBOSE)) {
            return ". Did you mean 'trustctl --verbose COMMAND ...'? (--verbose goes before the command)";
        }
        List<String> names = new ArrayList<>();
        for (Option o : options.getOptions()) {
            names.add(o.getLongOpt());
        }
        return typed.startsWith("--") ? DidYouMean.hint("--", typed, names) : "";
    }

    /** {@code --port 1 --port 0}: which one was meant is a guess, and the second escaped every check. */
    private static void refuseRepeats(CommandLine parsed) throws UsageException {
        Set<String> seen = new HashSet<>();
        for (Option o : parsed.getOptions()) {
            String name = o.getLongOpt() != null ? "--" + o.getLongOpt() : "-" + o.getOpt();
            if (!seen.add(name)) {
                throw new UsageException("option " + name + " given more than once");
            }
        }
    }

    public boolean has(String longOpt) {
        return parsed.hasOption(longOpt);
    }

    public String value(String longOpt) {
        return parsed.getOptionValue(longOpt);
    }

    public List<String> positional() {
        return parsed.getArgList();
    }

    /** Prints {@code usage: LINE}, the description, then one line per option with its value name. */
    public static void printHelp(PrintStream out, String usage, String description, Options options) {
        out.println("usage: " + usage);
        out.println();
        out.println(description);
        out.println();
        out.println("options:");
        for (Option o : options.getOptions()) {
            String flag = (o.getOpt() == null ? "    " : "-" + o.getOpt() + ", ") + "--" + o.getLongOpt()
                    + (o.hasArg() ? " " + o.getArgName() : "");
            out.printf("  %-26s %s%n", flag, o.getDescription());
        }
    }
}

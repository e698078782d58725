package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import java.io.IOException;
import java.time.Duration;
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
import org.apache.commons.cli.help.HelpFormatter;
import org.apache.commons.cli.help.TextHelpAppendable;

/**
 * One subcommand of trustctl, its line parsed by commons-cli. Every one takes {@code -h/--help}, which commons-cli
 * prints; its errors become one-line usage errors, and an option given twice is one too. A command returns an
 * {@link ExitCode}; only {@code Main} exits the process.
 */
abstract class Command {
    /**
     * Whether a command needs a usable TRUST_HOME, and which log it writes. HOME: needs it (trustctl makes it, or
     * refuses it in one line, before the command runs), and writes its one command_done line directly, which starts
     * far faster than logback. INIT: as HOME, after fixing the modes of TRUST_HOME that would otherwise be refused.
     * ANYWHERE: works without a usable TRUST_HOME, and logs its line there when it can. CLIENT: as ANYWHERE, but logs
     * events of its own (a client's failures), so through logback. SERVER: needs TRUST_HOME, and logs through
     * logback's queue, so no line waits on the disk in the serving thread.
     */
    enum Setup {
        HOME, INIT, ANYWHERE, CLIENT, SERVER
    }

    final String name;
    final Setup setup;
    /** Its line in {@code trustctl --help}. */
    final String summary;
    /** The usage line up to the options (commons-cli adds those), and what the command does. */
    private final String usage;
    private final String about;

    /** Every command is made at each start-up: keep these constants, and leave the options to {@link #options}. */
    Command(String name, Setup setup, String summary, String usage, String about) {
        this.name = name;
        this.setup = setup;
        this.summary = summary;
        this.usage = usage;
        this.about = about;
    }

    /** The command's options, {@code -h/--help} first: an override adds its own to {@code super.options()}. */
    Options options() {
        return new Options().addOption(Option.builder("h").longOpt("help").desc("show this help and exit").get());
    }

    /** What {@code --help} says above the options. */
    String about() {
        return about;
    }

    /** Runs the command on its parsed line (never one that asked for help). */
    abstract int run(CommandLine line, TrustHome home, Terminal term) throws UsageException, IOException;

    int run(List<String> args, TrustHome home, Terminal term) throws UsageException, IOException {
        // Nothing to parse, no parser to set up: its lambdas are most of a short call's time.
        CommandLine line = args.isEmpty() ? CommandLine.builder().get() : parse(options(), args);
        if (!line.hasOption("help")) {
            return run(line, home, term);
        }
        StringBuilder out = new StringBuilder();
        TextHelpAppendable text = new TextHelpAppendable(out);
        text.setMaxWidth(110);
        text.setLeftPad(0);
        HelpFormatter help = HelpFormatter.builder().setHelpAppendable(text).setShowSince(false).get();
        help.setSyntaxPrefix("usage:");
        help.printHelp(usage, about(), options(), "", true);
        // commons-cli pads its table to the full width and heads it "Options Description": neither helps a reader.
        term.out().print(out.toString().replaceAll("(?m)^ *Options +Description *\\R", "options:\n")
                .replaceAll("(?m) +$", ""));
        return ExitCode.OK;
    }

    static CommandLine parse(Options options, List<String> args) throws UsageException {
        CommandLine line;
        try {
            line = DefaultParser.builder().get().parse(options, args.toArray(new String[0]));
        } catch (UnrecognizedOptionException e) {
            throw new UsageException("unknown option: " + Values.shown(e.getOption()) + hint(options, e.getOption()));
        } catch (MissingArgumentException e) {
            throw new UsageException("option --" + e.getOption().getLongOpt() + " needs a value");
        } catch (ParseException e) {
            throw new UsageException(Values.escape(e.getMessage()));
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
        return typed.startsWith("--") ? didYouMean("--", typed, options.getOptions().stream().map(Option::getLongOpt)
                .toList()) : "";
    }

    /**
     * {@code ". Did you mean 'PREFIX+NAME'?"} for a mistyped {@code PREFIX+word} (a command, option or config key),
     * else "": the known name fewest edits away (insertions, deletions, substitutions and swaps of neighbours), if
     * that is at most 2 (1 for a name of 4 characters or fewer: "i" is no typo of "init").
     */
    static String didYouMean(String prefix, String typed, Iterable<String> names) {
        String a = typed.substring(prefix.length());
        if (a.length() > Values.MAX_SHOWN) {
            return ""; // an argument can be a megabyte, and so far from every name that none is compared
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String b : names) { // the optimal string alignment distance, row by row
            int[][] d = new int[a.length() + 1][b.length() + 1];
            for (int i = 0; i <= a.length(); i++) {
                for (int j = 0; j <= b.length(); j++) {
                    d[i][j] = i == 0 || j == 0 ? i + j : Math.min(Math.min(d[i - 1][j], d[i][j - 1]) + 1,
                            d[i - 1][j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                    if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                    }
                }
            }
            if (d[a.length()][b.length()] < bestDistance) {
                best = b;
                bestDistance = d[a.length()][b.length()];
            }
        }
        return best != null && bestDistance <= (best.length() <= 4 ? 1 : 2) ? ". Did you mean '" + prefix + best + "'?"
                : "";
    }

    /** An option {@code --name}, taking a value called {@code arg} (none when null). */
    static Option flag(String name, String arg, String description) {
        return Option.builder().longOpt(name).hasArg(arg != null).argName(arg).desc(description).get();
    }

    /** The words after the options: exactly one per name, else a usage error naming the first missing or extra. */
    static List<String> words(CommandLine line, String... names) throws UsageException {
        List<String> words = line.getArgList();
        if (words.size() > names.length) {
            throw new UsageException("unexpected argument: " + Values.shown(words.get(names.length)));
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

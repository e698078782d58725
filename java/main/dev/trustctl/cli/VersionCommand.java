package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import java.util.List;
import org.apache.commons.cli.Options;

/** {@code trustctl version}: prints {@code trustctl 0.1.0}, like {@code --version}. */
final class VersionCommand implements Command {
    static final String VERSION = "0.1.0";

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the version";
    }

    @Override
    public boolean needsHome() {
        return false;
    }

    @Override
    public int run(List<String> args, TrustHome home, Terminal term) throws UsageException {
        if (args.isEmpty()) { // nothing to parse: the option parser's set-up (lambdas included) is most of its time
            term.out().println("trustctl " + VERSION);
            return ExitCode.OK;
        }
        Options options = ParsedLine.optionsWithHelp();
        ParsedLine line = ParsedLine.parse(options, args);
        if (line.has("help")) {
            ParsedLine.printHelp(term.out(), "trustctl version", "Prints the version.", options);
            return ExitCode.OK;
        }
        Arguments.none(line);
        term.out().println("trustctl " + VERSION);
        return ExitCode.OK;
    }
}

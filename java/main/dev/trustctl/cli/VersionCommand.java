package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import java.io.IOException;
import java.util.List;
import org.apache.commons.cli.CommandLine;

/** {@code trustctl version}: prints {@code trustctl 0.1.0}, like {@code --version}. */
final class VersionCommand extends Command {
    static final String VERSION = "0.1.0";

    VersionCommand() {
        super("version", Setup.ANYWHERE, "print the version", "trustctl version", "Prints the version.");
    }

    @Override
    int run(List<String> args, TrustHome home, Terminal term) throws UsageException, IOException {
        if (!args.isEmpty()) { // else nothing to parse: not even a CommandLine, whose builder spins up a lambda
            return super.run(args, home, term);
        }
        term.out().println("trustctl " + VERSION);
        return ExitCode.OK;
    }

    @Override
    int run(CommandLine line, TrustHome home, Terminal term) throws UsageException, IOException {
        words(line);
        return run(List.of(), home, term);
    }
}

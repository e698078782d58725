package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import java.io.IOException;
import java.util.List;
import org.apache.commons.cli.Options;

/** {@code trustctl init}: creates TRUST_HOME's layout; running it again changes nothing and keeps the config. */
final class InitCommand implements Command {
    @Override
    public String name() {
        return "init";
    }

    @Override
    public String summary() {
        return "create the TRUST_HOME layout (config, logs/); safe to repeat";
    }

    @Override
    public boolean tightensHome() {
        return true;
    }

    @Override
    public int run(List<String> args, TrustHome home, Terminal term) throws UsageException, IOException {
        Options options = ParsedLine.optionsWithHelp();
        ParsedLine line = ParsedLine.parse(options, args);
        if (line.has("help")) {
            ParsedLine.printHelp(term.out(), "trustctl init",
                    "Creates $TRUST_HOME (default ~/.trustctl) with config and logs/. An existing config is kept.",
                    options);
            return ExitCode.OK;
        }
        Arguments.none(line);
        if (home.init()) {
            term.out().println("initialised " + home.dir());
        } else {
            term.out().println("already initialised " + home.dir() + " (config kept)");
        }
        return ExitCode.OK;
    }
}

package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import java.io.IOException;
import org.apache.commons.cli.CommandLine;

/** {@code trustctl init}: creates TRUST_HOME's layout; running it again changes nothing and keeps the config. */
final class InitCommand extends Command {
    InitCommand() {
        super("init", Setup.INIT, "create the TRUST_HOME layout (config, logs/); safe to repeat", "trustctl init",
                "Creates $TRUST_HOME (default ~/.trustctl) with config and logs/. An existing config is kept.");
    }

    @Override
    int run(CommandLine line, TrustHome home, Terminal term) throws UsageException, IOException {
        words(line);
        term.out().println(home.init() ? "initialised " + home.dir()
                : "already initialised " + home.dir() + " (config kept)");
        return ExitCode.OK;
    }
}

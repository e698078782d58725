package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import java.io.IOException;
import java.util.List;

/** One subcommand of trustctl. It returns an {@link ExitCode}; only {@code Main} exits the process. */
public interface Command {
    String name();

    /** One line for {@code trustctl --help}. */
    String summary();

    /** False for commands that work without a usable TRUST_HOME (they still log when they can). */
    default boolean needsHome() {
        return true;
    }

    /** True for {@code init}: it may fix the modes of TRUST_HOME before they are checked. */
    default boolean tightensHome() {
        return false;
    }

    /** Long-running commands log through a queue instead of writing each line in the caller's thread. */
    default boolean longRunning() {
        return false;
    }

    /**
     * Commands that log events of their own (a client's failures, a server's connections) set up the full log;
     * the others write their one command_done line directly, which starts faster.
     */
    default boolean logsEvents() {
        return longRunning();
    }

    int run(List<String> args, TrustHome home, Terminal term) throws UsageException, IOException;
}

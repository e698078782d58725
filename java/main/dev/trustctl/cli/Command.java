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

    /** What trustctl sets up before the command runs. */
    default Setup setup() {
        return Setup.HOME;
    }

    /** Whether a command needs a usable TRUST_HOME, and which log it writes. */
    enum Setup {
        /**
         * Needs TRUST_HOME, which trustctl makes (or refuses, in one line) before the command runs; writes its one
         * command_done line directly, which starts far faster than logback.
         */
        HOME,
        /** {@code init}: as HOME, after fixing the modes of TRUST_HOME that would otherwise be refused. */
        INIT,
        /** Works without a usable TRUST_HOME, and logs its line there when it can. */
        ANYWHERE,
        /** Works without a usable TRUST_HOME; logs events of its own (a client's failures), so through logback. */
        CLIENT,
        /** Needs TRUST_HOME; logs through logback's queue, so no line waits on the disk in the serving thread. */
        SERVER;

        boolean needsHome() {
            return this != ANYWHERE && this != CLIENT;
        }

        boolean logsEvents() {
            return this == CLIENT || this == SERVER;
        }
    }

    int run(List<String> args, TrustHome home, Terminal term) throws UsageException, IOException;
}

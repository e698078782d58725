package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;

/** The command line is wrong; the message names the problem in one line and maps to {@link ExitCode#USAGE}. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}

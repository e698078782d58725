package dev.trustctl.cli;

import java.io.PrintStream;
import java.util.Map;

/** What a command may touch of its surroundings: stdout, stderr and the environment (tests pass their own). */
public record Terminal(PrintStream out, PrintStream err, Map<String, String> env) {
    public static Terminal system() {
        return new Terminal(System.out, System.err, System.getenv());
    }
}

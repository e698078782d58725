package dev.trustctl.echo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's open-file limit, read from /proc/self/limits (Linux); 0 where it cannot be read. */
public final class FdLimit {
    /** Descriptors the JVM, the listener and the log hold before any client connects. */
    public static final int JVM_RESERVE = 32;

    private FdLimit() {
    }

    public static long soft() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                    return fields[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(fields[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: no warning rather than a wrong one
        }
        return 0;
    }
}

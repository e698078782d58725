package dev.trustctl.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The process's open-file limit, read from /proc/self/limits (Linux; 0 where it cannot be read), and the
 * {@code fd_limit_low} warning when it is short of what the server's client limit needs.
 */
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

    /**
     * Warns when the open-file limit cannot hold every client the server may accept, plus the JVM's own, and
     * when it made the engine's default client limit smaller.
     */
    static void warnIfLow(ServerSettings settings) {
        long limit = soft();
        int max = settings.maxClients();
        int wanted = settings.io().defaultMaxClients();
        // looked up here: soft() alone must not set up logging
        LoggingEventBuilder line = LoggerFactory.getLogger("echo").atWarn().setMessage("fd_limit_low")
                .addKeyValue("limit", limit);
        if (limit > 0 && limit < max + JVM_RESERVE) {
            line.addKeyValue("needed", max + JVM_RESERVE).addKeyValue("max_clients", max).log();
            System.err.printf("warning: open-file limit %d is below the %d that --max-clients %d needs;"
                    + " accept will back off on EMFILE (raise it with ulimit -n %d)%n", limit, max + JVM_RESERVE,
                    max, max + JVM_RESERVE);
        } else if (limit > 0 && max < wanted && max == ServerSettings.defaultMaxClients(settings.io(), limit)) {
            line.addKeyValue("needed", wanted + JVM_RESERVE).addKeyValue("max_clients", max)
                    .addKeyValue("lowered_from", wanted).log();
            System.err.printf("warning: open-file limit %d allows %d clients, not the default %d"
                    + " (raise the hard limit to %d to serve them all)%n", limit, max, wanted, wanted + JVM_RESERVE);
        }
    }
}

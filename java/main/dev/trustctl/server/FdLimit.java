package dev.trustctl.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        Logger log = LoggerFactory.getLogger("echo"); // looked up here: soft() alone must not set up logging
        long limit = soft();
        long needed = settings.maxClients() + JVM_RESERVE;
        int wanted = settings.io().defaultMaxClients();
        if (limit > 0 && limit < needed) {
            log.atWarn().setMessage("fd_limit_low").addKeyValue("limit", limit).addKeyValue("needed", needed)
                    .addKeyValue("max_clients", settings.maxClients()).log();
            System.err.printf("warning: open-file limit %d is below the %d that --max-clients %d needs;"
                    + " accept will back off on EMFILE (raise it with ulimit -n %d)%n", limit, needed,
                    settings.maxClients(), needed);
        } else if (limit > 0 && settings.maxClients() < wanted
                && settings.maxClients() == ServerSettings.defaultMaxClients(settings.io(), limit)) {
            log.atWarn().setMessage("fd_limit_low").addKeyValue("limit", limit)
                    .addKeyValue("needed", wanted + JVM_RESERVE).addKeyValue("max_clients", settings.maxClients())
                    .addKeyValue("lowered_from", wanted).log();
            System.err.printf("warning: open-file limit %d allows %d clients, not the default %d"
                    + " (raise the hard limit to %d to serve them all)%n", limit, settings.maxClients(), wanted,
                    wanted + JVM_RESERVE);
        }
    }
}

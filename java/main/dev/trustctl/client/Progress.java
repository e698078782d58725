package dev.trustctl.client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The load tester's progress line, redrawn in place with {@code \r} as wrk and curl do: round trips so far,
 * the rate, failures and the time left under --deadline. Only for a terminal: on a pipe or a file the line would
 * be noise in captured output, so there it is never drawn.
 */
public final class Progress {
    /** Runs shorter than this show no progress at all. */
    public static final Duration QUIET_START = Duration.ofSeconds(2);
    public static final Duration EVERY = Duration.ofMillis(500);
    /** Carriage return, then the line, then erase what a longer earlier line left to its right. */
    private static final String CLEAR_TO_END = "\033[K";

    private final PrintStream out;

    private Progress(PrintStream out) {
        this.out = out;
    }

    /**
     * A progress line on {@code err} when {@code fd} (a process's {@code /proc/self/fd/2}) links to a terminal
     * device (a pseudo-terminal or a virtual console); null otherwise. Java can tell whether stdin and stdout are
     * a console, not stderr, so the link is read instead.
     */
    public static Progress onTerminal(PrintStream err, Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            boolean terminal = target.startsWith("/dev/pts/") || target.matches("/dev/tty[0-9]*")
                    || target.equals("/dev/console");
            return terminal ? new Progress(err) : null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** {@code 1200/200000 round trips, 600/s, 3 failed, 57 s left of --deadline 60 s}. */
    static String line(long ok, long failed, double elapsedSeconds, LoadSettings settings) {
        double left = Math.max(0, settings.deadline().toMillis() / 1000.0 - elapsedSeconds);
        double rate = elapsedSeconds > 0 ? ok / elapsedSeconds : 0;
        return String.format(Locale.ROOT, "%d/%d round trips, %.0f/s, %d failed, %.0f s left of --deadline %s s",
                ok, settings.expected(), rate, failed, Math.ceil(left), settings.deadlineText());
    }

    void draw(long ok, long failed, double elapsedSeconds, LoadSettings settings) {
        out.print("\r" + line(ok, failed, elapsedSeconds, settings) + CLEAR_TO_END);
        out.flush();
    }

    /** Erases the line, so the summary that follows starts on a clean one. */
    void clear() {
        out.print("\r" + CLEAR_TO_END);
        out.flush();
    }
}

package dev.trustctl.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.LoggerFactory;

/**
 * The JSON log file, {@code $TRUST_HOME/logs/trustctl.log}, set up in code (no XML to parse at start-up) from
 * logback's own parts: an appender of the {@link SharedFile} (private to the user, shared safely by every process)
 * with our {@link JsonLine} encoder; for a long-running server, logback's AsyncAppender in front ({@link LogQueue}) so
 * the per-frame path never waits on the disk, and a {@link FloodLimit}, logback's TurboFilter, per event name; sizes
 * and limits in {@link LogSettings}. What could not be written, or was held back, is counted for server_stop, from
 * the process's start. The one piece of state here is the installed log.
 */
public final class Log {
    public static final String REQUEST_ID = "request_id";
    public static final String FILE_NAME = "trustctl.log";
    private static final String PROCESS_REQUEST_ID = newId();

    /** The running log's queue (null when it writes directly) and flood limit (null when none); null when stopped. */
    private record Installed(LogQueue queue, FloodLimit limit) {
    }

    private static volatile Installed current;

    private Log() {
    }

    /** The id of this process's invocation, stamped on every event that has none of its own. */
    public static String requestId() {
        return PROCESS_REQUEST_ID;
    }

    /**
     * 16 hex digits; unique enough to tell invocations apart, and no SecureRandom to seed at start-up. Not
     * String.format: its Formatter compiles a regex and spins method handles at every start of a CLI call.
     */
    static String newId() {
        String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return "0000000000000000".substring(hex.length()) + hex;
    }

    /** Lines this process could not write (disk full, file gone unwritable): for {@code server_stop}. */
    public static long linesLost() {
        return SharedFile.LOST.sum();
    }

    /** Lines the flood limit held back (each said in a {@code log_suppressed} line): for {@code server_stop}. */
    public static long linesSuppressed() {
        return FloodLimit.SUPPRESSED.sum();
    }

    /** Lines whose writing failed with an Error that the log writer survived: for {@code server_stop}. */
    public static long writerFailures() {
        return SharedFile.FAILURES.sum();
    }

    /** Lines a {@link NeverWaitingThread} gave up because the writer's queue was full: for {@code server_stop}. */
    public static long linesDropped() {
        return LogQueue.DROPPED.sum();
    }

    /**
     * The running log's flood verdict, for whoever makes lines to ask before making one: the server's composition
     * root hands it on. {@link FloodVerdict#NONE} unless a limited, queued log is running.
     */
    public static FloodVerdict floodVerdict() {
        Installed installed = current;
        return installed == null || installed.limit() == null ? FloodVerdict.NONE : installed.limit();
    }

    /**
     * Starts writing JSON lines to {@code logDir/trustctl.log}; {@code queued} for long-running servers. Refuses (one
     * line saying what to fix) a {@code logDir} that is a symbolic link, not this user's, or writable by group or
     * others, and a log or lock file that is not a regular file.
     */
    public static void start(Path logDir, boolean queued) throws IOException {
        start(logDir, queued, LogSettings.fromSystemProperties(), System.err);
    }

    /** As above with these settings, saying on {@code stderr} what the log cannot write (a test keeps it). */
    static void start(Path logDir, boolean queued, LogSettings settings, PrintStream stderr) throws IOException {
        stop();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        SharedFile file = new SharedFile(PrivateFile.logIn(logDir), settings, context, stderr);
        file.start();
        LogQueue queue = queued ? new LogQueue(file, context) : null;
        if (queue != null) {
            queue.start();
        }
        FloodLimit limit = queued && settings.limited() ? FloodLimit.install(settings, context) : null;
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(queue != null ? queue : file);
        current = new Installed(queue, limit);
    }

    /** Waits (at most {@code timeoutMillis}) until every line logged so far is written; true when it was. */
    public static boolean flush(long timeoutMillis) {
        return flush(current, timeoutMillis);
    }

    private static boolean flush(Installed installed, long timeoutMillis) {
        return installed == null || installed.queue() == null || installed.queue().flush(timeoutMillis);
    }

    /** Flushes and closes the log: queued events are written before this returns. */
    public static void stop() {
        Installed installed = current;
        if (installed == null) {
            return; // a short CLI call wrote through DirectLog: setting logback up now only to stop it costs ~50 ms
        }
        current = null;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        if (installed.limit() != null) {
            context.resetTurboFilterList();
            installed.limit().sayHeld(System.currentTimeMillis(), true); // nothing held back goes unsaid
        }
        // Written before AsyncAppender stops its worker: an interrupt in the middle of a write would close the file.
        flush(installed, 5000);
        // Ours first: a context stopped once (a test's earlier stop) would skip its appenders.
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAndStopAllAppenders();
        context.stop();
    }
}

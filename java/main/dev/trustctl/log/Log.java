package dev.trustctl.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * The JSON log file, {@code $TRUST_HOME/logs/trustctl.log}: set up in code (no XML to parse at start-up), private to
 * the user and shared safely by every process ({@link LogFile}), written by logback through a {@link LogAppender}:
 * through a queue for a long-running server, so the per-frame path never waits on the disk, flood-limited per event
 * name ({@link FloodLimit}); sizes and limits in {@link LogSettings}. Lines that could not be written, or were held
 * back, are counted from the process's start. The one piece of state here is the installed log.
 */
public final class Log {
    public static final String REQUEST_ID = "request_id";
    public static final String FILE_NAME = "trustctl.log";
    /** 16 hex digits; unique enough to tell invocations apart, and no SecureRandom to seed at start-up. */
    private static final String PROCESS_REQUEST_ID = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    /** Lines that could not be written (disk full, file gone unwritable), or whose fields could not be. */
    static final AtomicLong LOST = new AtomicLong();
    /** Lines a {@link NeverWaitingThread} gave up because the queue was full. */
    static final AtomicLong DROPPED = new AtomicLong();
    /** Passes of the writer thread that failed and were survived. */
    static final AtomicLong FAILURES = new AtomicLong();

    /** The running log; null when none is (a short call writes through {@link DirectLog}). */
    private static volatile LogAppender current;

    private Log() {
    }

    /** The id of this process's invocation, stamped on every event that has none of its own. */
    public static String requestId() {
        return PROCESS_REQUEST_ID;
    }

    /** Lines this process could not write (disk full, file gone unwritable): for {@code server_stop}. */
    public static long linesLost() {
        return LOST.get();
    }

    /** Lines the flood limit held back (each said in a {@code log_suppressed} line): for {@code server_stop}. */
    public static long linesSuppressed() {
        return FloodLimit.SUPPRESSED.sum();
    }

    /** Passes of the log writer thread that failed and were survived: for {@code server_stop}. */
    public static long writerFailures() {
        return FAILURES.get();
    }

    /** Lines a {@link NeverWaitingThread} gave up because the writer's queue was full: for {@code server_stop}. */
    public static long linesDropped() {
        return DROPPED.get();
    }

    /**
     * The running log's flood verdict, for whoever makes lines to ask before making one: the server's composition
     * root hands it on. {@link FloodVerdict#NONE} unless a limited, queued log is running.
     */
    public static FloodVerdict floodVerdict() {
        LogAppender log = current;
        return log == null || log.limit == null ? FloodVerdict.NONE : log.limit;
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
        LogAppender log = new LogAppender(new LogFile(logDir, settings, stderr), queued, settings, stderr);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(Level.INFO);
        log.setContext(context);
        log.start();
        root.addAppender(log);
        current = log;
    }

    /** Waits (at most {@code timeoutMillis}) until every line logged so far is written; true when it was. */
    public static boolean flush(long timeoutMillis) {
        LogAppender log = current;
        return log == null || log.flush(timeoutMillis);
    }

    /** Flushes and closes the log: queued events are written before this returns. */
    public static void stop() {
        if (current == null) {
            return; // a short CLI call wrote through DirectLog: setting logback up now only to stop it costs ~50 ms
        }
        current = null;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        // Ours first: a context stopped once (a test's earlier stop) would skip its appenders.
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAndStopAllAppenders();
        context.stop();
    }
}

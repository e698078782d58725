package dev.trustctl.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * The JSON log file, {@code $TRUST_HOME/logs/trustctl.log}: set up in code (no XML to parse at start-up),
 * private to the user (0700/0600), never written through a symbolic link, rolled under a lock by whichever
 * process finds it past the limit ({@link WholeLineFile}), flood-limited per event name ({@link FloodLimit}); sizes and
 * limits in {@link LogSettings}. A long-running server logs through a {@link LineQueue}, so the
 * per-frame path never waits on the disk. Lines that could not be written, or were held back, are counted.
 */
public final class Log {
    public static final String REQUEST_ID = "request_id";
    public static final String FILE_NAME = "trustctl.log";
    private static final int QUEUE_SIZE = 8192;

    private static final AtomicLong LINES_LOST = new AtomicLong();
    private static final AtomicLong LINES_SUPPRESSED = new AtomicLong();
    private static final AtomicLong WRITER_FAILURES = new AtomicLong();
    private static final AtomicLong LINES_DROPPED = new AtomicLong();
    /** Set on threads that must never wait for the log writer (event loops); no lambda: CLI calls load Log. */
    private static final ThreadLocal<Boolean> NEVER_WAITS = new ThreadLocal<>();
    private static volatile String requestId = newId();
    private static volatile LineQueue batching;
    private static volatile boolean started;

    private Log() {
    }

    /** The id of this process's invocation, stamped on every event that has none of its own. */
    public static String requestId() {
        return requestId;
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
        return LINES_LOST.get();
    }

    /** Lines the flood limit held back (each said in a {@code log_suppressed} line): for {@code server_stop}. */
    public static long linesSuppressed() {
        return LINES_SUPPRESSED.get() + LogThrottle.skippedTotal();
    }

    /** Passes of the log writer thread that failed and were survived: for {@code server_stop}. */
    public static long writerFailures() {
        return WRITER_FAILURES.get();
    }

    /**
     * Lines a thread that never waits gave up because the writer's queue was full (see
     * {@link #neverWaitOnThisThread()}): for {@code server_stop}.
     */
    public static long linesDropped() {
        return LINES_DROPPED.get();
    }

    /**
     * From now on, this thread never waits for the log writer: when its queue is full, the line is dropped and
     * counted instead. An event loop serves thousands of clients; a slow disk must not stall them all.
     */
    public static void neverWaitOnThisThread() {
        NEVER_WAITS.set(Boolean.TRUE);
    }

    static boolean mayWaitOnThisThread() {
        return NEVER_WAITS.get() == null;
    }

    static void countDropped() {
        LINES_DROPPED.incrementAndGet();
    }

    static void countLost(long lines) {
        LINES_LOST.addAndGet(lines);
    }

    static void countSuppressed() {
        LINES_SUPPRESSED.incrementAndGet();
    }

    static void countWriterFailure() {
        WRITER_FAILURES.incrementAndGet();
    }

    /** Starts writing JSON lines to {@code logDir/trustctl.log}; {@code queued} for long-running servers. */
    public static void start(Path logDir, boolean queued) throws IOException {
        start(logDir, queued, LogSettings.fromSystemProperties());
    }

    /**
     * As {@link #start(Path, boolean)} with these settings. Refuses (one line saying what to fix) a
     * {@code logDir} that is a symbolic link, not this user's, or writable by group or others.
     */
    public static void start(Path logDir, boolean queued, LogSettings settings) throws IOException {
        WholeLineFile file = new WholeLineFile(PrivateFile.logIn(logDir), settings, System.err);
        started = true;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(Level.INFO);
        Appender<ILoggingEvent> appender;
        LogThrottle.deactivate(); // a queued, limited log's gate takes it over
        if (queued) {
            LineQueue b = new LineQueue(file, settings, QUEUE_SIZE, System.err);
            batching = b;
            appender = b;
        } else {
            batching = null;
            appender = new DirectAppender(file);
        }
        appender.setContext(context);
        appender.setName(queued ? "batch" : "direct");
        appender.start();
        root.addAppender(appender);
    }

    /** Waits (at most {@code timeoutMillis}) until every line logged so far is written; true when it was. */
    public static boolean flush(long timeoutMillis) {
        LineQueue b = batching;
        return b == null || b.flush(timeoutMillis);
    }

    /** Flushes and closes the log: queued events are written before this returns. */
    public static void stop() {
        if (!started) {
            return; // a short CLI call wrote through DirectLog: setting logback up now only to stop it costs ~50 ms
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        // Ours first: a context stopped once (a test's earlier stop) would skip its appenders.
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAndStopAllAppenders();
        batching = null;
        LogThrottle.deactivate();
        context.stop();
    }
}

package dev.trustctl.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import dev.trustctl.home.StrictModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * The JSON log file, {@code $TRUST_HOME/logs/trustctl.log}: set up in code (no XML to parse at start-up),
 * private to the user (0700/0600), never written through a symbolic link, rolled under a lock by whichever
 * process finds it past the limit ({@link LogFile}), flood-limited per event name ({@link FloodGate}); sizes and
 * limits in {@link LogSettings}. A long-running server logs through a {@link BatchingAppender}, so the
 * per-frame path never waits on the disk. Lines that could not be written, or were held back, are counted.
 */
public final class Log {
    public static final String REQUEST_ID = "request_id";
    public static final String FILE_NAME = "trustctl.log";
    private static final int QUEUE_SIZE = 8192;

    private static final AtomicLong LINES_LOST = new AtomicLong();
    private static final AtomicLong LINES_SUPPRESSED = new AtomicLong();
    private static final AtomicLong WRITER_FAILURES = new AtomicLong();
    private static volatile String requestId = newId();
    private static volatile BatchingAppender batching;

    private Log() {
    }

    /** The id of this process's invocation, stamped on every event that has none of its own. */
    public static String requestId() {
        return requestId;
    }

    /** 16 hex digits; unique enough to tell invocations apart, and no SecureRandom to seed at start-up. */
    static String newId() {
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    /** Lines this process could not write (disk full, file gone unwritable): for {@code server_stop}. */
    public static long linesLost() {
        return LINES_LOST.get();
    }

    /** Lines the flood limit held back (each said in a {@code log_suppressed} line): for {@code server_stop}. */
    public static long linesSuppressed() {
        return LINES_SUPPRESSED.get();
    }

    /** Passes of the log writer thread that failed and were survived: for {@code server_stop}. */
    public static long writerFailures() {
        return WRITER_FAILURES.get();
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
        if (!Files.exists(logDir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(logDir, PosixFilePermissions.asFileAttribute(StrictModes.PRIVATE_DIR));
        }
        StrictModes.check(logDir, "logs directory", false);
        LogFile file = new LogFile(logDir.resolve(FILE_NAME), settings, System.err);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(Level.INFO);
        Appender<ILoggingEvent> appender;
        if (queued) {
            BatchingAppender b = new BatchingAppender(file, settings, QUEUE_SIZE, System.err);
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
        BatchingAppender b = batching;
        return b == null || b.flush(timeoutMillis);
    }

    /** Flushes and closes the log: queued events are written before this returns. */
    public static void stop() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        // Ours first: a context stopped once (a test's earlier stop) would skip its appenders.
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAndStopAllAppenders();
        batching = null;
        context.stop();
    }
}

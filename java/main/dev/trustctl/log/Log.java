package dev.trustctl.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.LoggerFactory;

/**
 * The JSON log file, {@code $TRUST_HOME/logs/trustctl.log}: set up in code (no XML to parse at start-up),
 * private to the user ({@link PrivateFile}), rolled under a lock ({@link RollLock}) by whichever process finds it
 * past the limit, in whole lines only ({@link WholeLineFile}), flood-limited per event name ({@link FloodLimit});
 * sizes and limits in {@link LogSettings}. A long-running server logs through a {@link LineQueue}, so the
 * per-frame path never waits on the disk. Lines that could not be written, or were held back, are counted.
 * The one piece of state here is the installed log; everything else belongs to it.
 */
public final class Log {
    public static final String REQUEST_ID = "request_id";
    public static final String FILE_NAME = "trustctl.log";
    private static final int QUEUE_SIZE = 8192;
    private static final String PROCESS_REQUEST_ID = newId();

    /** The installed log, or the last one once stopped (its counts are read after); null until one starts. */
    private static volatile Installed current;

    /** An installed log: its queue (null when it writes directly, or has stopped), its verdict, its counts. */
    private record Installed(LineQueue queue, FloodVerdict verdict, LogCounters counters) {
    }

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

    private static LogCounters counters() {
        Installed installed = current;
        return installed == null ? new LogCounters() : installed.counters();
    }

    /** Lines this process could not write (disk full, file gone unwritable): for {@code server_stop}. */
    public static long linesLost() {
        return counters().lost.sum();
    }

    /** Lines the flood limit held back (each said in a {@code log_suppressed} line): for {@code server_stop}. */
    public static long linesSuppressed() {
        return counters().suppressed.sum();
    }

    /** Passes of the log writer thread that failed and were survived: for {@code server_stop}. */
    public static long writerFailures() {
        return counters().writerFailures.sum();
    }

    /** Lines a {@link NeverWaitingThread} gave up because the writer's queue was full: for {@code server_stop}. */
    public static long linesDropped() {
        return counters().dropped.sum();
    }

    /**
     * The running log's flood verdict, for whoever makes lines to ask before making one: the server's composition
     * root hands it on. {@link FloodVerdict#NONE} unless a limited, queued log is running.
     */
    public static FloodVerdict floodVerdict() {
        Installed installed = current;
        return installed == null ? FloodVerdict.NONE : installed.verdict();
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
        LogCounters counters = new LogCounters();
        WholeLineFile file = new WholeLineFile(PrivateFile.logIn(logDir), settings, counters, System.err);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(Level.INFO);
        FloodLimit limit = queued ? new FloodLimit(settings, counters) : null; // the writer thread's alone
        LineQueue queue = queued ? new LineQueue(file, limit, counters, QUEUE_SIZE, System.err) : null;
        Appender<ILoggingEvent> appender = queued ? queue : new DirectAppender(file, counters);
        appender.setContext(context);
        appender.setName(queued ? "batch" : "direct");
        appender.start();
        root.addAppender(appender);
        current = new Installed(queue, queued ? limit.verdict() : FloodVerdict.NONE, counters);
    }

    /** Waits (at most {@code timeoutMillis}) until every line logged so far is written; true when it was. */
    public static boolean flush(long timeoutMillis) {
        Installed installed = current;
        return installed == null || installed.queue() == null || installed.queue().flush(timeoutMillis);
    }

    /** Flushes and closes the log: queued events are written before this returns. */
    public static void stop() {
        Installed installed = current;
        if (installed == null) {
            return; // a short CLI call wrote through DirectLog: setting logback up now only to stop it costs ~50 ms
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        // Ours first: a context stopped once (a test's earlier stop) would skip its appenders.
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAndStopAllAppenders();
        current = new Installed(null, FloodVerdict.NONE, installed.counters());
        context.stop();
    }
}

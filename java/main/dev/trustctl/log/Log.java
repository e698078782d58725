package dev.trustctl.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.LoggerFactory;

/**
 * The JSON log file, {@code $TRUST_HOME/logs/trustctl.log}: set up in code (no XML to parse at start-up),
 * rolled at {@value #ROLL_SIZE} (looked at every {@value #ROLL_CHECK_MILLIS} ms) with {@value #KEEP_FILES} old
 * files kept, private to the user (0700/0600).
 * A long-running server logs through a {@link BatchingAppender}, so the per-frame path never waits on the disk.
 */
public final class Log {
    public static final String REQUEST_ID = "request_id";
    public static final String FILE_NAME = "trustctl.log";
    static final String ROLL_SIZE = "10MB";
    static final int KEEP_FILES = 3;
    static final long ROLL_CHECK_MILLIS = 100;
    private static final int QUEUE_SIZE = 8192;

    private static volatile String requestId = newId();
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

    /** Starts writing JSON lines to {@code logDir/trustctl.log}; {@code queued} for long-running servers. */
    public static void start(Path logDir, boolean queued) throws IOException {
        Path file = prepare(logDir);
        started = true;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(Level.INFO);
        RollingFileAppender<ILoggingEvent> fileAppender = rollingFile(context, file);
        Appender<ILoggingEvent> appender = fileAppender;
        if (queued) {
            BatchingAppender batching = new BatchingAppender(fileAppender, QUEUE_SIZE);
            batching.setContext(context);
            batching.setName("batch");
            batching.start();
            appender = batching;
        }
        root.addAppender(appender);
    }

    /** Creates the log folder and file, private to the user, as needed; both logback and {@link DirectLog} use it. */
    static Path prepare(Path logDir) throws IOException {
        createPrivate(logDir);
        Path file = logDir.resolve(FILE_NAME);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException ok) {
            // appended to, as it is
        }
        if (!Files.isWritable(file)) {
            throw new IOException("log file is not writable: " + file);
        }
        return file;
    }

    private static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext context, Path file) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("file");
        appender.setFile(file.toString());
        appender.setAppend(true);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(KEEP_FILES);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf(ROLL_SIZE));
        // logback looks at the file's size at most once a minute by default: a load run writes far more
        // than 10 MB in a minute. A tenth of a second costs one stat() per 100 ms.
        trigger.setCheckIncrement(Duration.buildByMilliseconds(ROLL_CHECK_MILLIS));
        trigger.start();
        FlatJsonEncoder encoder = new FlatJsonEncoder();
        encoder.setContext(context);
        encoder.start();
        appender.setEncoder(encoder);
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.start();
        return appender;
    }

    private static void createPrivate(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** Flushes and closes the log: queued events are written before this returns. */
    public static void stop() {
        if (!started) {
            return; // a short CLI call wrote through DirectLog: setting logback up now only to stop it costs ~50 ms
        }
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}

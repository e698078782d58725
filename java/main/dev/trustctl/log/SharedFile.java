package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.trustctl.home.HomeException;
import dev.trustctl.home.StrictModes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.event.KeyValuePair;

/**
 * {@code logs/trustctl.log} as every trustctl process shares it: a logback appender that writes what its
 * {@link JsonLine.Encoder} makes, each line in one O_APPEND write, holding {@code logs/.trustctl.log.lock} so that
 * one process alone decides. It reopens the file if another process rolled it (the path no longer names the file it
 * holds), starting it with the encoder's header as logback appenders do; it cuts a write that failed half-way (disk
 * full) back to the last whole line; it rolls past the size limit. Nothing here throws at the caller: lines that
 * cannot be written are counted ({@link Log#linesLost()}), said once on stderr, and said in the log once it can be
 * written again.
 * <p>
 * Why not logback's FileAppender and rolling: it opens with FileOutputStream (through links, 0644); its prudent mode
 * locks the log itself without a timeout and refuses size-based rolling; FixedWindowRollingPolicy rolls no file whose
 * path holds a {@code %}, and reads a {@code \} in it as a {@code /}: another directory.
 */
final class SharedFile extends UnsynchronizedAppenderBase<ILoggingEvent> {
    static final String LOCK_NAME = ".trustctl.log.lock";
    /** A holder that never lets go (a process stopped mid-write) costs the others this once; they then go on. */
    static final long LOCK_WAIT_MILLIS = 500;
    /** Lines this process could not write (disk full, file gone unwritable), or whose fields could not be had. */
    static final LongAdder LOST = new LongAdder();
    /** Lines whose writing failed with an Error, which the writer survived. */
    static final LongAdder FAILURES = new LongAdder();
    /** File locks belong to the whole JVM: its threads take turns here before taking one. */
    private static final Object IN_PROCESS = new Object();

    /** A batch is written once it holds this much, more lines on their way or not. */
    private static final int BATCH_BYTES = 64 * 1024;

    /** Lines a server's queue took for this appender (none when it writes in the caller's thread). */
    final LongAdder queued = new LongAdder();
    /** Lines written, or counted lost: {@link LogQueue#flush} waits until they are as many as were queued. */
    final LongAdder done = new LongAdder();
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH_BYTES);
    private int batchLines;
    private final Path path;
    private final LogSettings settings;
    private final PrintStream stderr;
    private final JsonLine.Encoder encoder = new JsonLine.Encoder();
    private final FileChannel lockFile;
    private FileChannel channel;
    private Object fileKey;
    /** The last wait for the lock ran out: do not wait again until it has been had. */
    private boolean lockStuck;
    private long lostUnsaid;
    private boolean failing;
    private boolean errorSaid;

    /** Opens {@code path} and its lock; refuses (saying what to fix) what it must not open. */
    SharedFile(Path path, LogSettings settings, Context context, PrintStream stderr) throws IOException {
        this.path = path;
        this.settings = settings;
        this.stderr = stderr;
        this.lockFile = PrivateFile.open(path.resolveSibling(LOCK_NAME));
        try {
            this.channel = PrivateFile.open(path);
            this.fileKey = fileKeyAtPath();
        } catch (IOException e) {
            lockFile.close();
            throw e;
        }
        setContext(context);
        setName(Log.FILE_NAME);
        encoder.setContext(context);
        encoder.start();
    }

    private Object fileKeyAtPath() throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /**
     * Adds the line to the batch, and writes the batch when no more lines are on their way (a server's queue holds
     * none, and its worker has none in hand) or it is big enough: one lock and one write for a burst of lines.
     */
    @Override
    protected void append(ILoggingEvent event) {
        synchronized (IN_PROCESS) {
            // As logback's FileAppender does: an interrupt (AsyncAppender's stop) would close the file under a write.
            boolean interrupted = Thread.interrupted();
            try {
                batch.writeBytes(encoder.encode(event));
                batchLines++;
            } catch (Throwable e) { // NOPMD: the thread that writes the log must outlive any error
                lost(e, 1, false); // a field whose text cannot be had costs its own line only
                done.increment();
            }
            if (batchLines > 0 && (batch.size() >= BATCH_BYTES || queued.sum() <= done.sum() + batchLines)) {
                writeBatch();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One write of the batch, holding the lock: the file reopened first if someone rolled it, rolled after if due. */
    private void writeBatch() {
        try (FileLock held = lock()) {
            if (!channel.isOpen() || !Objects.equals(fileKeyAtPath(), fileKey)) {
                reopen(held != null); // another process rolled it (or something else took its place: refused)
            }
            write(batch.toByteArray(), held != null);
            if (held != null && channel.size() > settings.maxFileBytes()) {
                roll();
            }
        } catch (Throwable e) { // NOPMD: as above
            lost(e, batchLines, true);
        } finally {
            done.add(batchLines);
            batchLines = 0;
            batch.reset();
        }
    }

    /** The lock, or null when another process kept it {@value #LOCK_WAIT_MILLIS} ms (fcntl has no timed wait). */
    private FileLock lock() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lockStuck ? 0 : LOCK_WAIT_MILLIS);
        FileLock lock;
        while ((lock = lockFile.tryLock()) == null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        lockStuck = lock == null;
        return lock;
    }

    /** Opens the file now at the path, as {@link PrivateFile} allows, and starts it with the encoder's header. */
    private void reopen(boolean locked) throws IOException {
        channel.close();
        channel = PrivateFile.open(path);
        fileKey = fileKeyAtPath();
        byte[] header = encoder.headerBytes();
        if (header != null) {
            write(header, locked);
        }
    }

    /**
     * One O_APPEND write (after a line saying what was lost, if that is due). A write that fails half-way leaves a
     * torn line: it is cut off when the lock is held (without it, the bytes after ours may be another process's).
     */
    private void write(byte[] line, boolean locked) throws IOException {
        byte[] bytes = lostUnsaid == 0 ? line : (JsonLine.now("WARN", "log_lines_lost", List.of(new KeyValuePair("lines",
                lostUnsaid), new KeyValuePair("total", LOST.sum()))) + new String(line, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        long start = channel.size();
        try {
            PrivateFile.write(channel, bytes);
        } catch (IOException e) {
            if (locked && channel.size() > start) {
                channel.truncate(start);
            }
            throw e;
        }
        lostUnsaid = 0;
        failing = false;
    }

    /** trustctl.log becomes .1, .1 becomes .2, ... the oldest is dropped; every one of them is (made) 0600. */
    private void roll() throws IOException {
        for (int i = settings.keepFiles(); i >= 1; i--) {
            Path from = i == 1 ? path : rolled(i - 1);
            if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(from, rolled(i), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                StrictModes.tighten(rolled(i), StrictModes.PRIVATE_FILE);
            }
        }
        reopen(true);
    }

    private Path rolled(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    /** Counts lost lines and says why once: an Error of the writer's, or the file (until it can be written again). */
    private void lost(Throwable e, int lines, boolean writing) {
        LOST.add(lines);
        if (e instanceof Error) {
            FAILURES.increment();
            if (!errorSaid) {
                errorSaid = true;
                stderr.println("trustctl: the log writer failed (" + e + "); its lines are lost (and counted), it goes on");
            }
        } else if (writing) {
            lostUnsaid += lines;
            if (!failing) {
                failing = true;
                stderr.println("trustctl: cannot write the log " + path + ": "
                        + (e instanceof IOException io ? HomeException.reason(io) : e.toString())
                        + "; lines are lost (and counted) until it can");
            }
        }
    }

    @Override
    public void stop() {
        synchronized (IN_PROCESS) {
            if (batchLines > 0) {
                writeBatch();
            }
            super.stop();
            try {
                channel.close();
                lockFile.close();
            } catch (IOException ignored) {
                // nothing is buffered here: every line was written or counted lost
            }
        }
    }
}

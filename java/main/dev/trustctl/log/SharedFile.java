package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.trustctl.home.HomeException;
import dev.trustctl.home.StrictModes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
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

    /** Lines handed to this appender and done with, written or counted: what {@link LogQueue#flush} waits for. */
    final LongAdder done = new LongAdder();
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

    @Override
    protected void append(ILoggingEvent event) {
        synchronized (IN_PROCESS) {
            try (FileLock held = lock()) {
                if (!channel.isOpen() || !Objects.equals(fileKeyAtPath(), fileKey)) {
                    reopen(held != null); // another process rolled it (or something else took its place: refused)
                }
                write(encoder.encode(event), held != null);
                if (held != null && channel.size() > settings.maxFileBytes()) {
                    roll();
                }
            } catch (IOException e) {
                lost(e);
            } catch (RuntimeException e) {
                LOST.increment(); // a field whose text cannot be had costs its own line only
            } catch (Throwable e) { // NOPMD: the thread that writes the log must outlive any error
                LOST.increment();
                FAILURES.increment();
                if (!errorSaid) {
                    errorSaid = true;
                    stderr.println("trustctl: the log writer failed (" + e + "); its line is lost, it goes on");
                }
            } finally {
                done.increment();
            }
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
        ByteBuffer bytes = ByteBuffer.wrap(line);
        if (lostUnsaid > 0) {
            byte[] said = JsonLine.now("WARN", "log_lines_lost", List.of(new KeyValuePair("lines", lostUnsaid),
                    new KeyValuePair("total", LOST.sum()))).getBytes(StandardCharsets.UTF_8);
            bytes = ByteBuffer.allocate(said.length + line.length).put(said).put(line).flip();
        }
        long start = channel.size();
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
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

    private void lost(IOException e) {
        LOST.increment();
        lostUnsaid++;
        if (!failing) {
            failing = true;
            stderr.println("trustctl: cannot write the log " + path + ": " + HomeException.reason(e)
                    + "; lines are lost (and counted) until it can");
        }
    }

    @Override
    public void stop() {
        synchronized (IN_PROCESS) {
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

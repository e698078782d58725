package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.trustctl.home.HomeException;
import dev.trustctl.home.StrictModes;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.event.KeyValuePair;

/**
 * {@code logs/trustctl.log} as every trustctl process shares it. Each append holds the {@link RollLock} (and,
 * within the JVM, one monitor), so it alone decides: it reopens the file
 * if another process rolled it (the path no longer names the file it holds), appends its lines in one
 * O_APPEND write, cuts a write that failed half-way back to the last whole line, and rolls past the size limit.
 * The file is opened with O_NOFOLLOW and created 0600; a symbolic link is never written through.
 */
final class WholeLineFile implements Closeable {
    /**
     * File locks belong to the whole JVM: its threads and instances take turns here before taking one. A monitor,
     * not state: JVM-wide because the lock it guards is.
     */
    private static final Object IN_PROCESS = new Object();

    private final Path path;
    private final LogSettings settings;
    private final LogCounters counters;
    private final PrintStream stderr;
    private final RollLock lock;
    private FileChannel channel;
    private Object fileKey;
    private ILoggingEvent serverStart;
    /** Set when this process holds a file other than the one it last wrote in: a header goes first there. */
    private boolean switched;
    private long lostUnsaid;
    private boolean failing;

    WholeLineFile(Path path, LogSettings settings, LogCounters counters, PrintStream stderr) throws IOException {
        this.path = path;
        this.settings = settings;
        this.counters = counters;
        this.stderr = stderr;
        this.lock = new RollLock(path.getParent());
        try {
            open();
        } catch (IOException e) {
            lock.close();
            throw e;
        }
    }

    private void open() throws IOException {
        channel = PrivateFile.open(path);
        fileKey = fileKeyAtPath();
    }

    /** A file other than the one held is now at the path (another process rolled it, or this one did). */
    private void reopen() throws IOException {
        channel.close();
        open();
        switched = true; // the next append starts the new file with the header
    }

    private Object fileKeyAtPath() throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** Remembers the server's start: each file it rolls to (or finds rolled) starts with a copy of it. */
    void headerFrom(ILoggingEvent start) {
        synchronized (IN_PROCESS) {
            serverStart = start;
        }
    }

    /**
     * Appends {@code lines} (whole lines, {@code count} of them). It never throws: lines that cannot be written
     * are counted in {@link Log#linesLost()} and said once on stderr.
     */
    void append(String lines, int count) {
        synchronized (IN_PROCESS) {
            FileLock held = null;
            try {
                held = lock.acquire();
                write(lines, held != null);
                failing = false; // the log itself now says what was lost (log_lines_lost)
            } catch (IOException | RuntimeException e) {
                lost(count, e);
            } finally {
                RollLock.release(held);
            }
        }
    }

    /** One O_APPEND write of the lines (after a header or a count of lost lines, if due); rolls if locked. */
    private void write(String lines, boolean locked) throws IOException {
        reopenIfRolled();
        StringBuilder text = new StringBuilder(lines.length() + 512);
        if (switched && serverStart != null) {
            text.append(header());
        }
        if (lostUnsaid > 0) {
            text.append(JsonLine.now("WARN", "log_lines_lost",
                    List.of(new KeyValuePair("lines", lostUnsaid), new KeyValuePair("total", counters.lost.sum()))));
        }
        text.append(lines);
        long start = channel.size();
        try {
            PrivateFile.write(channel, text.toString());
        } catch (IOException e) {
            if (locked) {
                cutBack(start); // without the lock, the bytes after start may be another process's
            }
            throw e;
        }
        switched = false;
        lostUnsaid = 0;
        if (locked && channel.size() > settings.maxFileBytes()) {
            roll();
        }
    }

    /** A write that failed half-way (disk full) leaves a torn line: cut it off, so every line stays whole. */
    private void cutBack(long start) {
        try {
            if (channel.size() > start) {
                channel.truncate(start);
            }
        } catch (IOException ignored) {
            // the next append starts from the same place and tries again
        }
    }

    private void reopenIfRolled() throws IOException {
        if (!Objects.equals(fileKeyAtPath(), fileKey)) {
            reopen();
        }
    }

    /** trustctl.log becomes .1, .1 becomes .2, ... the oldest is dropped; every one of them is (made) 0600. */
    private void roll() throws IOException {
        for (int i = settings.keepFiles(); i >= 1; i--) {
            Path from = i == 1 ? path : rolled(i - 1);
            if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                Path to = rolled(i);
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                StrictModes.tighten(to, StrictModes.PRIVATE_FILE);
            }
        }
        reopen();
    }

    private Path rolled(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    /** {@code log_continued}: the server_start fields again, so no roll (and no flood) loses them. */
    private String header() {
        List<KeyValuePair> fields = new ArrayList<>();
        fields.add(new KeyValuePair("server_start_ts", serverStart.getTimeStamp()));
        if (serverStart.getKeyValuePairs() != null) {
            fields.addAll(serverStart.getKeyValuePairs());
        }
        return JsonLine.now("INFO", "log_continued", fields);
    }

    private void lost(int count, Exception e) {
        counters.lost.add(count);
        lostUnsaid += count;
        if (!failing) {
            failing = true;
            stderr.println("trustctl: cannot write the log " + path + ": " + reason(e)
                    + "; lines are lost (and counted) until it can");
        }
    }

    /** The same words as the home's errors ({@link HomeException#reason}): a file's error without its path again. */
    private static String reason(Exception e) {
        return e instanceof IOException io ? HomeException.reason(io) : e.toString();
    }

    @Override
    public void close() {
        synchronized (IN_PROCESS) {
            try {
                channel.close();
                lock.close();
            } catch (IOException ignored) {
                // nothing is buffered here: every append was written or counted lost
            }
        }
    }
}

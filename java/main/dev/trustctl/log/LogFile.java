package dev.trustctl.log;

import dev.trustctl.home.HomeException;
import dev.trustctl.home.StrictModes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.event.KeyValuePair;

/**
 * {@code logs/trustctl.log}, private and shared. Private: {@code logs/} is this user's own and writable by no one
 * else ({@link StrictModes}), and every file in it is opened to append without following a link, created 0600, and
 * only if it is a regular file; whatever else is there (a FIFO, a directory, a socket, a device) is refused in one
 * line naming it. Shared by every trustctl process: each write holds {@code logs/.trustctl.log.lock}, so it alone
 * decides. It reopens the file if another process rolled it (the path no longer names the file it holds), appends its
 * lines in one O_APPEND write, cuts a write that failed half-way (disk full) back to the last whole line, and rolls
 * past the size limit. Lines that cannot be written are counted ({@link Log#linesLost()}), said once on stderr, and
 * said in the log once it can be written again. A holder of the lock that never lets go (a process stopped in the
 * middle of a write) costs the others {@value #LOCK_WAIT_MILLIS} ms once: they then write without it (O_APPEND still
 * keeps each line whole), only trying it without waiting until they get it again, and leave rolling and cutting back
 * to a write that holds it.
 */
final class LogFile {
    static final String LOCK_NAME = ".trustctl.log.lock";
    static final long LOCK_WAIT_MILLIS = 500;
    private static final Set<OpenOption> APPEND = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    /** What a path that is not a regular file is, by the type bits of lstat's mode. */
    private static final Map<Integer, String> KINDS = Map.of(0010000, "a FIFO (named pipe)", 0020000,
            "a character device", 0040000, "a directory", 0060000, "a block device", 0120000, "a symbolic link",
            0140000, "a socket");

    private final Path path;
    private final LogSettings settings;
    private final PrintStream stderr;
    private final FileChannel lockFile;
    private FileChannel channel;
    private Object fileKey;
    /** log_continued's fields (server_start's): each file this process rolls to (or finds rolled) starts with them. */
    private List<KeyValuePair> header;
    /** Goes before the next lines: log_continued, once this process holds a file other than the one it wrote in. */
    private String continued = "";
    /** The last wait for the lock ran out: do not wait again until it has been had. */
    private boolean lockStuck;
    private long lostUnsaid;
    private boolean failing;

    /** Opens {@code logDir/trustctl.log} and its lock; refuses (saying what to fix) what it must not open. */
    LogFile(Path logDir, LogSettings settings, PrintStream stderr) throws IOException {
        this.path = in(logDir);
        this.settings = settings;
        this.stderr = stderr;
        this.lockFile = open(path.resolveSibling(LOCK_NAME));
        try {
            this.channel = open(path);
            this.fileKey = fileKeyAtPath();
        } catch (IOException e) {
            lockFile.close();
            throw e;
        }
    }

    /**
     * {@code logDir/trustctl.log}, once {@code logDir} exists and passes {@link StrictModes} (this user's own, not
     * writable by group or others, not a link). Both the server's log and {@link DirectLog} come through here.
     */
    static Path in(Path logDir) throws IOException {
        if (!Files.exists(logDir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(logDir, PosixFilePermissions.asFileAttribute(StrictModes.PRIVATE_DIR));
        }
        StrictModes.check(logDir, "logs directory", false);
        return logDir.resolve(Log.FILE_NAME);
    }

    /**
     * Opens {@code file} to append, without following a link, creating it 0600; only a regular file will do. What
     * is there is looked at (lstat) before it is opened: opening a FIFO with no reader blocks for ever, and a
     * device may block or act on the write. Java has no O_NONBLOCK to open with, so the type is checked after the
     * open as well, for a file swapped in between (only the owner of the 0700 logs directory could).
     */
    static FileChannel open(Path file) throws IOException {
        try {
            BasicFileAttributes found = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (found.isSymbolicLink()) {
                throw new FileSystemException(file.toString(), null,
                        "is a symbolic link: trustctl never writes through one; remove it");
            }
            if (!found.isRegularFile()) {
                throw notRegular(file);
            }
        } catch (NoSuchFileException missing) {
            // created by the open below
        }
        FileChannel c = reopen(file);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            c.close();
            throw notRegular(file);
        }
        return c;
    }

    /**
     * Opens again, to append, a file {@link #open} accepted moments ago in this same short call: O_NOFOLLOW still
     * refuses a link put there since, and no second look at its type costs the call's start-up two lstat calls.
     */
    static FileChannel reopen(Path file) throws IOException {
        return FileChannel.open(file, APPEND, PosixFilePermissions.asFileAttribute(StrictModes.PRIVATE_FILE));
    }

    /** Writes all of {@code text} (whole lines) in one O_APPEND write, or as few as the kernel needs. */
    static void write(FileChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** {@code trustctl.log is a FIFO (named pipe), not a regular file; remove it}: the name and what it is. */
    private static FileSystemException notRegular(Path file) {
        String kind;
        try {
            kind = KINDS.get((Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
        } catch (IOException | RuntimeException e) {
            kind = null; // gone since, or a JDK without the unix view
        }
        return new FileSystemException(file.toString(), null, file.getFileName() + " is " + (kind == null
                ? "something else" : kind) + ", not a regular file: trustctl never opens one; remove it");
    }

    private Object fileKeyAtPath() throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** Remembers the server's start: log_continued repeats when it started, then its fields. */
    synchronized void headerFrom(long startMillis, List<KeyValuePair> fields) {
        header = new ArrayList<>(List.of(new KeyValuePair("server_start_ts", startMillis)));
        header.addAll(fields == null ? List.of() : fields);
    }

    /** Appends {@code lines} (whole lines, each ending in its only newline) holding the lock; never throws. */
    synchronized void append(String lines) {
        if (lines.isEmpty()) {
            return;
        }
        try (FileLock held = lock()) {
            if (!Objects.equals(fileKeyAtPath(), fileKey)) {
                reopen(); // another process rolled it (or something else took its place: refused)
            }
            StringBuilder text = new StringBuilder(lines.length() + 512).append(continued);
            if (lostUnsaid > 0) {
                text.append(Json.line(System.currentTimeMillis(), "WARN", "log_lines_lost", List.of(
                        new KeyValuePair("lines", lostUnsaid), new KeyValuePair("total", Log.LOST.get()))));
            }
            long start = channel.size();
            try {
                write(channel, text.append(lines).toString());
            } catch (IOException e) {
                if (held != null && channel.size() > start) {
                    channel.truncate(start); // without the lock, the bytes after start may be another process's
                }
                throw e;
            }
            continued = "";
            lostUnsaid = 0;
            failing = false;
            if (held != null && channel.size() > settings.maxFileBytes()) {
                roll();
            }
        } catch (IOException | RuntimeException e) {
            long count = lines.chars().filter(c -> c == '\n').count();
            Log.LOST.addAndGet(count);
            lostUnsaid += count;
            if (!failing) {
                failing = true;
                stderr.println("trustctl: cannot write the log " + path + ": "
                        + (e instanceof IOException io ? HomeException.reason(io) : e.toString())
                        + "; lines are lost (and counted) until it can");
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

    /** A file other than the one held is now at the path (another process rolled it, or this one did). */
    private void reopen() throws IOException {
        channel.close();
        channel = open(path);
        fileKey = fileKeyAtPath();
        if (header != null) {
            continued = Json.line(System.currentTimeMillis(), "INFO", "log_continued", header);
        }
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
        reopen();
    }

    private Path rolled(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    synchronized void close() {
        try {
            channel.close();
            lockFile.close();
        } catch (IOException ignored) {
            // nothing is buffered here: every write was written or counted lost
        }
    }
}

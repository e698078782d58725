package dev.trustctl.log;

import dev.trustctl.home.StrictModes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The log's promise of privacy: {@code logs/} is this user's own and writable by no one else ({@link StrictModes}),
 * and every file in it is opened to append without following a link, created 0600, and only if it is a regular
 * file. Whatever else is there (a FIFO, a directory, a socket, a device) is refused in one line naming it.
 */
final class PrivateFile {
    private static final Set<OpenOption> APPEND = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    private static final int TYPE_BITS = 0170000;

    private PrivateFile() {
    }

    /**
     * {@code logDir/trustctl.log}, once {@code logDir} exists and passes {@link StrictModes} (this user's own, not
     * writable by group or others, not a link). Both the server's log and {@link DirectLog} come through here.
     */
    static Path logIn(Path logDir) throws IOException {
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
            BasicFileAttributes found = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
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
        FileChannel c = FileChannel.open(file, APPEND, PosixFilePermissions.asFileAttribute(StrictModes.PRIVATE_FILE));
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
        return new FileSystemException(file.toString(), null, file.getFileName() + " is " + kindOf(file)
                + ", not a regular file: trustctl never opens one; remove it");
    }

    /** What a path that is not a regular file is, read from the type bits of lstat's mode (the unix view's). */
    private static String kindOf(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return "something else"; // gone since, or a JDK without the unix view
        }
        return switch (mode & TYPE_BITS) {
            case 0010000 -> "a FIFO (named pipe)";
            case 0020000 -> "a character device";
            case 0040000 -> "a directory";
            case 0060000 -> "a block device";
            case 0120000 -> "a symbolic link";
            case 0140000 -> "a socket";
            default -> "something else";
        };
    }
}
